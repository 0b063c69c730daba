package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
)

// The methods below implement provider.Writer for account settings: each
// makes the IAM call of its name, once.

func (p *Provider) CreateAccountAlias(ctx context.Context, alias string) error {
	ctx = withEntity(ctx, "account alias "+alias)
	_, err := p.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteAccountAlias(ctx context.Context, alias string) error {
	ctx = withEntity(ctx, "account alias "+alias)
	_, err := p.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String(alias)})
	return wrapError(ctx, err)
}

// UpdateAccountPasswordPolicy replaces the whole password policy: IAM resets
// every setting that a request leaves out. Zero values of MaxPasswordAge,
// PasswordReusePrevention and MinimumPasswordLength are left out, which
// means "passwords never expire", "reuse is not limited" and IAM's default
// minimum length. ExpirePasswords is not sent, because IAM derives it from
// MaxPasswordAge.
func (p *Provider) UpdateAccountPasswordPolicy(ctx context.Context, policy provider.PasswordPolicy) error {
	ctx = withEntity(ctx, "password policy")
	_, err := p.iam.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength:      int32OrNil(policy.MinimumPasswordLength),
		RequireSymbols:             policy.RequireSymbols,
		RequireNumbers:             policy.RequireNumbers,
		RequireUppercaseCharacters: policy.RequireUppercaseCharacters,
		RequireLowercaseCharacters: policy.RequireLowercaseCharacters,
		AllowUsersToChangePassword: policy.AllowUsersToChangePassword,
		MaxPasswordAge:             int32OrNil(policy.MaxPasswordAge),
		PasswordReusePrevention:    int32OrNil(policy.PasswordReusePrevention),
		HardExpiry:                 aws.Bool(policy.HardExpiry),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteAccountPasswordPolicy(ctx context.Context) error {
	ctx = withEntity(ctx, "password policy")
	_, err := p.iam.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
	return wrapError(ctx, err)
}
