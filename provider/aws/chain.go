package awsprovider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Defaults of an assumed role session.
const (
	// DefaultSessionName names role sessions when a link gives no name.
	DefaultSessionName = "iamsync"
	// DefaultRoleDuration is how long a role session lasts when a link
	// gives no duration, as the AWS CLI does. The SDK's own default is 15
	// minutes, which a long apply could outlive.
	DefaultRoleDuration = time.Hour
)

// RoleLink is one role of an assume-role chain.
type RoleLink struct {
	RoleARN string
	// SessionName names the session, DefaultSessionName when empty.
	SessionName string
	// ExternalID is passed when set, for trust policies that require
	// sts:ExternalId.
	ExternalID string
	// Duration is the session's lifetime, DefaultRoleDuration when zero.
	Duration time.Duration
	// Policy is an inline session policy, PolicyARNs managed ones: both
	// narrow what the session may do.
	Policy     string
	PolicyARNs []string
	// SessionTags are passed as session tags; TransitiveTagKeys names
	// those that pass on to the next role of the chain.
	SessionTags       map[string]string
	TransitiveTagKeys []string
	// MFASerial is the MFA device of the user who assumes the role. The
	// code comes from Options.MFATokenCode.
	MFASerial string
}

// MFATokenFunc returns the current code of the MFA device with the serial
// number, for example by asking on the terminal.
type MFATokenFunc func(serial string) (string, error)

// chainCredentials replaces cfg's credentials with those of the last role
// of the chain. Each role is assumed, when the SDK first needs credentials
// and again before they expire, with the credentials of the role before
// it, the first with cfg's own.
func (p *Provider) chainCredentials(cfg *aws.Config, opts Options) error {
	for i, link := range opts.AssumeRole {
		if link.RoleARN == "" {
			return fmt.Errorf("assume role link %d: no role ARN", i+1)
		}
		if link.MFASerial != "" && opts.MFATokenCode == nil {
			return fmt.Errorf("assume role %s: an MFA device is named but no way to read its code is given", link.RoleARN)
		}
		client := p.newSTSClient(*cfg, opts)
		roleProvider := stscreds.NewAssumeRoleProvider(client, link.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			link.apply(o, opts.MFATokenCode)
		})
		cfg.Credentials = aws.NewCredentialsCache(&roleCredentials{provider: roleProvider, roleARN: link.RoleARN})
	}
	return nil
}

// AssumeRoleError is a failure to assume a role of the chain, which shows
// at the first API call that needs the role's credentials.
type AssumeRoleError struct {
	RoleARN string
	Err     error
}

func (e *AssumeRoleError) Error() string { return "assume role " + e.RoleARN + ": " + causeOf(e.Err) }

func (e *AssumeRoleError) Unwrap() error { return e.Err }

// RetryableError marks a failed assumption of the role as not retryable for
// the call that needed its credentials. The STS client that assumes the role
// has already made all its attempts, and repeating them for every attempt of
// the call made a wrong endpoint take half a minute to fail.
func (e *AssumeRoleError) RetryableError() bool { return false }

// roleCredentials retrieves a role's credentials and names the role when
// that fails, because the SDK reports the failure as one of the call that
// needed the credentials.
type roleCredentials struct {
	provider aws.CredentialsProvider
	roleARN  string
}

func (r *roleCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := r.provider.Retrieve(ctx)
	var inner *AssumeRoleError
	if err != nil && !errors.As(err, &inner) {
		err = &AssumeRoleError{RoleARN: r.roleARN, Err: err}
	}
	return creds, err
}

// apply sets the SDK's assume-role options from the link.
func (link RoleLink) apply(o *stscreds.AssumeRoleOptions, tokenCode MFATokenFunc) {
	o.RoleSessionName = link.SessionName
	if o.RoleSessionName == "" {
		o.RoleSessionName = DefaultSessionName
	}
	o.Duration = link.Duration
	if o.Duration == 0 {
		o.Duration = DefaultRoleDuration
	}
	if link.ExternalID != "" {
		o.ExternalID = aws.String(link.ExternalID)
	}
	if link.Policy != "" {
		o.Policy = aws.String(link.Policy)
	}
	o.PolicyARNs = policyDescriptors(link.PolicyARNs)
	o.Tags = sessionTags(link.SessionTags)
	o.TransitiveTagKeys = link.TransitiveTagKeys
	if link.MFASerial != "" {
		serial := link.MFASerial
		o.SerialNumber = aws.String(serial)
		o.TokenProvider = func() (string, error) { return tokenCode(serial) }
	}
}

// newSTSClient builds an STS client for cfg with the provider's endpoint,
// retryer and middleware.
func (p *Provider) newSTSClient(cfg aws.Config, opts Options) *sts.Client {
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Retryer = newRetryer(opts)
		o.APIOptions = append(o.APIOptions, p.addMiddleware)
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
	})
}

// sessionTags turns a map into STS tags, sorted by key.
func sessionTags(tags map[string]string) []ststypes.Tag {
	var out []ststypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ststypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func policyDescriptors(arns []string) []ststypes.PolicyDescriptorType {
	var out []ststypes.PolicyDescriptorType
	for _, arn := range arns {
		out = append(out, ststypes.PolicyDescriptorType{Arn: aws.String(arn)})
	}
	return out
}
