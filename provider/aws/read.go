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

// maxItems is the largest page that GetAccountAuthorizationDetails and the
// IAM list calls accept.
const maxItems = 1000

// perEntityReads bounds how many per-entity reads (tags, credentials) are in
// flight at once, so that a large read does not set off IAM's throttling.
const perEntityReads = 4

// ReadState reads the whole account in bulk. For N entities it makes
// ceil(N/1000) GetAccountAuthorizationDetails calls and five others, four
// when opts names the caller, more only when the account has over 1000
// roles or an instance profile without a role. The extras in opts add one
// call per tag list and several per user, and a missing AWS-managed policy
// adds the pages of ListPolicies that list them all.
func (p *Provider) ReadState(ctx context.Context, opts provider.ReadOptions) (*provider.State, error) {
	s, err := p.readState(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read account state: %w", err)
	}
	return s, nil
}

func (p *Provider) readState(ctx context.Context, opts provider.ReadOptions) (*provider.State, error) {
	// Read the account-wide parts concurrently. Each goroutine fills its own
	// fields of s, and the first failure cancels the others.
	s := &provider.State{}
	var roleSettings map[string]types.Role
	g, gctx := errgroup.WithContext(ctx)
	if opts.Caller != nil {
		s.Caller = *opts.Caller
	} else {
		g.Go(func() (err error) { s.Caller, err = p.CallerIdentity(gctx); return err })
	}
	g.Go(func() error { return p.readAuthorizationDetails(gctx, s) })
	g.Go(func() (err error) { roleSettings, err = p.listRoles(gctx); return err })
	g.Go(func() (err error) { s.Summary, err = p.accountSummary(gctx); return err })
	if !opts.SkipAccountSettings {
		g.Go(func() (err error) { s.Aliases, err = p.AccountAliases(gctx); return err })
		g.Go(func() (err error) { s.PasswordPolicy, err = p.passwordPolicy(gctx); return err })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	s.AccountID = s.Caller.Account
	s.Partition = partitionOf(s.Caller.ARN)

	// Fill in the role settings that GetAccountAuthorizationDetails lacks.
	for _, role := range s.Roles {
		if listed, ok := roleSettings[role.Name]; ok {
			role.Description = aws.ToString(listed.Description)
			role.MaxSessionDuration = aws.ToInt32(listed.MaxSessionDuration)
		}
	}
	s.RoleDetailsRead = true

	// The roles name every instance profile that holds a role. List all
	// profiles only when the summary counts more than that.
	if int(s.Summary[string(types.SummaryKeyTypeInstanceProfiles)]) > len(s.InstanceProfiles) {
		profiles, err := p.listInstanceProfiles(ctx)
		if err != nil {
			return nil, err
		}
		s.InstanceProfiles = profiles
	}

	// Read what only per-entity calls return, for the entities opts names.
	if err := p.readRequested(ctx, s, opts); err != nil {
		return nil, err
	}

	s.Sort()
	p.logger.DebugContext(ctx, "read account state",
		"users", len(s.Users), "groups", len(s.Groups), "roles", len(s.Roles),
		"policies", len(s.Policies), "instance_profiles", len(s.InstanceProfiles))
	return s, nil
}

// readAuthorizationDetails fills the users, groups, roles, managed policies
// and role-held instance profiles of s from all pages of
// GetAccountAuthorizationDetails.
func (p *Provider) readAuthorizationDetails(ctx context.Context, s *provider.State) error {
	profiles := make(map[string]bool)
	pages := iam.NewGetAccountAuthorizationDetailsPaginator(p.iam, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []types.EntityType{
			types.EntityTypeUser,
			types.EntityTypeRole,
			types.EntityTypeGroup,
			types.EntityTypeLocalManagedPolicy,
			types.EntityTypeAWSManagedPolicy,
		},
		MaxItems: aws.Int32(maxItems),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return wrapError(ctx, err)
		}

		for _, d := range page.UserDetailList {
			user, err := convertUser(d)
			if err != nil {
				return err
			}
			s.Users = append(s.Users, user)
		}
		for _, d := range page.GroupDetailList {
			group, err := convertGroup(d)
			if err != nil {
				return err
			}
			s.Groups = append(s.Groups, group)
		}
		for _, d := range page.RoleDetailList {
			role, err := convertRole(d)
			if err != nil {
				return err
			}
			s.Roles = append(s.Roles, role)

			for _, ip := range d.InstanceProfileList {
				if name := aws.ToString(ip.InstanceProfileName); !profiles[name] {
					profiles[name] = true
					s.InstanceProfiles = append(s.InstanceProfiles, convertInstanceProfile(ip))
				}
			}
		}
		for _, d := range page.Policies {
			policy, err := convertPolicy(d)
			if err != nil {
				return err
			}
			s.Policies = append(s.Policies, policy)
		}
	}
	return nil
}

