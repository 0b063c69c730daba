package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Quotas are the IAM limits that depend on the account. Sizes count
// characters without white space, as IAM counts them.
type Quotas struct {
	AttachedPoliciesPerUser  int
	AttachedPoliciesPerGroup int
	AttachedPoliciesPerRole  int
	GroupsPerUser            int
	// AssumeRolePolicySize limits each role's trust policy.
	AssumeRolePolicySize int
	// PolicySize limits each customer-managed policy.
	PolicySize int
	// UserPolicySize, GroupPolicySize and RolePolicySize limit the sum of
	// the inline policies of one user, group or role.
	UserPolicySize  int
	GroupPolicySize int
	RolePolicySize  int
	// VersionsPerPolicy is how many versions a managed policy keeps. Load
	// does not check it; the planner uses it.
	VersionsPerPolicy int
}

// DefaultQuotas returns IAM's default quotas, which offline validation
// checks against.
func DefaultQuotas() Quotas {
	return Quotas{
		AttachedPoliciesPerUser:  10,
		AttachedPoliciesPerGroup: 10,
		AttachedPoliciesPerRole:  10,
		GroupsPerUser:            10,
		AssumeRolePolicySize:     2048,
		PolicySize:               6144,
		UserPolicySize:           2048,
		GroupPolicySize:          5120,
		RolePolicySize:           10240,
		VersionsPerPolicy:        5,
	}
}

// QuotasFromSummary reads the quotas from GetAccountSummary's map. Quotas
// the summary lacks, or gives as zero, keep their defaults.
func QuotasFromSummary(summary map[string]int32) Quotas {
	q := DefaultQuotas()
	fields := map[string]*int{
		"AttachedPoliciesPerUserQuota":  &q.AttachedPoliciesPerUser,
		"AttachedPoliciesPerGroupQuota": &q.AttachedPoliciesPerGroup,
		"AttachedPoliciesPerRoleQuota":  &q.AttachedPoliciesPerRole,
		"GroupsPerUserQuota":            &q.GroupsPerUser,
		"AssumeRolePolicySizeQuota":     &q.AssumeRolePolicySize,
		"PolicySizeQuota":               &q.PolicySize,
		"UserPolicySizeQuota":           &q.UserPolicySize,
		"GroupPolicySizeQuota":          &q.GroupPolicySize,
		"RolePolicySizeQuota":           &q.RolePolicySize,
		"VersionsPerPolicyQuota":        &q.VersionsPerPolicy,
	}
	for key, field := range fields {
		if v, ok := summary[key]; ok && v > 0 {
			*field = int(v)
		}
	}
	return q
}

// CheckQuotas reports what the configuration declares beyond the quotas.
// Each diagnostic points at the first declaration over the limit.
//
// NOTE: declarations whose expires_at has passed are counted too, because
// CheckQuotas reads no clock. A configuration at a limit that replaces an
// expired attachment with a new one is reported until the expired one is
// removed from the file.
func CheckQuotas(cfg *Config, q Quotas) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, u := range cfg.Users {
		diags = append(diags, checkAttachments(u.Address, u.Attachments, q.AttachedPoliciesPerUser,
			"AttachedPoliciesPerUserQuota", "Combine policies, attach some to a group that the user is in, "+
				"or ask AWS to raise the quota.")...)
		diags = append(diags, checkInlineSize(u.Address, u.InlinePolicies, q.UserPolicySize, "UserPolicySizeQuota")...)
	}
	for _, g := range cfg.Groups {
		diags = append(diags, checkAttachments(g.Address, g.Attachments, q.AttachedPoliciesPerGroup,
			"AttachedPoliciesPerGroupQuota", "Combine policies, or attach some to a second group that the "+
				"same users join. AWS does not raise this quota.")...)
		diags = append(diags, checkInlineSize(g.Address, g.InlinePolicies, q.GroupPolicySize, "GroupPolicySizeQuota")...)
	}
	for _, r := range cfg.Roles {
		diags = append(diags, checkAttachments(r.Address, r.Attachments, q.AttachedPoliciesPerRole,
			"AttachedPoliciesPerRoleQuota", "Combine policies, or ask AWS to raise the quota.")...)
		diags = append(diags, checkInlineSize(r.Address, r.InlinePolicies, q.RolePolicySize, "RolePolicySizeQuota")...)
		if r.AssumeRolePolicy != nil && r.AssumeRolePolicy.Size() > q.AssumeRolePolicySize {
			diags = append(diags, errorAt(r.Ranges["assume_role_policy"], "Trust policy too large", fmt.Sprintf(
				"The trust policy of %s is %d characters long without white space; the account allows %d "+
					"(AssumeRolePolicySizeQuota). Shorten it, or ask AWS to raise the quota.",
				r.Address, r.AssumeRolePolicy.Size(), q.AssumeRolePolicySize)))
		}
	}
	for _, p := range cfg.Policies {
		if p.Document != nil && p.Document.Size() > q.PolicySize {
			diags = append(diags, errorAt(p.Ranges["document"], "Policy too large", fmt.Sprintf(
				"The document of %s is %d characters long without white space; IAM allows %d per managed "+
					"policy (PolicySizeQuota). Split it into several policies.",
				p.Address, p.Document.Size(), q.PolicySize)))
		}
	}
	diags = append(diags, checkGroupsPerUser(cfg.Memberships, q.GroupsPerUser)...)
	return diags
}

// checkAttachments reports attachments over the quota named key. The
// remedy is the advice for the entity type, because only users can take
// policies from a group, and AWS does not raise the group quota.
func checkAttachments(addr Address, attachments []*Attachment, limit int, key, remedy string) hcl.Diagnostics {
	if len(attachments) <= limit {
		return nil
	}
	return hcl.Diagnostics{errorAt(attachments[limit].Range, "Too many managed policies", fmt.Sprintf(
		"%s attaches %d managed policies; the account allows %d (%s). %s",
		addr, len(attachments), limit, key, remedy))}
}

func checkInlineSize(addr Address, policies []*InlinePolicy, limit int, key string) hcl.Diagnostics {
	total := 0
	for _, p := range policies {
		total += p.Document.Size()
		if total > limit {
			return hcl.Diagnostics{errorAt(p.DeclRange, "Inline policies too large", fmt.Sprintf(
				"The inline policies of %s add up to more than %d characters without white space (%s), "+
					"and this one crosses the limit. Move some statements into a managed policy.",
				addr, limit, key))}
		}
	}
	return nil
}

func checkGroupsPerUser(memberships []*Membership, limit int) hcl.Diagnostics {
	byUser := map[string][]*Membership{}
	var users []string
	for _, m := range memberships {
		folded := strings.ToLower(m.User)
		if byUser[folded] == nil {
			users = append(users, folded)
		}
		byUser[folded] = append(byUser[folded], m)
	}
	var diags hcl.Diagnostics
	for _, user := range users {
		list := byUser[user]
		if len(list) <= limit {
			continue
		}
		diags = append(diags, errorAt(list[limit].Range, "Too many groups", fmt.Sprintf(
			"The user %q is a member of %d groups; IAM allows %d (GroupsPerUserQuota). Merge groups, or "+
				"attach policies to the user directly.", list[limit].User, len(list), limit)))
	}
	return diags
}
