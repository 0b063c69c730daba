package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// The methods below implement provider.Writer for groups: each makes the
// IAM call of its name, once.

func (p *Provider) CreateGroup(ctx context.Context, name, path string) error {
	ctx = withEntity(ctx, "group "+name)
	_, err := p.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(name), Path: stringOrNil(path)})
	return wrapError(ctx, err)
}

// UpdateGroup renames the group, moves it to another path, or both. An
// empty newName or newPath leaves that part as it is.
func (p *Provider) UpdateGroup(ctx context.Context, name, newName, newPath string) error {
	ctx = withEntity(ctx, "group "+name)
	_, err := p.iam.UpdateGroup(ctx, &iam.UpdateGroupInput{
		GroupName:    aws.String(name),
		NewGroupName: stringOrNil(newName),
		NewPath:      stringOrNil(newPath),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteGroup(ctx context.Context, name string) error {
	ctx = withEntity(ctx, "group "+name)
	_, err := p.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(name)})
	return wrapError(ctx, err)
}

func (p *Provider) PutGroupPolicy(ctx context.Context, groupName, policyName, document string) error {
	ctx = withEntity(ctx, "group "+groupName+" inline policy "+policyName)
	_, err := p.iam.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{
		GroupName:      aws.String(groupName),
		PolicyName:     aws.String(policyName),
		PolicyDocument: aws.String(document),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteGroupPolicy(ctx context.Context, groupName, policyName string) error {
	ctx = withEntity(ctx, "group "+groupName+" inline policy "+policyName)
	_, err := p.iam.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String(groupName), PolicyName: aws.String(policyName)})
	return wrapError(ctx, err)
}

func (p *Provider) AttachGroupPolicy(ctx context.Context, groupName, policyARN string) error {
	ctx = withEntity(ctx, "group "+groupName+" policy "+policyARN)
	_, err := p.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(groupName), PolicyArn: aws.String(policyARN)})
	return wrapError(ctx, err)
}

func (p *Provider) DetachGroupPolicy(ctx context.Context, groupName, policyARN string) error {
	ctx = withEntity(ctx, "group "+groupName+" policy "+policyARN)
	_, err := p.iam.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String(groupName), PolicyArn: aws.String(policyARN)})
	return wrapError(ctx, err)
}
