package awsprovider

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/iamsync/iamsync/provider"
)

// ReadStatePerEntity reads the same account state as ReadState, the way a
// per-resource refresh such as Terraform's does. It lists users, groups,
// roles, customer-managed policies and instance profiles, then reads each
// entity with its own Get and List calls, up to parallelism entities at a
// time. It is the baseline of iamsync's benchmarks and is not used to plan.
//
// Per entity it calls GetUser, ListUserPolicies, GetUserPolicy for each
// inline policy, ListAttachedUserPolicies and ListGroupsForUser; GetGroup,
// ListGroupPolicies, GetGroupPolicy and ListAttachedGroupPolicies; GetRole,
// ListRolePolicies, GetRolePolicy and ListAttachedRolePolicies; GetPolicy,
// ListPolicyVersions and GetPolicyVersion for each version. The account
// settings take the same calls as in ReadState. AWS-managed policies are
// not read, and neither are the extras of provider.ReadOptions.
func (p *Provider) ReadStatePerEntity(ctx context.Context, parallelism int) (*provider.State, error) {
	s, err := p.readStatePerEntity(ctx, max(parallelism, 1))
	if err != nil {
		return nil, fmt.Errorf("read account state per entity: %w", err)
	}
	return s, nil
}

func (p *Provider) readStatePerEntity(ctx context.Context, parallelism int) (*provider.State, error) {
	// List the entities and read the account-wide parts.
	s := &provider.State{RoleDetailsRead: true}
	var users []types.User
	var groups []types.Group
	var roles []types.Role
	var policies []types.Policy
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { s.Caller, err = p.CallerIdentity(gctx); return err })
	g.Go(func() (err error) { users, err = p.listUsers(gctx); return err })
	g.Go(func() (err error) { groups, err = p.listGroups(gctx); return err })
	g.Go(func() (err error) { roles, err = p.listAllRoles(gctx); return err })
	g.Go(func() (err error) { policies, err = p.listLocalPolicies(gctx); return err })
	g.Go(func() (err error) { s.InstanceProfiles, err = p.listInstanceProfiles(gctx); return err })
	g.Go(func() (err error) { s.Summary, err = p.accountSummary(gctx); return err })
	g.Go(func() (err error) { s.Aliases, err = p.AccountAliases(gctx); return err })
	g.Go(func() (err error) { s.PasswordPolicy, err = p.passwordPolicy(gctx); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	s.AccountID = s.Caller.Account
	s.Partition = partitionOf(s.Caller.ARN)

	// Read every entity on its own, each into its own slot.
	s.Users = make([]*provider.User, len(users))
	s.Groups = make([]*provider.Group, len(groups))
	s.Roles = make([]*provider.Role, len(roles))
	s.Policies = make([]*provider.ManagedPolicy, len(policies))
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(parallelism)
	for i, u := range users {
		g.Go(func() (err error) { s.Users[i], err = p.readUser(gctx, aws.ToString(u.UserName)); return err })
	}
	for i, grp := range groups {
		g.Go(func() (err error) { s.Groups[i], err = p.readGroup(gctx, aws.ToString(grp.GroupName)); return err })
	}
	for i, r := range roles {
		g.Go(func() (err error) { s.Roles[i], err = p.readRole(gctx, aws.ToString(r.RoleName)); return err })
	}
	for i, pol := range policies {
		g.Go(func() (err error) { s.Policies[i], err = p.readPolicy(gctx, aws.ToString(pol.Arn)); return err })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// The instance profiles name the roles they hold.
	for _, ip := range s.InstanceProfiles {
		for _, name := range ip.Roles {
			if role := s.Role(name); role != nil {
				role.InstanceProfiles = append(role.InstanceProfiles, ip.Name)
			}
		}
	}
	s.Sort()
	return s, nil
}

// collectPages calls next until a page is not truncated, adding each
// page's items to the result.
func collectPages[T any](next func(marker *string) (items []T, truncated bool, nextMarker *string, err error)) ([]T, error) {
	var all []T
	var marker *string
	for {
		items, truncated, nextMarker, err := next(marker)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if !truncated {
			return all, nil
		}
		marker = nextMarker
	}
}

func (p *Provider) listUsers(ctx context.Context) ([]types.User, error) {
	return collectPages(func(marker *string) ([]types.User, bool, *string, error) {
		out, err := p.iam.ListUsers(ctx, &iam.ListUsersInput{Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.Users, out.IsTruncated, out.Marker, nil
	})
}

func (p *Provider) listGroups(ctx context.Context) ([]types.Group, error) {
	return collectPages(func(marker *string) ([]types.Group, bool, *string, error) {
		out, err := p.iam.ListGroups(ctx, &iam.ListGroupsInput{Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.Groups, out.IsTruncated, out.Marker, nil
	})
}

func (p *Provider) listAllRoles(ctx context.Context) ([]types.Role, error) {
	return collectPages(func(marker *string) ([]types.Role, bool, *string, error) {
		out, err := p.iam.ListRoles(ctx, &iam.ListRolesInput{Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.Roles, out.IsTruncated, out.Marker, nil
	})
}

func (p *Provider) listLocalPolicies(ctx context.Context) ([]types.Policy, error) {
	return collectPages(func(marker *string) ([]types.Policy, bool, *string, error) {
		out, err := p.iam.ListPolicies(ctx, &iam.ListPoliciesInput{
			Scope: types.PolicyScopeTypeLocal, Marker: marker, MaxItems: aws.Int32(maxItems),
		})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.Policies, out.IsTruncated, out.Marker, nil
	})
}

// inlinePolicyReader lists the names of an entity's inline policies and
// reads one of them; users, groups and roles each have their own calls.
type inlinePolicyReader struct {
	list func(marker *string) ([]string, bool, *string, error)
	get  func(name string) (*string, error)
}

// read returns every inline policy with its decoded document.
func (r inlinePolicyReader) read() ([]provider.InlinePolicy, error) {
	names, err := collectPages(r.list)
	if err != nil {
		return nil, err
	}
	var policies []provider.InlinePolicy
	for _, name := range names {
		encoded, err := r.get(name)
		if err != nil {
			return nil, err
		}
		doc, err := decodeDocument(encoded)
		if err != nil {
			return nil, fmt.Errorf("inline policy %s: %w", name, err)
		}
		policies = append(policies, provider.InlinePolicy{Name: name, Document: doc})
	}
	return policies, nil
}

func (p *Provider) readUser(ctx context.Context, name string) (*provider.User, error) {
	ctx = withEntity(ctx, "user "+name)
	out, err := p.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	u := out.User
	user := &provider.User{
		Name:                aws.ToString(u.UserName),
		Path:                aws.ToString(u.Path),
		ID:                  aws.ToString(u.UserId),
		ARN:                 aws.ToString(u.Arn),
		CreateDate:          aws.ToTime(u.CreateDate),
		Tags:                convertTags(u.Tags),
		PermissionsBoundary: boundaryARN(u.PermissionsBoundary),
	}

	inline := inlinePolicyReader{
		list: func(marker *string) ([]string, bool, *string, error) {
			out, err := p.iam.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: u.UserName, Marker: marker, MaxItems: aws.Int32(maxItems)})
			if err != nil {
				return nil, false, nil, wrapError(ctx, err)
			}
			return out.PolicyNames, out.IsTruncated, out.Marker, nil
		},
		get: func(policy string) (*string, error) {
			out, err := p.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: u.UserName, PolicyName: aws.String(policy)})
			if err != nil {
				return nil, wrapError(ctx, err)
			}
			return out.PolicyDocument, nil
		},
	}
	if user.InlinePolicies, err = inline.read(); err != nil {
		return nil, err
	}
	attached, err := collectPages(func(marker *string) ([]types.AttachedPolicy, bool, *string, error) {
		out, err := p.iam.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: u.UserName, Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.AttachedPolicies, out.IsTruncated, out.Marker, nil
	})
	if err != nil {
		return nil, err
	}
	user.AttachedPolicies = attachedARNs(attached)
	groups, err := collectPages(func(marker *string) ([]types.Group, bool, *string, error) {
		out, err := p.iam.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: u.UserName, Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.Groups, out.IsTruncated, out.Marker, nil
	})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		user.Groups = append(user.Groups, aws.ToString(g.GroupName))
	}
	return user, nil
}

func (p *Provider) readGroup(ctx context.Context, name string) (*provider.Group, error) {
	ctx = withEntity(ctx, "group "+name)
	out, err := p.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(name), MaxItems: aws.Int32(maxItems)})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	g := out.Group
	group := &provider.Group{
		Name:       aws.ToString(g.GroupName),
		Path:       aws.ToString(g.Path),
		ID:         aws.ToString(g.GroupId),
		ARN:        aws.ToString(g.Arn),
		CreateDate: aws.ToTime(g.CreateDate),
	}

	inline := inlinePolicyReader{
		list: func(marker *string) ([]string, bool, *string, error) {
			out, err := p.iam.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: g.GroupName, Marker: marker, MaxItems: aws.Int32(maxItems)})
			if err != nil {
				return nil, false, nil, wrapError(ctx, err)
			}
			return out.PolicyNames, out.IsTruncated, out.Marker, nil
		},
		get: func(policy string) (*string, error) {
			out, err := p.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: g.GroupName, PolicyName: aws.String(policy)})
			if err != nil {
				return nil, wrapError(ctx, err)
			}
			return out.PolicyDocument, nil
		},
	}
	if group.InlinePolicies, err = inline.read(); err != nil {
		return nil, err
	}
	attached, err := collectPages(func(marker *string) ([]types.AttachedPolicy, bool, *string, error) {
		out, err := p.iam.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: g.GroupName, Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.AttachedPolicies, out.IsTruncated, out.Marker, nil
	})
	if err != nil {
		return nil, err
	}
	group.AttachedPolicies = attachedARNs(attached)
	return group, nil
}

