package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
)

// The methods below implement provider.Writer for customer-managed
// policies: each makes the IAM call of its name, once.

// CreatePolicy creates a managed policy and returns its ARN.
func (p *Provider) CreatePolicy(ctx context.Context, in provider.CreatePolicyInput) (string, error) {
	ctx = withEntity(ctx, "policy "+in.Name)
	out, err := p.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String(in.Name),
		Path:           stringOrNil(in.Path),
		PolicyDocument: aws.String(in.Document),
		Description:    stringOrNil(in.Description),
		Tags:           sdkTags(in.Tags),
	})
	if err != nil {
		return "", wrapError(ctx, err)
	}
	return aws.ToString(out.Policy.Arn), nil
}

// CreatePolicyVersion adds a version to a managed policy and returns the new
// version's id, such as "v2". An attempt whose outcome is unknown is not
// repeated, because a repetition would make a second version.
func (p *Provider) CreatePolicyVersion(ctx context.Context, policyARN, document string, setAsDefault bool) (string, error) {
	ctx = withEntity(ctx, "policy "+policyARN)
	out, err := p.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
		PolicyArn:      aws.String(policyARN),
		PolicyDocument: aws.String(document),
		SetAsDefault:   setAsDefault,
	}, noUncertainRetries)
	if err != nil {
		return "", wrapError(ctx, err)
	}
	return aws.ToString(out.PolicyVersion.VersionId), nil
}

func (p *Provider) SetDefaultPolicyVersion(ctx context.Context, policyARN, versionID string) error {
	ctx = withEntity(ctx, "policy "+policyARN+" version "+versionID)
	_, err := p.iam.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String(versionID)})
	return wrapError(ctx, err)
}

func (p *Provider) DeletePolicyVersion(ctx context.Context, policyARN, versionID string) error {
	ctx = withEntity(ctx, "policy "+policyARN+" version "+versionID)
	_, err := p.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String(versionID)})
	return wrapError(ctx, err)
}

func (p *Provider) DeletePolicy(ctx context.Context, policyARN string) error {
	ctx = withEntity(ctx, "policy "+policyARN)
	_, err := p.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(policyARN)})
	return wrapError(ctx, err)
}

func (p *Provider) TagPolicy(ctx context.Context, policyARN string, tags []provider.Tag) error {
	ctx = withEntity(ctx, "policy "+policyARN)
	_, err := p.iam.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(policyARN), Tags: sdkTags(tags)})
	return wrapError(ctx, err)
}

func (p *Provider) UntagPolicy(ctx context.Context, policyARN string, keys []string) error {
	ctx = withEntity(ctx, "policy "+policyARN)
	_, err := p.iam.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: aws.String(policyARN), TagKeys: keys})
	return wrapError(ctx, err)
}
