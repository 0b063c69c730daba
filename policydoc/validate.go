package policydoc

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Validate checks the document against IAM's policy grammar for the given
// kind of policy and returns the problems found, in document order.
//
// Errors are what IAM rejects:
//   - a Version other than 2012-10-17 or 2008-10-17, or a missing Statement;
//   - an unknown element, or an element of the wrong JSON type;
//   - an Effect other than Allow or Deny, or both or neither of Action and
//     NotAction (and of Resource and NotResource where the kind needs one);
//   - an action not of the form service:action, or a resource that is
//     neither "*" nor an ARN;
//   - a Principal where the kind forbids it, a missing one where the kind
//     needs it, or a malformed one;
//   - an unknown condition operator;
//   - a Sid that is not alphanumeric or not unique (for resource policies,
//     whose services vary, a repeated Sid is only a warning).
//
// Warnings are what IAM accepts but is probably a mistake:
//   - Allow of "*" on "*", iam:PassRole on "*", or Allow with NotAction;
//   - a trust policy with Principal "*", or a web identity trust without a
//     condition on the token's subject;
//   - a principal that IAM shows as a unique ID because it was deleted;
//   - policy variables under an old Version or none.
//
// Validate checks the grammar, not the names. It has no list of the
// services, actions and condition keys that exist.
func (d *Document) Validate(kind Kind) []Problem {
	if d == nil {
		return nil
	}
	v := &validator{kind: kind, sids: map[string]bool{}, denied: deniedEverywhere(d.root)}
	v.document(d.root)
	return v.problems
}

type validator struct {
	kind     Kind
	problems []Problem
	sids     map[string]bool // Sids seen so far
	// denied holds the action patterns that a Deny statement of the
	// document denies on every resource without a condition.
	denied []string
}

