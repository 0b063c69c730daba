package planner

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// checkReferences reports attachments and boundaries that name a
// customer-managed policy that will not exist, and instance profiles that
// name a role that will not exist.
func (p *planner) checkReferences() {
	for _, u := range p.users {
		if u.managed() {
			p.checkPolicyRefs(u.decl.Attachments, u.decl.PermissionsBoundary, attrRange(u.decl.Ranges, "permissions_boundary", u.decl.DeclRange))
		}
	}
	for _, g := range p.groups {
		if g.managed() {
			p.checkPolicyRefs(g.decl.Attachments, "", hcl.Range{})
		}
	}
	for _, r := range p.roles {
		if r.managed() {
			p.checkPolicyRefs(r.decl.Attachments, r.decl.PermissionsBoundary, attrRange(r.decl.Ranges, "permissions_boundary", r.decl.DeclRange))
		}
	}
	for _, ip := range p.profiles {
		if ip.managed() && ip.decl.Role != "" {
			p.checkRoleRef(ip.decl.Role, attrRange(ip.decl.Ranges, "role", ip.decl.DeclRange))
		}
	}
}

// checkPolicyRefs checks the policies that one declaration attaches or uses
// as its boundary.
func (p *planner) checkPolicyRefs(attachments []*spec.Attachment, boundary string, boundaryRange hcl.Range) {
	for _, a := range attachments {
		if !p.expired(a.ExpiresAt) {
			p.checkPolicyRef(a.PolicyARN, a.Range)
		}
	}
	if boundary != "" {
		p.checkPolicyRef(boundary, boundaryRange)
	}
}

// checkPolicyRef reports a customer-managed policy ARN that is neither
// declared nor live, or that is live but deleted by this plan. AWS-managed
// ARNs are not checked: the state lists only those the account uses.
func (p *planner) checkPolicyRef(arn string, rng hcl.Range) {
	if d := p.policyByDecl[fold(arn)]; d != nil && d.fate != fateGone {
		return
	}
	if provider.IsAWSManagedPolicyARN(arn) {
		return
	}
	pp := p.policyByLive[fold(arn)]
	switch {
	case pp == nil:
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Policy not found",
			Detail: fmt.Sprintf("No policy with the ARN %s is declared or exists in the account.%s "+
				"Declare the policy, or refer to it as policy.<name>.arn so that the ARN follows its declaration.",
				arn, p.policySuggestion(arn)),
			Subject: rangePtr(rng),
		})
	case pp.fate == fateReplace && !pp.sameARN():
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Policy ARN changes",
			Detail: fmt.Sprintf("The policy %s moves to the path %q, so this plan replaces it and its ARN becomes %s. "+
				"Refer to the policy as %s.arn so that the ARN follows its declaration.", arn, pp.decl.Path, pp.arn, pp.addr),
			Subject: rangePtr(rng),
		})
	case pp.fate == fateDelete:
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Policy not declared",
			Detail: fmt.Sprintf("The policy %s exists in the account but is not declared, so this plan would delete it. "+
				"Declare the policy, or leave it out of the scope with the exclude list of the scope block.", arn),
			Subject: rangePtr(rng),
		})
	}
}

// policySuggestion returns a sentence naming the declared policy whose ARN
// is closest to arn, or "".
func (p *planner) policySuggestion(arn string) string {
	candidates := make([]string, 0, len(p.policies))
	for _, pp := range p.policies {
		if pp.decl != nil {
			candidates = append(candidates, pp.arn)
		}
	}
	sort.Strings(candidates)
	if s := suggest(arn, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %s?", s)
	}
	return ""
}

// checkRoleRef reports an instance profile role that is neither declared nor
// live, or that is live but deleted by this plan.
func (p *planner) checkRoleRef(role string, rng hcl.Range) {
	if d := p.roleByDecl[fold(role)]; d != nil && d.fate != fateGone {
		return
	}
	r := p.roleByLive[fold(role)]
	switch {
	case r == nil:
		p.diags = append(p.diags, notFoundDiag("Role", "role", role, "instance profile", rng))
	case r.fate == fateDelete:
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Role not declared",
			Detail: fmt.Sprintf("The role %q exists in the account but is not declared, so this plan would delete it. "+
				"Declare the role, or leave it out of the scope with the exclude list of the scope block.", r.live.Name),
			Subject: rangePtr(rng),
		})
	}
}

