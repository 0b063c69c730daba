package awsprovider

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/iamsync/iamsync/provider"
)

// An attempt whose outcome is unknown may have made its change. The
// middleware reports each one through provider.ReportUncertain. The SDK
// repeats most such calls, which is safe for IAM's idempotent actions and
// for creates and deletes whose repetition fails in a way the caller can
// recognise. CreateAccessKey and CreatePolicyVersion are neither: each
// repetition makes one more key or version. Those calls are not repeated
// after an uncertain attempt, and the reads below let the caller find out
// what happened.

// uncertainOutcome reports whether a failed attempt may have been carried
// out: IAM responded with a server error, or the connection failed after the
// request may have been sent. An attempt whose request never left the
// client in full is certain, because IAM cannot act on a request whose body
// it did not receive.
func uncertainOutcome(err error) bool {
	if err == nil {
		return false
	}
	// The SDK wraps a failed send in a response error with status 0, so the
	// send error is looked for first.
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return !unsent(err)
	}
	var resp *smithyhttp.ResponseError
	return errors.As(err, &resp) && resp.HTTPStatusCode() >= 500
}

// unsent reports whether a failed send certainly sent no whole request.
// Either the attempt's trace shows it, or the connection to IAM or to the
// proxy could not be made.
func unsent(err error) bool {
	var traced *unsentError
	if errors.As(err, &traced) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// unsentError marks the error of an attempt whose trace shows that its
// request was not written in full.
type unsentError struct {
	err error
}

func (e *unsentError) Error() string { return e.err.Error() }
func (e *unsentError) Unwrap() error { return e.err }

// sendTrace follows one attempt's request through net/http's client trace.
// A request counts as written once net/http has handed all of it to the
// connection's buffer, which may still fail to reach the network, so a
// written request stays uncertain.
//
// NOTE: an HTTP client that does not use net/http's transport calls no
// trace hooks. Its failures count as uncertain unless they are failures to
// connect.
type sendTrace struct {
	// failed is set when the TLS handshake or the write of the request
	// failed.
	failed  atomic.Bool
	written atomic.Bool
}

// attach returns ctx with the trace's hooks. The transport may call them
// from its own goroutines, even after the attempt returned.
func (t *sendTrace) attach(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err != nil {
				t.failed.Store(true)
			}
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err != nil {
				t.failed.Store(true)
				return
			}
			t.written.Store(true)
		},
	})
}

// mark returns err as an *unsentError when the trace shows that no whole
// request was written: a handshake or a write failed, and no other try of
// the transport wrote it.
func (t *sendTrace) mark(err error) error {
	if err == nil || !t.failed.Load() || t.written.Load() {
		return err
	}
	return &unsentError{err: err}
}

// certainRetryer is a retryer that repeats no attempt whose outcome is
// unknown.
type certainRetryer struct {
	aws.Retryer
}

func (r certainRetryer) IsErrorRetryable(err error) bool {
	return !uncertainOutcome(err) && r.Retryer.IsErrorRetryable(err)
}

// noUncertainRetries is a per-call option for actions that are not
// idempotent.
func noUncertainRetries(o *iam.Options) {
	o.Retryer = certainRetryer{Retryer: o.Retryer}
}

// ListAccessKeys returns the user's access keys, sorted by id, without
// their last use.
func (p *Provider) ListAccessKeys(ctx context.Context, userName string) ([]provider.AccessKey, error) {
	ctx = withEntity(ctx, "user "+userName)
	var keys []provider.AccessKey
	pages := iam.NewListAccessKeysPaginator(p.iam, &iam.ListAccessKeysInput{UserName: aws.String(userName), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		for _, k := range page.AccessKeyMetadata {
			keys = append(keys, provider.AccessKey{
				ID:         aws.ToString(k.AccessKeyId),
				Status:     string(k.Status),
				CreateDate: aws.ToTime(k.CreateDate),
			})
		}
	}
	slices.SortFunc(keys, func(a, b provider.AccessKey) int { return strings.Compare(a.ID, b.ID) })
	return keys, nil
}

// ReadDefaultPolicyVersion returns the default version of a managed policy
// with its document.
func (p *Provider) ReadDefaultPolicyVersion(ctx context.Context, policyARN string) (*provider.PolicyVersion, error) {
	ctx = withEntity(ctx, "policy "+policyARN)
	policy, err := p.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	out, err := p.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: policy.Policy.DefaultVersionId})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	doc, err := decodeDocument(out.PolicyVersion.Document)
	if err != nil {
		return nil, fmt.Errorf("read default version of policy %s: %w", policyARN, err)
	}
	return &provider.PolicyVersion{
		ID:         aws.ToString(out.PolicyVersion.VersionId),
		Document:   doc,
		IsDefault:  out.PolicyVersion.IsDefaultVersion,
		CreateDate: aws.ToTime(out.PolicyVersion.CreateDate),
	}, nil
}
