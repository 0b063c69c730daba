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
	// Each declaration is checked for expiry before its warning text is
	// formatted, because most declarations have no expiry.
	warn := func(what string, at *time.Time, rng hcl.Range) {
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Expired access is still declared",
			Detail: fmt.Sprintf("%s expired at %s, so the plan removes it where the account has it and never "+
				"creates it. Remove it from the configuration.", what, at.UTC().Format(time.RFC3339)),
			Subject: rng.Ptr(),
		})
	}
	owned := func(owner spec.Address, inline []*spec.InlinePolicy, attachments []*spec.Attachment) {
		for _, ip := range inline {
			if p.expired(ip.ExpiresAt) {
				warn(fmt.Sprintf("The inline policy %q of %s", ip.Name, owner), ip.ExpiresAt, ip.DeclRange)
			}
		}
		for _, a := range attachments {
			if p.expired(a.ExpiresAt) {
				warn(fmt.Sprintf("The attachment of %s to %s", a.PolicyARN, owner), a.ExpiresAt, a.Range)
			}
		}
	}
	for _, u := range p.cfg.Users {
		if p.expired(u.ExpiresAt) {
			warn(u.Address.String(), u.ExpiresAt, u.DeclRange)
		}
		owned(u.Address, u.InlinePolicies, u.Attachments)
	}
	for _, g := range p.cfg.Groups {
		owned(g.Address, g.InlinePolicies, g.Attachments)
	}
	for _, r := range p.cfg.Roles {
		owned(r.Address, r.InlinePolicies, r.Attachments)
	}
	for _, m := range p.cfg.Memberships {
		if p.expired(m.ExpiresAt) {
			warn(fmt.Sprintf("The membership of user %s in group %s", m.User, m.Group), m.ExpiresAt, m.Range)
		}
	}
}
