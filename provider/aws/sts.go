package awsprovider

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TemporaryCredentials are credentials that STS issued. The secret access
// key and the session token exist only in this value.
type TemporaryCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time

	// ARN is the identity the credentials act as: the assumed role session
	// or the federated user. It is empty for session tokens, which act as
	// the caller.
	ARN string
	// PackedPolicySize is the percentage of the packed size limit that the
	// session policies and tags take, nil when STS did not report one.
	PackedPolicySize *int32
}

// String hides the secret and the token, so that credentials printed by
// mistake leak neither.
func (c TemporaryCredentials) String() string {
	return c.AccessKeyID + " (secret hidden, expires " + c.Expiration.UTC().Format(time.RFC3339) + ")"
}

// GoString hides the same secrets from the %#v verb.
func (c TemporaryCredentials) GoString() string {
	return "awsprovider.TemporaryCredentials{" + c.String() + "}"
}

// SessionTokenInput holds the arguments of GetSessionToken. Zero values
// are left out, so that STS applies its defaults.
type SessionTokenInput struct {
	Duration  time.Duration
	MFASerial string
	MFACode   string
}

// FederationTokenInput holds the arguments of GetFederationToken.
type FederationTokenInput struct {
	Name       string
	Duration   time.Duration
	Policy     string
	PolicyARNs []string
	Tags       map[string]string
}

// AssumeRole assumes the role of link once, with the provider's
// credentials, and returns the session's credentials. The MFA code, when
// the link names a device, is mfaCode.
func (p *Provider) AssumeRole(ctx context.Context, link RoleLink, mfaCode string) (*TemporaryCredentials, error) {
	ctx = withEntity(ctx, "role "+link.RoleARN)
	in := &sts.AssumeRoleInput{
		RoleArn:           aws.String(link.RoleARN),
		RoleSessionName:   aws.String(link.SessionName),
		DurationSeconds:   seconds(link.Duration),
		PolicyArns:        policyDescriptors(link.PolicyARNs),
		Tags:              sessionTags(link.SessionTags),
		TransitiveTagKeys: link.TransitiveTagKeys,
		ExternalId:        optionalString(link.ExternalID),
		Policy:            optionalString(link.Policy),
		SerialNumber:      optionalString(link.MFASerial),
		TokenCode:         optionalString(mfaCode),
	}
	if link.SessionName == "" {
		in.RoleSessionName = aws.String(DefaultSessionName)
	}
	out, err := p.sts.AssumeRole(ctx, in)
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	creds := temporaryCredentials(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey,
		out.Credentials.SessionToken, out.Credentials.Expiration)
	creds.ARN = aws.ToString(out.AssumedRoleUser.Arn)
	creds.PackedPolicySize = out.PackedPolicySize
	return creds, nil
}

// GetSessionToken returns credentials that act as the caller, with MFA
// when the input names a device.
func (p *Provider) GetSessionToken(ctx context.Context, in SessionTokenInput) (*TemporaryCredentials, error) {
	out, err := p.sts.GetSessionToken(ctx, &sts.GetSessionTokenInput{
		DurationSeconds: seconds(in.Duration),
		SerialNumber:    optionalString(in.MFASerial),
		TokenCode:       optionalString(in.MFACode),
	})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	return temporaryCredentials(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey,
		out.Credentials.SessionToken, out.Credentials.Expiration), nil
}

// GetFederationToken returns credentials of a federated user named
// in.Name, whose permissions are the caller's narrowed by the policies.
func (p *Provider) GetFederationToken(ctx context.Context, in FederationTokenInput) (*TemporaryCredentials, error) {
	ctx = withEntity(ctx, "federated user "+in.Name)
	out, err := p.sts.GetFederationToken(ctx, &sts.GetFederationTokenInput{
		Name:            aws.String(in.Name),
		DurationSeconds: seconds(in.Duration),
		Policy:          optionalString(in.Policy),
		PolicyArns:      policyDescriptors(in.PolicyARNs),
		Tags:            sessionTags(in.Tags),
	})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	creds := temporaryCredentials(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey,
		out.Credentials.SessionToken, out.Credentials.Expiration)
	creds.ARN = aws.ToString(out.FederatedUser.Arn)
	creds.PackedPolicySize = out.PackedPolicySize
	return creds, nil
}

func temporaryCredentials(keyID, secret, token *string, expiration *time.Time) *TemporaryCredentials {
	return &TemporaryCredentials{
		AccessKeyID: aws.ToString(keyID), SecretAccessKey: aws.ToString(secret),
		SessionToken: aws.ToString(token), Expiration: aws.ToTime(expiration).UTC(),
	}
}

// seconds returns d in whole seconds, nil for zero so that STS applies its
// default.
func seconds(d time.Duration) *int32 {
	if d == 0 {
		return nil
	}
	return aws.Int32(int32(d / time.Second))
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
