package awsprovider

import (
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamsync/iamsync/provider"
)

// decodeDocument decodes a policy document as IAM returns it: URL-encoded
// once, by RFC 3986 percent-encoding. A "+" stays a plus sign, because IAM
// encodes a space as %20 and a plus as %2B.
func decodeDocument(encoded *string) (string, error) {
	doc, err := url.PathUnescape(aws.ToString(encoded))
	if err != nil {
		return "", fmt.Errorf("decode policy document: %w", err)
	}
	return doc, nil
}

func convertTags(tags []types.Tag) []provider.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]provider.Tag, len(tags))
	for i, t := range tags {
		out[i] = provider.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)}
	}
	return out
}

func sdkTags(tags []provider.Tag) []types.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]types.Tag, len(tags))
	for i, t := range tags {
		out[i] = types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)}
	}
	return out
}

// stringOrNil returns nil for the empty string, so that an unset optional
// argument is left out of the request instead of sent empty.
func stringOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func int32OrNil(n int32) *int32 {
	if n == 0 {
		return nil
	}
	return &n
}

func boundaryARN(b *types.AttachedPermissionsBoundary) string {
	if b == nil {
		return ""
	}
	return aws.ToString(b.PermissionsBoundaryArn)
}

func attachedARNs(attached []types.AttachedPolicy) []string {
	var arns []string
	for _, a := range attached {
		arns = append(arns, aws.ToString(a.PolicyArn))
	}
	return arns
}

func convertInlinePolicies(details []types.PolicyDetail) ([]provider.InlinePolicy, error) {
	var policies []provider.InlinePolicy
	for _, d := range details {
		doc, err := decodeDocument(d.PolicyDocument)
		if err != nil {
			return nil, fmt.Errorf("inline policy %s: %w", aws.ToString(d.PolicyName), err)
		}
		policies = append(policies, provider.InlinePolicy{Name: aws.ToString(d.PolicyName), Document: doc})
	}
	return policies, nil
}

func convertUser(d types.UserDetail) (*provider.User, error) {
	inline, err := convertInlinePolicies(d.UserPolicyList)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", aws.ToString(d.UserName), err)
	}
	return &provider.User{
		Name:                aws.ToString(d.UserName),
		Path:                aws.ToString(d.Path),
		ID:                  aws.ToString(d.UserId),
		ARN:                 aws.ToString(d.Arn),
		CreateDate:          aws.ToTime(d.CreateDate),
		Tags:                convertTags(d.Tags),
		PermissionsBoundary: boundaryARN(d.PermissionsBoundary),
		Groups:              d.GroupList,
		InlinePolicies:      inline,
		AttachedPolicies:    attachedARNs(d.AttachedManagedPolicies),
	}, nil
}

func convertGroup(d types.GroupDetail) (*provider.Group, error) {
	inline, err := convertInlinePolicies(d.GroupPolicyList)
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", aws.ToString(d.GroupName), err)
	}
	return &provider.Group{
		Name:             aws.ToString(d.GroupName),
		Path:             aws.ToString(d.Path),
		ID:               aws.ToString(d.GroupId),
		ARN:              aws.ToString(d.Arn),
		CreateDate:       aws.ToTime(d.CreateDate),
		InlinePolicies:   inline,
		AttachedPolicies: attachedARNs(d.AttachedManagedPolicies),
	}, nil
}

