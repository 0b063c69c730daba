package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
)

// The methods below implement provider.Writer for roles: each makes the IAM
// call of its name, once.

// CreateRole creates a role. A zero MaxSessionDuration leaves IAM's default
// of one hour.
func (p *Provider) CreateRole(ctx context.Context, in provider.CreateRoleInput) error {
	ctx = withEntity(ctx, "role "+in.Name)
	_, err := p.iam.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(in.Name),
		Path:                     stringOrNil(in.Path),
		AssumeRolePolicyDocument: aws.String(in.AssumeRolePolicy),
		Description:              stringOrNil(in.Description),
		MaxSessionDuration:       int32OrNil(in.MaxSessionDuration),
		PermissionsBoundary:      stringOrNil(in.PermissionsBoundary),
		Tags:                     sdkTags(in.Tags),
	})
	return wrapError(ctx, err)
}

// UpdateRole sets the description and the maximum session duration. A nil
// argument leaves that setting as it is.
func (p *Provider) UpdateRole(ctx context.Context, name string, description *string, maxSessionDuration *int32) error {
	ctx = withEntity(ctx, "role "+name)
	_, err := p.iam.UpdateRole(ctx, &iam.UpdateRoleInput{
		RoleName:           aws.String(name),
		Description:        description,
		MaxSessionDuration: maxSessionDuration,
	})
	return wrapError(ctx, err)
}

func (p *Provider) UpdateAssumeRolePolicy(ctx context.Context, name, document string) error {
	ctx = withEntity(ctx, "role "+name)
	_, err := p.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(name), PolicyDocument: aws.String(document)})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteRole(ctx context.Context, name string) error {
	ctx = withEntity(ctx, "role "+name)
	_, err := p.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	return wrapError(ctx, err)
}

func (p *Provider) TagRole(ctx context.Context, name string, tags []provider.Tag) error {
	ctx = withEntity(ctx, "role "+name)
	_, err := p.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(name), Tags: sdkTags(tags)})
	return wrapError(ctx, err)
}

func (p *Provider) UntagRole(ctx context.Context, name string, keys []string) error {
	ctx = withEntity(ctx, "role "+name)
	_, err := p.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(name), TagKeys: keys})
	return wrapError(ctx, err)
}

func (p *Provider) PutRolePermissionsBoundary(ctx context.Context, name, policyARN string) error {
	ctx = withEntity(ctx, "role "+name)
	_, err := p.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{
		RoleName:            aws.String(name),
		PermissionsBoundary: aws.String(policyARN),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteRolePermissionsBoundary(ctx context.Context, name string) error {
	ctx = withEntity(ctx, "role "+name)
	_, err := p.iam.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(name)})
	return wrapError(ctx, err)
}

func (p *Provider) PutRolePolicy(ctx context.Context, roleName, policyName, document string) error {
	ctx = withEntity(ctx, "role "+roleName+" inline policy "+policyName)
	_, err := p.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName:       aws.String(roleName),
		PolicyName:     aws.String(policyName),
		PolicyDocument: aws.String(document),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteRolePolicy(ctx context.Context, roleName, policyName string) error {
	ctx = withEntity(ctx, "role "+roleName+" inline policy "+policyName)
	_, err := p.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(policyName)})
	return wrapError(ctx, err)
}

func (p *Provider) AttachRolePolicy(ctx context.Context, roleName, policyARN string) error {
	ctx = withEntity(ctx, "role "+roleName+" policy "+policyARN)
	_, err := p.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)})
	return wrapError(ctx, err)
}

func (p *Provider) DetachRolePolicy(ctx context.Context, roleName, policyARN string) error {
	ctx = withEntity(ctx, "role "+roleName+" policy "+policyARN)
	_, err := p.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)})
	return wrapError(ctx, err)
}
