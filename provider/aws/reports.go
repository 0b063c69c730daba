package awsprovider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamsync/iamsync/provider"
)

// Defaults of ReportOptions. IAM generates a report in seconds for most
// accounts, so polling starts fast and slows down.
const (
	DefaultReportFirstDelay = 250 * time.Millisecond
	DefaultReportMaxDelay   = 8 * time.Second
	DefaultReportTimeout    = 2 * time.Minute
)

// codeReportInProgress is IAM's error for a report still being generated.
const codeReportInProgress = "ReportInProgress"

// ErrReportTimeout is returned when the credential report was not ready
// within ReportOptions.Timeout.
var ErrReportTimeout = errors.New("credential report not ready in time")

// AccountSummary returns GetAccountSummary's map of usage counts and
// quotas, keyed by IAM's names such as "Users" and "UsersQuota".
func (p *Provider) AccountSummary(ctx context.Context) (map[string]int32, error) {
	return p.accountSummary(ctx)
}

// ReportOptions bound the polling of CredentialReport.
type ReportOptions struct {
	// FirstDelay is the wait before the first poll; each later wait
	// doubles, up to MaxDelay. Zero values take the defaults above.
	FirstDelay time.Duration
	MaxDelay   time.Duration
	// Timeout bounds the whole wait, DefaultReportTimeout when zero.
	Timeout time.Duration
}

// CredentialReport is IAM's credential report.
type CredentialReport struct {
	// Content is the report as CSV.
	Content       []byte
	GeneratedTime time.Time
}

// CredentialReport requests a credential report from IAM and waits until
// it is ready: it calls GenerateCredentialReport until the state is COMPLETE,
// waiting longer each time, then GetCredentialReport. IAM makes a new
// report at most every four hours and returns the latest one otherwise.
func (p *Provider) CredentialReport(ctx context.Context, opts ReportOptions) (*CredentialReport, error) {
	opts = opts.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, opts.Timeout, ErrReportTimeout)
	defer cancel()

	delay := opts.FirstDelay
	for {
		// Request the report, and fetch it once its state is COMPLETE.
		out, err := p.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return nil, reportError(ctx, err)
		}
		// IAM always names the state: STARTED, INPROGRESS or COMPLETE.
		if out.State == "" {
			return nil, &CallError{Action: "GenerateCredentialReport",
				Err: errors.New("the response names no report state, so it is not one of IAM's; check the endpoint URL")}
		}
		if out.State == types.ReportStateTypeComplete {
			report, err := p.getCredentialReport(ctx)
			if provider.ErrorCode(err) != codeReportInProgress {
				return report, err
			}
		}

		// Wait before asking again.
		p.logger.DebugContext(ctx, "waiting for the credential report", "state", string(out.State), "delay", delay)
		select {
		case <-ctx.Done():
			return nil, reportError(ctx, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, opts.MaxDelay)
	}
}

func (p *Provider) getCredentialReport(ctx context.Context) (*CredentialReport, error) {
	out, err := p.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		return nil, reportError(ctx, err)
	}
	return &CredentialReport{Content: out.Content, GeneratedTime: aws.ToTime(out.GeneratedTime).UTC()}, nil
}

// reportError wraps a failure of the report calls, naming the timeout when
// that was the cause.
func reportError(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), ErrReportTimeout) {
		return fmt.Errorf("wait for the credential report: %w", ErrReportTimeout)
	}
	return wrapError(ctx, err)
}

func (o ReportOptions) withDefaults() ReportOptions {
	if o.FirstDelay <= 0 {
		o.FirstDelay = DefaultReportFirstDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultReportMaxDelay
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultReportTimeout
	}
	return o
}