// listRoles returns every role from ListRoles by name, for the description
// and maximum session duration.
func (p *Provider) listRoles(ctx context.Context) (map[string]types.Role, error) {
	roles := make(map[string]types.Role)
	pages := iam.NewListRolesPaginator(p.iam, &iam.ListRolesInput{MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		for _, r := range page.Roles {
			roles[aws.ToString(r.RoleName)] = r
		}
	}
	return roles, nil
}

func (p *Provider) listInstanceProfiles(ctx context.Context) ([]*provider.InstanceProfile, error) {
	var profiles []*provider.InstanceProfile
	pages := iam.NewListInstanceProfilesPaginator(p.iam, &iam.ListInstanceProfilesInput{MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		for _, ip := range page.InstanceProfiles {
			profiles = append(profiles, convertInstanceProfile(ip))
		}
	}
	return profiles, nil
}

func (p *Provider) accountSummary(ctx context.Context) (map[string]int32, error) {
	out, err := p.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	return out.SummaryMap, nil
}

// passwordPolicy returns the account's password policy, or nil when the
// account has none, for which IAM returns NoSuchEntity.
func (p *Provider) passwordPolicy(ctx context.Context) (*provider.PasswordPolicy, error) {
	out, err := p.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if provider.ErrorCode(err) == provider.CodeNoSuchEntity {
		return nil, nil
	}
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	if out.PasswordPolicy == nil {
		return nil, nil
	}
	return convertPasswordPolicy(out.PasswordPolicy), nil
}

// readRequested reads the policy tags, instance profile tags and user
// credentials that opts names. It skips names that s does not contain,
// because nothing live exists to read for them.
func (p *Provider) readRequested(ctx context.Context, s *provider.State, opts provider.ReadOptions) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(perEntityReads)

	// Each entity gets one goroutine, which alone writes its field.
	read := make(map[any]bool)
	for _, arn := range opts.PolicyTagsOf {
		policy := s.Policy(arn)
		if policy == nil || policy.AWSManaged() || read[policy] {
			continue
		}
		read[policy] = true
		g.Go(func() (err error) { policy.Tags, err = p.policyTags(gctx, policy.ARN); return err })
	}
	for _, name := range opts.InstanceProfileTagsOf {
		profile := s.InstanceProfile(name)
		if profile == nil || read[profile] {
			continue
		}
		read[profile] = true
		g.Go(func() (err error) { profile.Tags, err = p.instanceProfileTags(gctx, profile.Name); return err })
	}
	for _, name := range opts.CredentialsOf {
		user := s.User(name)
		if user == nil || read[user] {
			continue
		}
		read[user] = true
		g.Go(func() (err error) { user.Credentials, err = p.ReadUserCredentials(gctx, user.Name); return err })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return p.lookUpPolicies(ctx, s, opts.PoliciesOf)
}

// policyTags returns a managed policy's tags, all pages. The result is
// never nil, so that a read without tags differs from no read.
func (p *Provider) policyTags(ctx context.Context, arn string) ([]provider.Tag, error) {
	ctx = withEntity(ctx, "policy "+arn)
	tags := []provider.Tag{}
	pages := iam.NewListPolicyTagsPaginator(p.iam, &iam.ListPolicyTagsInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		tags = append(tags, convertTags(page.Tags)...)
	}
	return tags, nil
}

// instanceProfileTags returns an instance profile's tags, all pages, and
// never nil.
func (p *Provider) instanceProfileTags(ctx context.Context, name string) ([]provider.Tag, error) {
	ctx = withEntity(ctx, "instance profile "+name)
	tags := []provider.Tag{}
	pages := iam.NewListInstanceProfileTagsPaginator(p.iam, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String(name), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		tags = append(tags, convertTags(page.Tags)...)
	}
	return tags, nil
}
