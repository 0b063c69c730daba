package awsprovider

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamsync/iamsync/provider"
)

// DefaultRegion is the region used when neither Options nor the SDK's
// configuration names one. IAM is global, and its control plane for the
// commercial partition lives in us-east-1.
const DefaultRegion = "us-east-1"

// Retry defaults. IAM throttles with per-API token buckets whose rates are
// not published, so a call gets more attempts than the SDK's default of 3.
// A throttled call gets more again, because throttling passes with time,
// while a refused connection or a failing server usually does not.
const (
	DefaultMaxAttempts          = 8
	DefaultMaxThrottledAttempts = 16
	DefaultMaxBackoff           = 20 * time.Second
	// DefaultResponseTimeout bounds the wait for the headers of a response,
	// so that an endpoint that accepts the connection but never responds
	// fails the attempt instead of blocking the command indefinitely.
	DefaultResponseTimeout = 30 * time.Second
)

// HTTPClient sends the SDK's HTTP requests. *http.Client satisfies it.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configure New. The zero value uses the SDK's standard
// configuration chain, as the AWS CLI does.
type Options struct {
	// Region overrides the configured region. IAM is global, but the region
	// chooses the partition and the regional STS endpoint.
	Region string
	// Profile names a profile of the shared configuration files.
	Profile string
	// EndpointURL overrides the endpoint of both IAM and STS. Without it the
	// SDK still honours AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM and
	// AWS_ENDPOINT_URL_STS.
	EndpointURL string

	// AccessKeyID and SecretAccessKey, when both are set, replace the
	// credential chain with these static credentials. SessionToken is
	// optional.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string

	// AssumeRole is a chain of roles that the provider acts as the last
	// of: each role is assumed with the credentials of the one before it,
	// the first with the credentials configured above.
	AssumeRole []RoleLink
	// MFATokenCode reads the code of an MFA device that a link names.
	MFATokenCode MFATokenFunc

	// HTTPClient replaces the SDK's HTTP client.
	HTTPClient HTTPClient
	// ResponseTimeout bounds the wait for a response's headers when
	// HTTPClient is nil. Zero means DefaultResponseTimeout.
	ResponseTimeout time.Duration
	// Logger receives debug records such as retries. Nil discards them.
	Logger *slog.Logger

	// MaxAttempts bounds the attempts of one API call, the first included.
	// Zero means DefaultMaxAttempts, and 1 disables retries.
	MaxAttempts int
	// MaxThrottledAttempts bounds the attempts of a call whose last attempt
	// was throttled. Zero means DefaultMaxThrottledAttempts, or 1 when
	// MaxAttempts is 1. A value below MaxAttempts counts as MaxAttempts.
	MaxThrottledAttempts int
	// MaxBackoff bounds the delay between two attempts. Zero means
	// DefaultMaxBackoff.
	MaxBackoff time.Duration

	// MaxRPS caps the requests that the provider's IAM and STS clients send
	// per second, each attempt of a retried call counted. Zero means no
	// cap. The clients that the SDK's credential providers build, such as
	// the assume-role chain's, are not capped.
	MaxRPS float64
}

// String describes the options without the secret access key or the
// session token, so options printed by mistake leak no secret.
func (o Options) String() string {
	return fmt.Sprintf("{Region:%q Profile:%q EndpointURL:%q AccessKeyID:%q}", o.Region, o.Profile, o.EndpointURL, o.AccessKeyID)
}

// GoString hides the same secrets as String from the %#v verb.
func (o Options) GoString() string { return "awsprovider.Options" + o.String() }

// Provider reads and changes one account through the IAM and STS APIs.
// It is safe for concurrent use.
type Provider struct {
	iam    *iam.Client
	sts    *sts.Client
	logger *slog.Logger
	calls  callCounter
	// limiter spaces the requests; nil when Options.MaxRPS is zero.
	limiter *requestLimiter
}

var (
	_ provider.Reader = (*Provider)(nil)
	_ provider.Writer = (*Provider)(nil)
)

// New loads the SDK configuration and builds the IAM and STS clients. It
// makes no API call, so missing credentials show up at the first call.
func New(ctx context.Context, opts Options) (*Provider, error) {
	p := &Provider{logger: opts.Logger, limiter: newRequestLimiter(opts.MaxRPS)}
	if p.logger == nil {
		p.logger = slog.New(slog.DiscardHandler)
	}

	// Load the standard chain: environment, shared files, SSO, web identity.
	cfg, err := config.LoadDefaultConfig(ctx, loadOptions(opts)...)
	if err != nil {
		return nil, fmt.Errorf("load aws configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	reportMissingCredentials(&cfg)
	if err := p.chainCredentials(&cfg, opts); err != nil {
		return nil, err
	}

	// Build both clients with the call counter, retry logging and retryer.
	retryer := newRetryer(opts)
	p.iam = iam.NewFromConfig(cfg, func(o *iam.Options) {
		o.Retryer = retryer
		o.APIOptions = append(o.APIOptions, p.addMiddleware, p.addRateLimit)
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
	})
	p.sts = sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Retryer = retryer
		o.APIOptions = append(o.APIOptions, p.addMiddleware, p.addRateLimit)
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
	})
	return p, nil
}

