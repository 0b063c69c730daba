package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/provider"
)

// declaredFate decides the fate of a declared entity, given the live entity
// it matched, if any. A declaration that AWS reserves or that the scope
// leaves out is reported as an error and ignored.
func (p *planner) declaredFate(typ Type, name, path, livePath, liveName string, isLive, reserved bool, expiresAt *time.Time, rng hcl.Range) (fate, Reason, string) {
	switch {
	case reserved:
		p.diags = append(p.diags, reservedRoleDiag(name, path, livePath, rng))
		return fateInvalid, ReasonNone, ""
	case !p.cfg.Scope.Contains(path, name):
		p.diags = append(p.diags, p.outsideScopeDiag(typ, name, path, false, rng))
		return fateInvalid, ReasonNone, ""
	case isLive && !p.cfg.Scope.Contains(livePath, liveName):
		p.diags = append(p.diags, p.outsideScopeDiag(typ, liveName, livePath, true, rng))
		return fateInvalid, ReasonNone, ""
	case p.expired(expiresAt) && isLive:
		return fateDelete, ReasonExpired, formatTime(*expiresAt)
	case p.expired(expiresAt):
		return fateGone, ReasonNone, ""
	case isLive:
		return fateKeep, ReasonNone, ""
	}
	return fateCreate, ReasonNone, ""
}

func reservedRoleDiag(name, path, livePath string, rng hcl.Range) *hcl.Diagnostic {
	if !provider.ReservedRolePath(path) {
		path = livePath
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Role reserved by AWS",
		Detail: fmt.Sprintf("The role %q has the path %q. AWS reserves the paths /aws-service-role/ and "+
			"/aws-reserved/ for roles that its services create and manage, and iamsync never changes those "+
			"roles. Remove this declaration, or give the role another name and path.", name, path),
		Subject: rangePtr(rng),
	}
}

func (p *planner) outsideScopeDiag(typ Type, name, path string, live bool, rng hcl.Range) *hcl.Diagnostic {
	return p.cfg.Scope.OutsideDiagnostic(typeNoun(typ), name, path, live, rng)
}

// policyUse is one live reference to a managed policy: an attachment or a
// permissions boundary.
type policyUse struct {
	ownerType Type
	owner     string // live name
	boundary  bool
}

// indexPolicyUses records, for every policy ARN, who attaches it or uses it
// as a permissions boundary in the account.
func (p *planner) indexPolicyUses() {
	add := func(arn string, use policyUse) {
		key := fold(arn)
		p.policyUses[key] = append(p.policyUses[key], use)
	}
	for _, u := range p.live.Users {
		for _, arn := range u.AttachedPolicies {
			add(arn, policyUse{ownerType: TypeUser, owner: u.Name})
		}
		if u.PermissionsBoundary != "" {
			add(u.PermissionsBoundary, policyUse{ownerType: TypeUser, owner: u.Name, boundary: true})
		}
	}
	for _, g := range p.live.Groups {
		for _, arn := range g.AttachedPolicies {
			add(arn, policyUse{ownerType: TypeGroup, owner: g.Name})
		}
	}
	for _, r := range p.live.Roles {
		for _, arn := range r.AttachedPolicies {
			add(arn, policyUse{ownerType: TypeRole, owner: r.Name})
		}
		if r.PermissionsBoundary != "" {
			add(r.PermissionsBoundary, policyUse{ownerType: TypeRole, owner: r.Name, boundary: true})
		}
	}
}

// reservedUser returns the name of an AWS-reserved role that uses the
// policy with the given ARN, or "".
func (p *planner) reservedUser(arn string) string {
	for _, use := range p.policyUses[fold(arn)] {
		if use.ownerType != TypeRole {
			continue
		}
		if r := p.roleByLive[fold(use.owner)]; r != nil && r.live.Reserved() {
			return r.live.Name
		}
	}
	return ""
}

// checkDeletableUses leaves in place an undeclared policy that an
// AWS-reserved role uses: deleting it would mean detaching it from that
// role, which iamsync never changes.
func (p *planner) checkDeletableUses(pp *policyPair) {
	role := p.reservedUser(pp.live.ARN)
	if role == "" {
		return
	}
	pp.fate, pp.reason = fateIgnore, ReasonNone
	p.diags = append(p.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Undeclared policy left in place",
		Detail: fmt.Sprintf("The policy %s is not declared, but the AWS-reserved role %q uses it, and iamsync never "+
			"changes reserved roles, so the plan does not delete the policy. Declare the policy, or add %q to the "+
			"exclude list of the scope block.", pp.live.ARN, role, pp.live.Name),
	})
}

// checkReplaceableUses reports a policy that must be replaced while an
// AWS-reserved role uses it: the replacement would detach it from that role.
func (p *planner) checkReplaceableUses(pp *policyPair) {
	role := p.reservedUser(pp.live.ARN)
	if role == "" {
		return
	}
	pp.fate = fateInvalid
	p.diags = append(p.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Policy cannot be replaced",
		Detail: fmt.Sprintf("IAM cannot change the path or description of the policy %q in place, so iamsync would "+
			"delete it and create it again, detaching it from everything first. The AWS-reserved role %q uses it, "+
			"and iamsync never changes reserved roles. Keep the path %q and the description %q that the policy has "+
			"in the account.", pp.decl.Name, role, pp.live.Path, pp.live.Description),
		Subject: rangePtr(pp.decl.DeclRange),
	})
}

// typeNoun returns the type as words for messages: "instance profile".
func typeNoun(typ Type) string { return strings.ReplaceAll(string(typ), "_", " ") }

// quoteList formats values as a comma-separated list of quoted strings.
func quoteList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(quoted, ", ")
}
