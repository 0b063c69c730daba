package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
)

// The methods below implement provider.Writer for users: each makes the IAM
// call of its name, once.

func (p *Provider) CreateUser(ctx context.Context, in provider.CreateUserInput) error {
	ctx = withEntity(ctx, "user "+in.Name)
	_, err := p.iam.CreateUser(ctx, &iam.CreateUserInput{
		UserName:            aws.String(in.Name),
		Path:                stringOrNil(in.Path),
		PermissionsBoundary: stringOrNil(in.PermissionsBoundary),
		Tags:                sdkTags(in.Tags),
	})
	return wrapError(ctx, err)
}

// UpdateUser renames the user, moves it to another path, or both. An empty
// newName or newPath leaves that part as it is.
func (p *Provider) UpdateUser(ctx context.Context, name, newName, newPath string) error {
	ctx = withEntity(ctx, "user "+name)
	_, err := p.iam.UpdateUser(ctx, &iam.UpdateUserInput{
		UserName:    aws.String(name),
		NewUserName: stringOrNil(newName),
		NewPath:     stringOrNil(newPath),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteUser(ctx context.Context, name string) error {
	ctx = withEntity(ctx, "user "+name)
	_, err := p.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(name)})
	return wrapError(ctx, err)
}

func (p *Provider) TagUser(ctx context.Context, name string, tags []provider.Tag) error {
	ctx = withEntity(ctx, "user "+name)
	_, err := p.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(name), Tags: sdkTags(tags)})
	return wrapError(ctx, err)
}

func (p *Provider) UntagUser(ctx context.Context, name string, keys []string) error {
	ctx = withEntity(ctx, "user "+name)
	_, err := p.iam.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String(name), TagKeys: keys})
	return wrapError(ctx, err)
}

func (p *Provider) PutUserPermissionsBoundary(ctx context.Context, name, policyARN string) error {
	ctx = withEntity(ctx, "user "+name)
	_, err := p.iam.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{
		UserName:            aws.String(name),
		PermissionsBoundary: aws.String(policyARN),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteUserPermissionsBoundary(ctx context.Context, name string) error {
	ctx = withEntity(ctx, "user "+name)
	_, err := p.iam.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String(name)})
	return wrapError(ctx, err)
}

func (p *Provider) PutUserPolicy(ctx context.Context, userName, policyName, document string) error {
	ctx = withEntity(ctx, "user "+userName+" inline policy "+policyName)
	_, err := p.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName:       aws.String(userName),
		PolicyName:     aws.String(policyName),
		PolicyDocument: aws.String(document),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteUserPolicy(ctx context.Context, userName, policyName string) error {
	ctx = withEntity(ctx, "user "+userName+" inline policy "+policyName)
	_, err := p.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(userName), PolicyName: aws.String(policyName)})
	return wrapError(ctx, err)
}

func (p *Provider) AttachUserPolicy(ctx context.Context, userName, policyARN string) error {
	ctx = withEntity(ctx, "user "+userName+" policy "+policyARN)
	_, err := p.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(userName), PolicyArn: aws.String(policyARN)})
	return wrapError(ctx, err)
}

func (p *Provider) DetachUserPolicy(ctx context.Context, userName, policyARN string) error {
	ctx = withEntity(ctx, "user "+userName+" policy "+policyARN)
	_, err := p.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(userName), PolicyArn: aws.String(policyARN)})
	return wrapError(ctx, err)
}

func (p *Provider) AddUserToGroup(ctx context.Context, groupName, userName string) error {
	ctx = withEntity(ctx, "group "+groupName+" user "+userName)
	_, err := p.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(groupName), UserName: aws.String(userName)})
	return wrapError(ctx, err)
}

func (p *Provider) RemoveUserFromGroup(ctx context.Context, groupName, userName string) error {
	ctx = withEntity(ctx, "group "+groupName+" user "+userName)
	_, err := p.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(groupName), UserName: aws.String(userName)})
	return wrapError(ctx, err)
}
