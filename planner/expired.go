package planner

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/spec"
)

// warnExpiredDeclarations warns of declarations whose expires_at has
// passed. The plan removes such access where it exists and never creates
// it, whether the account has it or not, so the declaration only misleads
// readers of the configuration from then on.
func (p *planner) warnExpiredDeclarations() {
	warn := func(what string, at *time.Time, rng hcl.Range) {
		if !p.expired(at) {
			return
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Expired access is still declared",
			Detail: fmt.Sprintf("%s expired at %s, so the plan removes it where the account has it and never "+
				"creates it. Remove it from the configuration.", what, at.UTC().Format(time.RFC3339)),
			Subject: rng.Ptr(),
		})
	}
	owned := func(owner string, inline []*spec.InlinePolicy, attachments []*spec.Attachment) {
		for _, ip := range inline {
			warn(fmt.Sprintf("The inline policy %q of %s", ip.Name, owner), ip.ExpiresAt, ip.DeclRange)
		}
		for _, a := range attachments {
			warn(fmt.Sprintf("The attachment of %s to %s", a.PolicyARN, owner), a.ExpiresAt, a.Range)
		}
	}
	for _, u := range p.cfg.Users {
		warn(u.Address.String(), u.ExpiresAt, u.DeclRange)
		owned(u.Address.String(), u.InlinePolicies, u.Attachments)
	}
	for _, g := range p.cfg.Groups {
		owned(g.Address.String(), g.InlinePolicies, g.Attachments)
	}
	for _, r := range p.cfg.Roles {
		owned(r.Address.String(), r.InlinePolicies, r.Attachments)
	}
	for _, m := range p.cfg.Memberships {
		warn(fmt.Sprintf("The membership of user %s in group %s", m.User, m.Group), m.ExpiresAt, m.Range)
	}
}