func (p *Provider) readRole(ctx context.Context, name string) (*provider.Role, error) {
	ctx = withEntity(ctx, "role "+name)
	out, err := p.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	r := out.Role
	trust, err := decodeDocument(r.AssumeRolePolicyDocument)
	if err != nil {
		return nil, fmt.Errorf("role %s: trust policy: %w", name, err)
	}
	role := &provider.Role{
		Name:                aws.ToString(r.RoleName),
		Path:                aws.ToString(r.Path),
		ID:                  aws.ToString(r.RoleId),
		ARN:                 aws.ToString(r.Arn),
		CreateDate:          aws.ToTime(r.CreateDate),
		AssumeRolePolicy:    trust,
		Description:         aws.ToString(r.Description),
		MaxSessionDuration:  aws.ToInt32(r.MaxSessionDuration),
		Tags:                convertTags(r.Tags),
		PermissionsBoundary: boundaryARN(r.PermissionsBoundary),
	}
	if r.RoleLastUsed != nil {
		role.LastUsed = r.RoleLastUsed.LastUsedDate
		role.LastUsedRegion = aws.ToString(r.RoleLastUsed.Region)
	}

	inline := inlinePolicyReader{
		list: func(marker *string) ([]string, bool, *string, error) {
			out, err := p.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r.RoleName, Marker: marker, MaxItems: aws.Int32(maxItems)})
			if err != nil {
				return nil, false, nil, wrapError(ctx, err)
			}
			return out.PolicyNames, out.IsTruncated, out.Marker, nil
		},
		get: func(policy string) (*string, error) {
			out, err := p.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: r.RoleName, PolicyName: aws.String(policy)})
			if err != nil {
				return nil, wrapError(ctx, err)
			}
			return out.PolicyDocument, nil
		},
	}
	if role.InlinePolicies, err = inline.read(); err != nil {
		return nil, err
	}
	attached, err := collectPages(func(marker *string) ([]types.AttachedPolicy, bool, *string, error) {
		out, err := p.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName, Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.AttachedPolicies, out.IsTruncated, out.Marker, nil
	})
	if err != nil {
		return nil, err
	}
	role.AttachedPolicies = attachedARNs(attached)
	return role, nil
}

