package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
)

// acceptRisksAttr lists the broad grants, by policydoc.Risk, that the
// document of a policy, an inline policy or a role's trust policy intends,
// so that plans stop warning of them. A plan that warns of the same grant
// on every run teaches its reviewers to skip warnings.
const acceptRisksAttr = "accept_risks"

// acceptedRisks is the accept_risks of one instance of a block.
type acceptedRisks struct {
	risks map[policydoc.Risk]bool
	// raised collects the risks that the document raised, in any instance
	// of the block.
	raised map[policydoc.Risk]bool
}

// acceptance is what the instances of one accept_risks attribute accepted
// and raised, to report accepted risks that no document raises.
type acceptance struct {
	elements  map[policydoc.Risk]hcl.Range
	raised    map[policydoc.Risk]bool
	validated bool
}

// acceptedRisks reads accept_risks from r, and nil when it is not set.
// Unknown names are errors.
func (l *loader) acceptedRisks(r *attrReader, kind policydoc.Kind) *acceptedRisks {
	attr, ok := r.attrs[acceptRisksAttr]
	if !ok {
		return nil
	}
	names, ok := r.stringList(acceptRisksAttr)
	if !ok {
		return nil
	}

	// The instances of a for_each block share one record of the attribute.
	if l.acceptances == nil {
		l.acceptances = map[hcl.Range]*acceptance{}
	}
	record := l.acceptances[attr.Range]
	if record == nil {
		record = &acceptance{elements: map[policydoc.Risk]hcl.Range{}, raised: map[policydoc.Risk]bool{}}
		l.acceptances[attr.Range] = record
	}
	record.validated = true

	accepted := &acceptedRisks{risks: make(map[policydoc.Risk]bool, len(names)), raised: record.raised}
	known := make([]string, len(policydoc.Risks))
	for i, risk := range policydoc.Risks {
		known[i] = string(risk)
	}
	for i, name := range names {
		risk := policydoc.Risk(name)
		if !slices.Contains(policydoc.Risks, risk) {
			detail := fmt.Sprintf("accept_risks names %q, which is not a risk that iamsync warns of. The risks are %s.",
				name, strings.Join(known, ", "))
			if suggestion := nameSuggestion(name, known); suggestion != "" {
				detail += fmt.Sprintf(" Did you mean %q?", suggestion)
			}
			r.report(errorAt(r.elementRange(acceptRisksAttr, i), "Unknown risk", detail))
			continue
		}
		if problem := riskOfOtherKind(risk, kind); problem != "" {
			r.report(errorAt(r.elementRange(acceptRisksAttr, i), "Risk of another kind of document", problem))
			continue
		}
		accepted.risks[risk] = true
		if _, seen := record.elements[risk]; !seen {
			record.elements[risk] = r.elementRange(acceptRisksAttr, i)
		}
	}
	return accepted
}

// riskOfOtherKind returns why a document of kind can never grant risk, or
// "" when it can.
func riskOfOtherKind(risk policydoc.Risk, kind policydoc.Kind) string {
	switch {
	case kind == policydoc.Trust && (risk == policydoc.RiskAdminAccess || risk == policydoc.RiskPassAnyRole ||
		risk == policydoc.RiskAllowNotResource):
		return fmt.Sprintf("accept_risks in a role block applies to the role's trust policy, which cannot grant %q: "+
			"that is a risk of identity policies. Move it to the accept_risks of the inline_policy or policy "+
			"block whose document grants it.", risk)
	case kind == policydoc.Identity && (risk == policydoc.RiskTrustAnyone || risk == policydoc.RiskWebIdentityAnySubject):
		return fmt.Sprintf("%q is a risk of trust policies, which this block's document is not. Accept it in "+
			"the role block whose assume_role_policy grants it.", risk)
	}
	return ""
}

// checkAcceptedRisks warns of accepted risks that no instance's document
// raises any more, so that accept_risks does not outlive the grant and hide
// it when it comes back.
func (l *loader) checkAcceptedRisks() {
	for _, record := range l.acceptances {
		if !record.validated {
			continue
		}
		for risk, rng := range record.elements {
			if !record.raised[risk] {
				l.diags = append(l.diags, &hcl.Diagnostic{
					Severity: hcl.DiagWarning,
					Summary:  "Accepted risk not found",
					Detail: fmt.Sprintf("The document of this block does not grant %q, so accept_risks need not accept it. "+
						"Remove it, so that plans warn again if the grant comes back.", risk),
					Subject: rng.Ptr(),
				})
			}
		}
	}
}
