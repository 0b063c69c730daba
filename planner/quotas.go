package planner

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/spec"
)

// checkQuotas checks the configuration against the quotas that the account
// summary reports, IAM's defaults where it reports none.
func (p *planner) checkQuotas() {
	p.diags = append(p.diags, spec.CheckQuotas(p.cfg, p.quotas)...)
}

// accountQuotas are the account-wide counts that IAM limits: the names of
// the count and of the quota in GetAccountSummary's map, and IAM's default
// quota, for a summary that lacks it.
var accountQuotas = []struct {
	typ          Type
	count, quota string
	def          int
}{
	{TypeUser, "Users", "UsersQuota", 5000},
	{TypeGroup, "Groups", "GroupsQuota", 300},
	{TypeRole, "Roles", "RolesQuota", 1000},
	{TypePolicy, "Policies", "PoliciesQuota", 1500},
	{TypeInstanceProfile, "InstanceProfiles", "InstanceProfilesQuota", 1000},
}

// checkAccountQuotas stops a plan that would leave the account with more
// users, groups, roles, customer-managed policies or instance profiles than
// its quota allows, which IAM would refuse part-way through the apply. The
// count is the summary's, which includes entities outside the scope, plus
// the plan's creations and minus its deletions.
func (p *planner) checkAccountQuotas() {
	for _, q := range accountQuotas {
		var created []*Change
		deleted := 0
		for _, c := range p.changes {
			switch {
			case c.Type != q.typ:
			case c.Action == Create:
				created = append(created, c)
			case c.Action == Delete:
				deleted++
			}
		}
		if len(created) == 0 {
			continue
		}
		live, ok := p.live.Summary[q.count]
		if !ok {
			live = int32(p.liveCount(q.typ))
		}
		quota := q.def
		if v := p.live.Summary[q.quota]; v > 0 {
			quota = int(v)
		}
		after := int(live) + len(created) - deleted
		if after <= quota {
			if int(live)+len(created) > quota {
				p.diags = append(p.diags, &hcl.Diagnostic{
					Severity: hcl.DiagWarning,
					Summary:  "Account quota may be reached during apply",
					Detail: fmt.Sprintf("The plan ends with %d of the type %s, within the account's %s of %d, but it "+
						"creates %d while it deletes %d, and apply may run a creation before the deletion that makes "+
						"room for it. IAM then refuses the creation with LimitExceeded; apply again to finish, once "+
						"the deletions have run.", after, q.typ, q.quota, quota, len(created), deleted),
				})
			}
			continue
		}
		sort.Slice(created, func(i, j int) bool { return created[i].Address < created[j].Address })
		first := created[len(created)-(after-quota)]
		advice := "Declare fewer, or ask AWS to raise the quota."
		if len(p.targets) > 0 {
			advice = "The plan is limited by --target: target the deletions that make room too, or plan without targets."
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Account quota exceeded",
			Detail: fmt.Sprintf("The plan creates %d and deletes %d of the type %s in an account that has %d, which would make %d, "+
				"and the account's %s is %d: IAM would refuse the creation of %s and of the ones after it. %s",
				len(created), deleted, q.typ, live, after, q.quota, quota, first.Address, advice),
			Subject: first.DeclRange,
		})
	}
}

// liveCount returns how many entities of a type the account state holds.
func (p *planner) liveCount(t Type) int {
	switch t {
	case TypeUser:
		return len(p.live.Users)
	case TypeGroup:
		return len(p.live.Groups)
	case TypeRole:
		return len(p.live.Roles)
	case TypePolicy:
		return len(p.live.Policies)
	case TypeInstanceProfile:
		return len(p.live.InstanceProfiles)
	}
	return 0
}
