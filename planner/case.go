package planner

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// warnCaseOnlyNames warns of declarations whose name differs from the live
// entity's only in case. IAM treats the two as the same name, so the plan
// changes nothing, but the ARNs that references build from the declared
// spelling differ from those IAM shows.
func (p *planner) warnCaseOnlyNames() {
	warn := func(typ Type, declared, live string, rng hcl.Range) {
		if declared == live {
			return
		}
		// IAM renames only users and groups in place; the other types
		// take a new spelling by being replaced.
		fix := "Declare the live spelling, or rename in two steps with previous_names through another name."
		if typ != TypeUser && typ != TypeGroup {
			fix = fmt.Sprintf("Declare the live spelling. IAM cannot rename a %s: to change the spelling, delete the %s "+
				"in one apply and create it under the new spelling in another.", typ, typ)
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Name differs only in case",
			Detail: fmt.Sprintf("The %s is declared as %q, and the account spells it %q. IAM names ignore case, so "+
				"iamsync changes nothing, but the ARNs that references build from the declared name differ from IAM's. %s",
				typ, declared, live, fix),
			Subject: rng.Ptr(),
		})
	}
	for _, u := range p.users {
		if u.decl != nil && u.live != nil && !u.renamed {
			warn(TypeUser, u.decl.Name, u.live.Name, u.decl.DeclRange)
		}
	}
	for _, g := range p.groups {
		if g.decl != nil && g.live != nil && !g.renamed {
			warn(TypeGroup, g.decl.Name, g.live.Name, g.decl.DeclRange)
		}
	}
	for _, r := range p.roles {
		if r.decl != nil && r.live != nil {
			warn(TypeRole, r.decl.Name, r.live.Name, r.decl.DeclRange)
		}
	}
	for _, pol := range p.policies {
		if pol.decl != nil && pol.live != nil {
			warn(TypePolicy, pol.decl.Name, pol.live.Name, pol.decl.DeclRange)
		}
	}
	for _, ip := range p.profiles {
		if ip.decl != nil && ip.live != nil {
			warn(TypeInstanceProfile, ip.decl.Name, ip.live.Name, ip.decl.DeclRange)
		}
	}
}
