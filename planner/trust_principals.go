package planner

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
)

// awsPrincipals returns the values of the AWS element of each statement's
// Principal, in document order.
func awsPrincipals(d *policydoc.Document) []string {
	var found []string
	for _, p := range d.AWSPrincipals() {
		found = append(found, p.Value)
	}
	return found
}

// principalRef is a user or role of the planned account named by ARN.
type principalRef struct {
	kind       string // "user" or "role"
	path, name string
}

// accountPrincipal parses arn as a user or role ARN of the planned
// account. Other accounts, account roots, wildcards and assumed-role
// sessions are not entities this plan can check.
func (p *planner) accountPrincipal(arn string) (principalRef, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" ||
		parts[4] != p.accountID || strings.ContainsAny(arn, "*?") {
		return principalRef{}, false
	}
	kind, rest, ok := strings.Cut(parts[5], "/")
	if !ok || (kind != "user" && kind != "role") {
		return principalRef{}, false
	}
	slash := strings.LastIndex(rest, "/")
	ref := principalRef{kind: kind, path: "/" + rest[:slash+1], name: rest[slash+1:]}
	return ref, ref.name != ""
}

// checkTrustedPrincipals reports each user or role of the account that a
// declared trust policy names by ARN but that will not exist after the plan.
// IAM rejects a trust policy that names a missing principal. When the plan
// deletes the principal, IAM also puts its unique id in place of the ARN,
// which every later apply would fail to write over.
func (p *planner) checkTrustedPrincipals() {
	for _, r := range p.roles {
		if !r.managed() || r.decl.AssumeRolePolicy == nil {
			continue
		}
		reported := map[string]bool{}
		for _, arn := range awsPrincipals(r.decl.AssumeRolePolicy) {
			if partition, ok := arnPartition(arn); ok && partition != p.partition && !reported[arn] {
				reported[arn] = true
				p.diags = append(p.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Principal of another partition",
					Detail: fmt.Sprintf("The trust policy of %s names %s, of the partition %q, but the account is in %q. "+
						"IAM accepts principals of the account's own partition only: a role cannot be shared between "+
						"partitions, such as aws and aws-us-gov.", r.addr, arn, partition, p.partition),
					Subject: rangePtr(principalRange(r, arn)),
				})
				continue
			}
			ref, ok := p.accountPrincipal(arn)
			if !ok || reported[arn] {
				continue
			}
			problem, advice := p.principalProblem(ref)
			if problem == "" {
				continue
			}
			reported[arn] = true
			p.diags = append(p.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Trusted principal will not exist",
				Detail: fmt.Sprintf("The trust policy of %s names %s, but %s. IAM rejects a trust policy "+
					"that names a user or role that does not exist. %s",
					r.addr, arn, problem, advice),
				Subject: rangePtr(principalRange(r, arn)),
			})
		}
	}
}

// principalRange returns where a trust policy names arn, or the trust
// policy's attribute when the document's text cannot be traced there.
func principalRange(r *rolePair, arn string) hcl.Range {
	if rng, ok := r.decl.PrincipalRanges[arn]; ok {
		return rng
	}
	return attrRange(r.decl.Ranges, "assume_role_policy", r.decl.DeclRange)
}

// arnPartition returns the partition of an ARN, such as "aws-cn".
func arnPartition(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) != 3 || parts[0] != "arn" {
		return "", false
	}
	return parts[1], true
}

// principalProblem returns why the user or role that ref names will not
// exist after the plan, and what to do, or "" when it will exist. Names are
// compared case-insensitively, as IAM compares them, and paths exactly. A
// principal whose declaration was reported as invalid is not reported
// again.
func (p *planner) principalProblem(ref principalRef) (problem, advice string) {
	follow := fmt.Sprintf("Refer to the %s as %s.<label>.arn, so that the ARN follows its declaration, "+
		"or remove it from the trust policy.", ref.kind, ref.kind)
	remove := "Remove it from the trust policy."

	var declared, live *entity
	var declaredPath, livePath, declaredName, expiry string
	if ref.kind == "user" {
		if u := p.userByDecl[fold(ref.name)]; u != nil {
			declared, declaredPath, declaredName = &u.entity, u.decl.Path, u.decl.Name
			if u.decl.ExpiresAt != nil {
				expiry = formatTime(*u.decl.ExpiresAt)
			}
		}
		if u := p.userByLive[fold(ref.name)]; u != nil {
			live, livePath = &u.entity, u.live.Path
			if u.renamed && u.fate != fateDelete && u.fate != fateInvalid {
				return fmt.Sprintf("this plan renames the user %q to %q", u.live.Name, u.decl.Name), follow
			}
		}
	} else {
		if r := p.roleByDecl[fold(ref.name)]; r != nil {
			declared, declaredPath, declaredName = &r.entity, r.decl.Path, r.decl.Name
		}
		if r := p.roleByLive[fold(ref.name)]; r != nil {
			live, livePath = &r.entity, r.live.Path
		}
	}

	switch {
	case declared != nil && declared.fate == fateInvalid, live != nil && live.fate == fateInvalid:
		return "", ""
	case declared != nil && declared.managed():
		if declaredPath != ref.path {
			return fmt.Sprintf("the %s %q is declared with the path %q", ref.kind, declaredName, declaredPath), follow
		}
		return "", ""
	case live != nil && live.fate == fateIgnore:
		if livePath != ref.path {
			return fmt.Sprintf("the %s %q has the path %q in the account, outside the scope", ref.kind, ref.name, livePath),
				"Correct the path in the ARN, or remove it from the trust policy."
		}
		return "", ""
	case expiry != "" && live != nil:
		return fmt.Sprintf("the %s %q expired at %s, so this plan deletes it", ref.kind, declaredName, expiry), remove
	case expiry != "":
		return fmt.Sprintf("the %s %q expired at %s, so this plan does not create it", ref.kind, declaredName, expiry), remove
	case live != nil && live.fate == fateDelete:
		return fmt.Sprintf("this plan deletes the %s %q, which is not declared", ref.kind, ref.name),
			fmt.Sprintf("Declare the %s to keep it, or remove it from the trust policy.", ref.kind)
	default:
		return fmt.Sprintf("no %s %q is declared or exists in the account", ref.kind, ref.name), follow
	}
}
