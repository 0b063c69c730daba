package awsprovider

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/iamsync/iamsync/provider"
)

// Log attribute keys.
const (
	logKeyAction  = "action"
	logKeyEntity  = "entity"
	logKeyAttempt = "attempt"
	logKeyError   = "error"
)

// callCounter counts API calls by action.
type callCounter struct {
	mu    sync.Mutex
	calls map[string]int
	// activity counts all calls and the retried attempts.
	activity Activity
}

func (c *callCounter) add(action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = make(map[string]int)
	}
	c.calls[action]++
	c.activity.Calls++
}

// retried counts an attempt after a call's first, and whether the attempt
// before it was throttled.
func (c *callCounter) retried(throttled bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.activity.Retries++
	if throttled {
		c.activity.ThrottledRetries++
	}
}

func (c *callCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
}

func (c *callCounter) total() Activity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.activity
}

// entityKey is the context key of the entity a call is about.
type entityKey struct{}

// withEntity records in ctx the entity that the calls made with ctx are
// about, such as "user alice", for retry logs and wrapped errors.
func withEntity(ctx context.Context, entity string) context.Context {
	return context.WithValue(ctx, entityKey{}, entity)
}

// entityOf returns the entity recorded by withEntity, or the empty string.
func entityOf(ctx context.Context) string {
	entity, _ := ctx.Value(entityKey{}).(string)
	return entity
}

// attemptsKey is the context key of a call's attempt record.
type attemptsKey struct{}

// attempts records the attempts of one API call. The SDK makes a call's
// attempts one after another, so the record needs no lock.
type attempts struct {
	count   int
	lastErr error
}

// addMiddleware adds the call counter before the call's retry loop and,
// inside it, the attempt observer that logs retries and reports throttled
// attempts through provider.ReportThrottle and attempts whose outcome is
// unknown through provider.ReportUncertain. It marks the error of an attempt
// whose request was not written in full, so that the retryer of a call that
// is not idempotent still repeats it.
func (p *Provider) addMiddleware(stack *middleware.Stack) error {
	count := middleware.InitializeMiddlewareFunc("IAMSyncCountCall", func(
		ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler,
	) (middleware.InitializeOutput, middleware.Metadata, error) {
		p.calls.add(middleware.GetOperationName(ctx))
		ctx = context.WithValue(ctx, attemptsKey{}, &attempts{})
		return next.HandleInitialize(ctx, in)
	})
	if err := stack.Initialize.Add(count, middleware.Before); err != nil {
		return err
	}

	observeAttempt := middleware.FinalizeMiddlewareFunc("IAMSyncObserveAttempt", func(
		ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler,
	) (middleware.FinalizeOutput, middleware.Metadata, error) {
		record := ctx.Value(attemptsKey{}).(*attempts)
		record.count++
		if record.count > 1 {
			p.calls.retried(isThrottle(record.lastErr))
			p.logger.LogAttrs(ctx, slog.LevelDebug, "retrying request",
				slog.String(logKeyAction, middleware.GetOperationName(ctx)),
				slog.String(logKeyEntity, entityOf(ctx)),
				slog.Int(logKeyAttempt, record.count),
				slog.Any(logKeyError, record.lastErr))
		}
		trace := new(sendTrace)
		out, metadata, err := next.HandleFinalize(trace.attach(ctx), in)
		err = trace.mark(err)
		record.lastErr = err
		if isThrottle(err) {
			provider.ReportThrottle(ctx)
		}
		if uncertainOutcome(err) {
			provider.ReportUncertain(ctx)
		}
		return out, metadata, err
	})
	if err := stack.Finalize.Insert(observeAttempt, "Retry", middleware.After); err != nil {
		return err
	}
	return stack.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("IAMSyncCheckResponse", checkResponse),
		"OperationDeserializer", middleware.After)
}

// checkResponse rejects a successful response whose body does not begin
// with the element of the operation's response, such as
// <CreateUserResponse>, as IAM's and STS's do. The SDK decodes an empty
// body, or one of another API, without an error, as if the call had
// returned nothing. A server that is not IAM would then pass for an account
// that has nothing, and every change for one that succeeded. Only the start
// of the body is read.
func checkResponse(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	out, metadata, err := next.HandleDeserialize(ctx, in)
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if err != nil || !ok || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Body == nil {
		return out, metadata, err
	}
	body := bufio.NewReaderSize(resp.Body, responseStartSize)
	resp.Body = struct {
		io.Reader
		io.Closer
	}{body, resp.Body}
	start, _ := body.Peek(responseStartSize)
	operation := middleware.GetOperationName(ctx)
	if !startsWithElement(start, operation+"Response") {
		return out, metadata, &smithy.DeserializationError{Err: fmt.Errorf(
			"it does not start with the <%sResponse> element that IAM and STS send", operation)}
	}
	return out, metadata, nil
}

// responseStartSize is how much of a response body checkResponse reads
// ahead: enough for an XML declaration and the first element's name.
const responseStartSize = 512

// startsWithElement reports whether an XML text starts, after white space
// and an optional XML declaration, with an element of that name.
func startsWithElement(text []byte, name string) bool {
	text = bytes.TrimLeft(text, " \t\r\n")
	if rest, ok := bytes.CutPrefix(text, []byte("<?xml")); ok {
		end := bytes.Index(rest, []byte("?>"))
		if end < 0 {
			return false
		}
		text = bytes.TrimLeft(rest[end+2:], " \t\r\n")
	}
	rest, ok := bytes.CutPrefix(text, []byte("<"+name))
	return ok && len(rest) > 0 && strings.IndexByte(" \t\r\n>/", rest[0]) >= 0
}

// isThrottle reports whether err is a throttling error by the SDK's standard
// classification, which includes IAM's "Throttling" code.
func isThrottle(err error) bool {
	return err != nil && retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary
}
