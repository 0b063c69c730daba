package planner

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/spec"
)

// checkPreventDestroy reports each change that deletes or replaces an
// entity whose declaration sets lifecycle { prevent_destroy = true }.
func (p *planner) checkPreventDestroy() {
	// Only protected declarations matter, and most configurations have few.
	protected := map[string]spec.Lifecycle{}
	protect := func(addr string, lc spec.Lifecycle) {
		if lc.PreventDestroy {
			protected[addr] = lc
		}
	}
	for _, u := range p.users {
		if u.decl != nil {
			protect(u.addr, u.decl.Lifecycle)
		}
	}
	for _, g := range p.groups {
		if g.decl != nil {
			protect(g.addr, g.decl.Lifecycle)
		}
	}
	for _, r := range p.roles {
		if r.decl != nil {
			protect(r.addr, r.decl.Lifecycle)
		}
	}
	for _, pp := range p.policies {
		if pp.decl != nil {
			protect(pp.addr, pp.decl.Lifecycle)
		}
	}
	for _, ip := range p.profiles {
		if ip.decl != nil {
			protect(ip.addr, ip.decl.Lifecycle)
		}
	}
	if len(protected) == 0 {
		return
	}

	changes := p.sortedChanges()
	for _, c := range changes {
		lc, ok := protected[c.Address]
		if !ok || (c.Action != Delete && c.Action != Replace) {
			continue
		}
		verb := "deletes"
		if c.Action == Replace {
			verb = "replaces"
		}
		why := ""
		if reason := c.ReasonText(); reason != "" {
			why = " because " + reason
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Plan destroys a protected entity",
			Detail: fmt.Sprintf("%s sets lifecycle.prevent_destroy, but this plan %s it%s. Change the configuration "+
				"so that the plan keeps the entity, or set prevent_destroy to false if it is meant to go.",
				c.Address, verb, why),
			Subject: rangePtr(lc.PreventDestroyRange),
		})
	}

	// A protected declaration whose name the account does not have may be
	// the entity under a new name, while the plan deletes it under its old
	// one as undeclared. The plan cannot tell, so it stops.
	deleted := map[Type][]string{}
	for _, c := range changes {
		if c.Parent == nil && c.Action == Delete && c.Reason == ReasonNotDeclared {
			deleted[c.Type] = append(deleted[c.Type], c.Address)
		}
	}
	for _, c := range changes {
		lc, ok := protected[c.Address]
		if !ok || c.Action != Create || len(deleted[c.Type]) == 0 {
			continue
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Protected entity may be renamed",
			Detail: fmt.Sprintf("%s sets lifecycle.prevent_destroy, but the account has no %s of its name, and this plan "+
				"deletes %s. If one of them is this entity under its old name, the plan would delete it: keep the old "+
				"name, or rename a user or group with previous_names. Otherwise, create %s in a plan of its own.",
				c.Address, typeNoun(c.Type), strings.Join(deleted[c.Type], ", "), c.Address),
			Subject: rangePtr(lc.PreventDestroyRange),
		})
	}
}

// sortedChanges returns the changes planned so far, sorted by address.
func (p *planner) sortedChanges() []*Change { return p.result().Changes }

// DestroyedObjects returns the changes that delete or replace an entity or
// an account setting, which is what a limit on deletes counts. What an
// entity holds, such as an inline policy, an attachment, a membership or an
// access key, is not counted: it goes with its owner or is recreated.
func (p *Plan) DestroyedObjects() []*Change {
	var out []*Change
	for _, c := range p.Changes {
		if c.Parent == nil && (c.Action == Delete || c.Action == Replace) {
			out = append(out, c)
		}
	}
	return out
}

// DeleteLimitError is returned by CheckMaxDeletes for a plan that deletes
// or replaces more entities and account settings than allowed.
type DeleteLimitError struct {
	Limit int
	// Changes are the deletes and replaces counted, sorted by address.
	Changes []*Change
}

func (e *DeleteLimitError) Error() string {
	listed := make([]string, len(e.Changes))
	for i, c := range e.Changes {
		listed[i] = fmt.Sprintf("%s (%s)", c.Address, c.Action)
	}
	noun := "entities"
	if len(e.Changes) == 1 {
		noun = "entity"
	}
	return fmt.Sprintf("the plan deletes or replaces %d %s, more than the limit of %d: %s",
		len(e.Changes), noun, e.Limit, strings.Join(listed, ", "))
}

// CheckMaxDeletes returns a *DeleteLimitError when the plan deletes or
// replaces more than limit entities and account settings, as
// DestroyedObjects counts them, and nil otherwise. A negative limit panics,
// because the caller must reject it as a flag value.
func CheckMaxDeletes(p *Plan, limit int) error {
	if limit < 0 {
		panic(fmt.Sprintf("planner: negative delete limit %d", limit))
	}
	destroyed := p.DestroyedObjects()
	if len(destroyed) <= limit {
		return nil
	}
	return &DeleteLimitError{Limit: limit, Changes: destroyed}
}