// convertRole converts a role as GetAccountAuthorizationDetails returns it,
// which leaves Description and MaxSessionDuration out.
func convertRole(d types.RoleDetail) (*provider.Role, error) {
	name := aws.ToString(d.RoleName)
	trust, err := decodeDocument(d.AssumeRolePolicyDocument)
	if err != nil {
		return nil, fmt.Errorf("role %s: trust policy: %w", name, err)
	}
	inline, err := convertInlinePolicies(d.RolePolicyList)
	if err != nil {
		return nil, fmt.Errorf("role %s: %w", name, err)
	}
	role := &provider.Role{
		Name:                name,
		Path:                aws.ToString(d.Path),
		ID:                  aws.ToString(d.RoleId),
		ARN:                 aws.ToString(d.Arn),
		CreateDate:          aws.ToTime(d.CreateDate),
		AssumeRolePolicy:    trust,
		Tags:                convertTags(d.Tags),
		PermissionsBoundary: boundaryARN(d.PermissionsBoundary),
		InlinePolicies:      inline,
		AttachedPolicies:    attachedARNs(d.AttachedManagedPolicies),
	}
	for _, ip := range d.InstanceProfileList {
		role.InstanceProfiles = append(role.InstanceProfiles, aws.ToString(ip.InstanceProfileName))
	}
	if d.RoleLastUsed != nil {
		role.LastUsed = d.RoleLastUsed.LastUsedDate
		role.LastUsedRegion = aws.ToString(d.RoleLastUsed.Region)
	}
	return role, nil
}

// convertPolicy converts a managed policy with all its versions.
//
// NOTE: other IAM tools call GetPolicy for the description because they
// found it missing from GetAccountAuthorizationDetails. The sandbox returns
// it, and TestReadStateRoundTrip checks real IAM only with -integration.
func convertPolicy(d types.ManagedPolicyDetail) (*provider.ManagedPolicy, error) {
	policy := &provider.ManagedPolicy{
		Name:             aws.ToString(d.PolicyName),
		Path:             aws.ToString(d.Path),
		ID:               aws.ToString(d.PolicyId),
		ARN:              aws.ToString(d.Arn),
		Description:      aws.ToString(d.Description),
		DefaultVersionID: aws.ToString(d.DefaultVersionId),
		AttachmentCount:  aws.ToInt32(d.AttachmentCount),
		BoundaryCount:    aws.ToInt32(d.PermissionsBoundaryUsageCount),
		CreateDate:       aws.ToTime(d.CreateDate),
		UpdateDate:       aws.ToTime(d.UpdateDate),
	}
	for _, v := range d.PolicyVersionList {
		doc, err := decodeDocument(v.Document)
		if err != nil {
			return nil, fmt.Errorf("policy %s version %s: %w", policy.ARN, aws.ToString(v.VersionId), err)
		}
		policy.Versions = append(policy.Versions, provider.PolicyVersion{
			ID:         aws.ToString(v.VersionId),
			Document:   doc,
			IsDefault:  v.IsDefaultVersion,
			CreateDate: aws.ToTime(v.CreateDate),
		})
	}
	return policy, nil
}

func convertInstanceProfile(ip types.InstanceProfile) *provider.InstanceProfile {
	profile := &provider.InstanceProfile{
		Name:       aws.ToString(ip.InstanceProfileName),
		Path:       aws.ToString(ip.Path),
		ID:         aws.ToString(ip.InstanceProfileId),
		ARN:        aws.ToString(ip.Arn),
		CreateDate: aws.ToTime(ip.CreateDate),
	}
	for _, r := range ip.Roles {
		profile.Roles = append(profile.Roles, aws.ToString(r.RoleName))
	}
	return profile
}

func convertPasswordPolicy(pp *types.PasswordPolicy) *provider.PasswordPolicy {
	return &provider.PasswordPolicy{
		MinimumPasswordLength:      aws.ToInt32(pp.MinimumPasswordLength),
		RequireSymbols:             pp.RequireSymbols,
		RequireNumbers:             pp.RequireNumbers,
		RequireUppercaseCharacters: pp.RequireUppercaseCharacters,
		RequireLowercaseCharacters: pp.RequireLowercaseCharacters,
		AllowUsersToChangePassword: pp.AllowUsersToChangePassword,
		ExpirePasswords:            pp.ExpirePasswords,
		MaxPasswordAge:             aws.ToInt32(pp.MaxPasswordAge),
		PasswordReusePrevention:    aws.ToInt32(pp.PasswordReusePrevention),
		HardExpiry:                 aws.ToBool(pp.HardExpiry),
	}
}
