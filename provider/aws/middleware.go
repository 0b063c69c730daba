package awsprovider

import (
	"context"
	"log/slog"
	"maps"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"

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
}

func (c *callCounter) add(action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = make(map[string]int)
	}
	c.calls[action]++
}

func (c *callCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
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
	return stack.Finalize.Insert(observeAttempt, "Retry", middleware.After)
}

// isThrottle reports whether err is a throttling error by the SDK's standard
// classification, which includes IAM's "Throttling" code.
func isThrottle(err error) bool {
	return err != nil && retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary
}
