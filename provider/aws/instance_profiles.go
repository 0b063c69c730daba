package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
)

// The methods below implement provider.Writer for instance profiles: each
// makes the IAM call of its name, once.

func (p *Provider) CreateInstanceProfile(ctx context.Context, name, path string, tags []provider.Tag) error {
	ctx = withEntity(ctx, "instance profile "+name)
	_, err := p.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{
		InstanceProfileName: aws.String(name),
		Path:                stringOrNil(path),
		Tags:                sdkTags(tags),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteInstanceProfile(ctx context.Context, name string) error {
	ctx = withEntity(ctx, "instance profile "+name)
	_, err := p.iam.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(name)})
	return wrapError(ctx, err)
}

func (p *Provider) AddRoleToInstanceProfile(ctx context.Context, profileName, roleName string) error {
	ctx = withEntity(ctx, "instance profile "+profileName+" role "+roleName)
	_, err := p.iam.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{
		InstanceProfileName: aws.String(profileName),
		RoleName:            aws.String(roleName),
	})
	return wrapError(ctx, err)
}

func (p *Provider) RemoveRoleFromInstanceProfile(ctx context.Context, profileName, roleName string) error {
	ctx = withEntity(ctx, "instance profile "+profileName+" role "+roleName)
	_, err := p.iam.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
		InstanceProfileName: aws.String(profileName),
		RoleName:            aws.String(roleName),
	})
	return wrapError(ctx, err)
}

func (p *Provider) TagInstanceProfile(ctx context.Context, name string, tags []provider.Tag) error {
	ctx = withEntity(ctx, "instance profile "+name)
	_, err := p.iam.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String(name), Tags: sdkTags(tags)})
	return wrapError(ctx, err)
}

func (p *Provider) UntagInstanceProfile(ctx context.Context, name string, keys []string) error {
	ctx = withEntity(ctx, "instance profile "+name)
	_, err := p.iam.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: aws.String(name), TagKeys: keys})
	return wrapError(ctx, err)
}