func (p *Provider) readPolicy(ctx context.Context, arn string) (*provider.ManagedPolicy, error) {
	ctx = withEntity(ctx, "policy "+arn)
	out, err := p.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	pol := out.Policy
	policy := &provider.ManagedPolicy{
		Name:             aws.ToString(pol.PolicyName),
		Path:             aws.ToString(pol.Path),
		ID:               aws.ToString(pol.PolicyId),
		ARN:              aws.ToString(pol.Arn),
		Description:      aws.ToString(pol.Description),
		DefaultVersionID: aws.ToString(pol.DefaultVersionId),
		AttachmentCount:  aws.ToInt32(pol.AttachmentCount),
		BoundaryCount:    aws.ToInt32(pol.PermissionsBoundaryUsageCount),
		CreateDate:       aws.ToTime(pol.CreateDate),
		UpdateDate:       aws.ToTime(pol.UpdateDate),
	}

	versions, err := collectPages(func(marker *string) ([]types.PolicyVersion, bool, *string, error) {
		out, err := p.iam.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: pol.Arn, Marker: marker, MaxItems: aws.Int32(maxItems)})
		if err != nil {
			return nil, false, nil, wrapError(ctx, err)
		}
		return out.Versions, out.IsTruncated, out.Marker, nil
	})
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		out, err := p.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pol.Arn, VersionId: v.VersionId})
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		doc, err := decodeDocument(out.PolicyVersion.Document)
		if err != nil {
			return nil, fmt.Errorf("policy %s version %s: %w", arn, aws.ToString(v.VersionId), err)
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