func (v *validator) errorf(path, summary, format string, args ...any) {
	v.problems = append(v.problems, Problem{Severity: Error, Path: path, Summary: summary, Detail: fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(path, summary, format string, args ...any) {
	v.problems = append(v.problems, Problem{Severity: Warning, Path: path, Summary: summary, Detail: fmt.Sprintf(format, args...)})
}

// risk adds a warning of a broad grant.
func (v *validator) risk(risk Risk, path, summary, detail string) {
	v.problems = append(v.problems, Problem{Severity: Warning, Path: path, Summary: summary, Detail: detail, Risk: risk})
}

// Policy language versions IAM accepts.
const (
	version2012 = "2012-10-17"
	version2008 = "2008-10-17"
)

func (v *validator) document(root *node) {
	for _, m := range root.members {
		path := pointerKey("", m.key)
		switch m.key {
		case "Version":
			if m.value.kind != kindString || (m.value.text != version2012 && m.value.text != version2008) {
				v.errorf(path, "Invalid policy version",
					`IAM accepts only the versions "2012-10-17" and "2008-10-17". Use "2012-10-17", the current version of the policy language.`)
			}
		case "Id":
			if m.value.kind != kindString {
				v.errorf(path, "Invalid Id", "The Id element must be a string.")
			}
		case "Statement":
			v.statements(path, m.value)
		default:
			v.errorf(path, "Unknown policy element",
				"IAM accepts only Version, Id and Statement at the top level of a policy, and element names are case-sensitive.%s",
				didYouMean(m.key, documentKeyOrder))
		}
	}
	if root.get("Statement") == nil {
		v.errorf("", "Missing Statement", "A policy needs a Statement element holding one statement or a list of them.")
	}
	v.policyVariables(root)
}

// policyVariables warns about ${...} policy variables in a document whose
// Version makes IAM read them as literal text.
func (v *validator) policyVariables(root *node) {
	version := root.get("Version")
	if version != nil && (version.kind != kindString || version.text != version2008) {
		return
	}
	if !containsVariable(root) {
		return
	}
	path, found := "", "has no Version"
	if version != nil {
		path, found = "/Version", `has Version "2008-10-17"`
	}
	v.warnf(path, "Policy variables need version 2012-10-17",
		`The document uses ${...} policy variables but %s, so IAM matches them as literal text. Set "Version": "2012-10-17".`, found)
}

func containsVariable(n *node) bool {
	switch n.kind {
	case kindString:
		return strings.Contains(n.text, "${")
	case kindArray:
		return slices.ContainsFunc(n.elems, containsVariable)
	case kindObject:
		return slices.ContainsFunc(n.members, func(m member) bool { return containsVariable(m.value) })
	default:
		return false
	}
}

func (v *validator) statements(path string, n *node) {
	switch n.kind {
	case kindObject:
		v.statement(path, n)
	case kindArray:
		if len(n.elems) == 0 {
			v.warnf(path, "Empty Statement list", "The policy has no statements, so it grants and denies nothing.")
		}
		for i, st := range n.elems {
			v.statement(pointerIndex(path, i), st)
		}
	default:
		v.errorf(path, "Invalid Statement", "Statement must be a statement object or a list of statement objects.")
	}
}

func (v *validator) statement(path string, st *node) {
	if st.kind != kindObject {
		v.errorf(path, "Invalid statement", "Each statement must be a JSON object with Effect, Action and the other statement elements.")
		return
	}
	for _, m := range st.members {
		if !slices.Contains(statementKeyOrder, m.key) {
			v.errorf(pointerKey(path, m.key), "Unknown statement element",
				"IAM accepts only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition in a statement, and element names are case-sensitive.%s",
				didYouMean(m.key, statementKeyOrder))
		}
	}

	v.sid(path, st.get("Sid"))
	v.effect(path, st.get("Effect"))
	v.statementPrincipals(path, st)
	v.statementActions(path, st)
	v.statementResources(path, st)
	if cond := st.get("Condition"); cond != nil {
		v.condition(pointerKey(path, "Condition"), cond)
	}
	v.risks(path, st)
}

// sidPattern is the Sid syntax IAM enforces for identity and trust policies
// ("Statement IDs (SID) must be alpha-numeric"). Other services accept more
// in resource policies, such as spaces in S3 bucket policies.
var sidPattern = regexp.MustCompile(`^[A-Za-z0-9]*$`)

func (v *validator) sid(path string, sid *node) {
	if sid == nil {
		return
	}
	path = pointerKey(path, "Sid")
	if sid.kind != kindString {
		v.errorf(path, "Invalid Sid", "The Sid element must be a string.")
		return
	}
	if v.kind != Resource && !sidPattern.MatchString(sid.text) {
		v.errorf(path, "Invalid Sid", "IAM accepts only the letters A-Z and a-z and the digits 0-9 in a Sid; %s has other characters.", quoteString(sid.text))
	}
	if sid.text == "" {
		return
	}
	if v.sids[sid.text] {
		// IAM rejects duplicates ("Statement IDs (SID) in a single policy
		// must be unique"); services with resource policies vary.
		report := v.errorf
		if v.kind == Resource {
			report = v.warnf
		}
		report(path, "Duplicate Sid", "Another statement of this policy has the Sid %s. Give each statement a unique Sid.", quoteString(sid.text))
	}
	v.sids[sid.text] = true
}

func (v *validator) effect(path string, effect *node) {
	switch {
	case effect == nil:
		v.errorf(path, "Missing Effect", `Each statement needs "Effect": "Allow" or "Effect": "Deny".`)
	case effect.kind != kindString || (effect.text != "Allow" && effect.text != "Deny"):
		hint := ""
		if effect.kind == kindString {
			hint = didYouMean(effect.text, []string{"Allow", "Deny"})
		}
		v.errorf(pointerKey(path, "Effect"), "Invalid Effect", `Effect must be "Allow" or "Deny", spelled with this case.%s`, hint)
	}
}

func (v *validator) statementActions(path string, st *node) {
	action, notAction := st.get("Action"), st.get("NotAction")
	switch {
	case action != nil && notAction != nil:
		v.errorf(path, "Both Action and NotAction", "A statement has either Action or NotAction, not both. Move the actions into one of them.")
	case action == nil && notAction == nil:
		v.errorf(path, "Missing Action", "Each statement needs an Action (or NotAction) element listing the actions it covers.")
	}
	for _, name := range []string{"Action", "NotAction"} {
		if n := st.get(name); n != nil {
			v.stringList(pointerKey(path, name), name, n, v.action)
		}
	}
}

// actionPattern is the form of an action: a service prefix, a colon and an
// action name, with * and ? wildcards allowed in the name. Every action of
// the AWS managed policies (1,569 policies, August 2026) has this form.
var actionPattern = regexp.MustCompile(`^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$`)

func (v *validator) action(path, action string) {
	if action != "*" && !actionPattern.MatchString(action) {
		v.errorf(path, "Invalid action",
			`%s is not an action. An action is "*" or has the form service:Action, such as "s3:GetObject"; the name may contain the wildcards * and ?.`,
			quoteString(action))
	}
}

func (v *validator) statementResources(path string, st *node) {
	resource, notResource := st.get("Resource"), st.get("NotResource")
	switch {
	case v.kind == Trust:
		for _, name := range []string{"Resource", "NotResource"} {
			if st.get(name) != nil {
				v.errorf(pointerKey(path, name), name+" in a trust policy",
					"A trust policy applies to the role it belongs to, and IAM rejects %s in it. Remove the element.", name)
			}
		}
		return
	case resource != nil && notResource != nil:
		v.errorf(path, "Both Resource and NotResource", "A statement has either Resource or NotResource, not both. Move the resources into one of them.")
	case resource == nil && notResource == nil:
		v.errorf(path, "Missing Resource", `Each statement of %s %s policy needs a Resource (or NotResource) element; use "*" for all resources.`, v.kind.article(), v.kind)
	}
	for _, name := range []string{"Resource", "NotResource"} {
		if n := st.get(name); n != nil {
			v.stringList(pointerKey(path, name), name, n, v.resource)
		}
	}
}

func (v *validator) resource(path, resource string) {
	if resource == "*" {
		return
	}
	// Only the six colon-separated parts are checked, as the AWS SDKs' ARN
	// parsers do: AWS managed policies have ARNs with an empty resource part
	// (arn:aws:organizations::*:), and a policy variable such as
	// ${aws:username} adds colons of its own.
	if !strings.HasPrefix(resource, "arn:") || strings.Count(resource, ":") < 5 {
		v.errorf(path, "Invalid resource",
			`%s is not a resource. A resource is "*" or an ARN of the form arn:partition:service:region:account:resource; each part may contain the wildcards * and ?.`,
			quoteString(resource))
	}
}

// stringList checks that n is a string or a non-empty list of strings, and
// calls check with the path of each string.
func (v *validator) stringList(path, name string, n *node, check func(path, s string)) {
	if n.kind == kindString {
		check(path, n.text)
		return
	}
	if n.kind != kindArray {
		v.errorf(path, "Invalid "+name, "%s must be a string or a list of strings.", name)
		return
	}
	if len(n.elems) == 0 {
		v.errorf(path, "Empty "+name+" list", "%s must name at least one value.", name)
	}
	for i, e := range n.elems {
		if e.kind != kindString {
			v.errorf(pointerIndex(path, i), "Invalid "+name, "Each value of %s must be a string.", name)
			continue
		}
		check(pointerIndex(path, i), e.text)
	}
}

// quoteString returns s in double quotes for a message.
func quoteString(s string) string {
	return string(appendQuoted(nil, s))
}