// uniqueIDPattern matches the unique id of a user (AIDA) or role (AROA), which
// IAM shows in a policy in place of a principal that was deleted.
var uniqueIDPattern = regexp.MustCompile(`^A(ID|RO)A[A-Z0-9]{12,}$`)

// checkTrustPrincipals warns about unique ids among the principals of the
// account's trust policies of declared roles: grants to principals that were
// deleted. The plan writes the declared trust policy over them, which IAM
// rejects while the declared policy names a principal that no longer exists.
// Unique ids in declared documents are reported when the configuration is
// loaded (policydoc's validation), so they are not reported again here.
func (p *planner) checkTrustPrincipals() {
	for _, r := range p.roles {
		if !r.managed() || r.live == nil || r.decl.AssumeRolePolicy == nil {
			continue
		}
		declared := principalIDs(r.decl.AssumeRolePolicy)
		for _, id := range principalIDs(p.liveDocAgainst(r.live.AssumeRolePolicy, r.decl.AssumeRolePolicy, trustPolicyOf(r.live.Name))) {
			if contains(declared, id) {
				continue
			}
			p.diags = append(p.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Dangling principal in trust policy",
				Detail: fmt.Sprintf("In the account, the trust policy of role %q names the principal %s, a unique id: "+
					"IAM put it in place of the principal's ARN when that principal was deleted. Recreating the "+
					"principal does not restore the trust. The plan updates the trust policy to the declared one, "+
					"which names principals by ARN; IAM rejects it unless each of them exists.", r.live.Name, id),
				Subject: rangePtr(attrRange(r.decl.Ranges, "assume_role_policy", r.decl.DeclRange)),
			})
		}
	}
}

// checkSelfTrust reports a role that the plan creates, or creates again,
// whose trust policy names the role itself. IAM checks that every principal
// exists when it creates the role, so CreateRole would fail.
func (p *planner) checkSelfTrust() {
	for _, r := range p.roles {
		if r.decl == nil || r.decl.AssumeRolePolicy == nil {
			continue
		}
		c := p.changes[r.addr]
		if c == nil || (c.Action != Create && c.Action != Replace) {
			continue
		}
		arn := r.decl.ARN(p.partition, p.accountID)
		if !namesPrincipal(r.decl.AssumeRolePolicy, arn) {
			continue
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Role trusts itself",
			Detail: fmt.Sprintf("The trust policy of role %q names the role's own ARN, %s. IAM rejects a principal "+
				"that does not exist yet, so it cannot create the role with this trust policy. Create the role "+
				"without that principal first, and add it in a later apply.", r.decl.Name, arn),
			Subject: rangePtr(attrRange(r.decl.Ranges, "assume_role_policy", r.decl.DeclRange)),
		})
	}
}

// principalIDs returns the unique ids among the principals of a policy
// document, sorted and without duplicates.
func principalIDs(d *policydoc.Document) []string {
	if d == nil || !mayHaveUniqueID(d.String()) {
		return nil
	}
	statements := statementsOf[map[string]any](d.String())

	seen := map[string]bool{}
	for _, st := range statements {
		for _, key := range []string{"Principal", "NotPrincipal"} {
			collectStrings(st[key], func(s string) {
				if uniqueIDPattern.MatchString(s) {
					seen[s] = true
				}
			})
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// mayHaveUniqueID reports whether text contains a user or role unique id
// prefix, which saves decoding the many documents that have none.
func mayHaveUniqueID(text string) bool {
	return strings.Contains(text, "AROA") || strings.Contains(text, "AIDA")
}

// collectStrings calls f with every string inside a decoded JSON value.
func collectStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case []any:
		for _, item := range v {
			collectStrings(item, f)
		}
	case map[string]any:
		for _, item := range v {
			collectStrings(item, f)
		}
	}
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

// suggest returns the candidate closest to given within a few edits, or "".
func suggest(given string, candidates []string) string {
	const maxDistance = 3
	best, bestDistance := "", maxDistance
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best
}