// loadOptions turns opts into the SDK's configuration loading options.
func loadOptions(opts Options) []func(*config.LoadOptions) error {
	var load []func(*config.LoadOptions) error
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.AccessKeyID != "" && opts.SecretAccessKey != "" {
		static := credentials.NewStaticCredentialsProvider(opts.AccessKeyID, opts.SecretAccessKey, opts.SessionToken)
		load = append(load, config.WithCredentialsProvider(static))
	}
	if opts.HTTPClient != nil {
		load = append(load, config.WithHTTPClient(opts.HTTPClient))
	} else {
		timeout := opts.ResponseTimeout
		if timeout <= 0 {
			timeout = DefaultResponseTimeout
		}
		client := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.ResponseHeaderTimeout = timeout
		})
		load = append(load, config.WithHTTPClient(client))
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	load = append(load, config.WithLogger(sdkLogger{logger: logger}))
	return load
}

// newRetryer returns the SDK's standard retryer with the bounds of opts.
func newRetryer(opts Options) aws.Retryer {
	maxAttempts := opts.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	maxBackoff := opts.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	maxThrottled := opts.MaxThrottledAttempts
	switch {
	case maxThrottled > 0:
	case maxAttempts == 1:
		maxThrottled = 1
	default:
		maxThrottled = DefaultMaxThrottledAttempts
	}
	maxThrottled = max(maxThrottled, maxAttempts)
	standard := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxThrottled
		o.MaxBackoff = maxBackoff
		// The client-side retry quota protects long-running services from
		// retry storms. A command that must finish its plan would instead
		// fail with "retry quota exceeded" under sustained throttling, so
		// the bounded attempts per call are the only limit.
		o.RateLimiter = ratelimit.None
	})
	return throttleRetryer{RetryerV2: standard, maxAttempts: maxAttempts}
}

// throttleRetryer is the SDK's standard retryer with the attempts of a
// throttled call. It stops a call after maxAttempts when the last attempt
// failed for another reason.
type throttleRetryer struct {
	aws.RetryerV2
	maxAttempts int
}

// RetryDelay returns the standard retryer's delay, or, past maxAttempts
// for an error other than throttling, the SDK's error for attempts
// exhausted. The SDK's retry loop calls it only for a retryable err, with
// attempts remaining.
func (r throttleRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if attempt >= r.maxAttempts && !isThrottle(err) {
		return 0, &retry.MaxAttemptsError{Attempt: attempt, Err: err}
	}
	return r.RetryerV2.RetryDelay(attempt, err)
}

// Calls returns how many API calls the provider has made, by action name
// such as "GetAccountAuthorizationDetails". A call counts once however
// many attempts its retries took.
func (p *Provider) Calls() map[string]int { return p.calls.snapshot() }

// Activity is the count of a provider's API calls so far, each counted
// once, and of the attempts that retried them.
type Activity struct {
	Calls int
	// Retries counts the attempts after a call's first, and
	// ThrottledRetries those of them that followed a throttled attempt.
	Retries          int
	ThrottledRetries int
}

// Activity returns the calls and retries made so far, for progress
// reports while a read takes long.
func (p *Provider) Activity() Activity { return p.calls.total() }

// CallerIdentity returns the account and principal the credentials belong
// to, through STS GetCallerIdentity.
func (p *Provider) CallerIdentity(ctx context.Context) (provider.Identity, error) {
	out, err := p.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return provider.Identity{}, wrapError(ctx, err)
	}
	id := provider.Identity{
		Account: aws.ToString(out.Account),
		ARN:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
	}
	// A server that responds with an empty or foreign XML body passes the
	// SDK's decoding with every field missing, and an empty account id
	// would make every ARN of the plan wrong.
	if !accountIDPattern.MatchString(id.Account) || !strings.HasPrefix(id.ARN, "arn:") {
		return provider.Identity{}, &CallError{Action: "GetCallerIdentity", Err: fmt.Errorf(
			"the response is missing the account id and ARN (account %q, ARN %q), so it is not an AWS API response; "+
				"check that the endpoint URL is that of IAM and STS", id.Account, id.ARN)}
	}
	return id, nil
}

// accountIDPattern matches an AWS account id: twelve digits.
var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// AccountAliases returns the account's aliases, all pages. IAM allows at
// most one alias per account.
func (p *Provider) AccountAliases(ctx context.Context) ([]string, error) {
	var aliases []string
	pages := iam.NewListAccountAliasesPaginator(p.iam, &iam.ListAccountAliasesInput{MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		aliases = append(aliases, page.AccountAliases...)
	}
	return aliases, nil
}

// partitionOf returns the partition field of an ARN, such as "aws" or
// "aws-cn", or the empty string when arn is not an ARN.
func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}
