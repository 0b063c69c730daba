package policydoc

import (
	"path"
	"slices"
	"strings"
)

// risks reports the warnings about statements IAM accepts that grant more
// than their author probably meant.
func (v *validator) risks(stPath string, st *node) {
	if effect := st.get("Effect"); effect == nil || effect.kind != kindString || effect.text != "Allow" {
		return
	}
	actions := pathStrings(pointerKey(stPath, "Action"), st.get("Action"))
	allResources := slices.Contains(stringItems(st.get("Resource")), "*")

	switch {
	case allResources && slices.ContainsFunc(actions, func(a pathString) bool { return a.text == "*" }):
		v.risk(RiskAdminAccess, stPath, "Statement allows all actions on all resources",
			`"Action": "*" on "Resource": "*" grants full administrator access. Grant only the actions and resources needed, or attach the AWS managed policy AdministratorAccess if full access is the intent, so that it is easy to see.`)
	case allResources:
		for _, a := range actions {
			if matchesAction(a.text, "iam:PassRole") && !v.deniesEverywhere("iam:PassRole") {
				v.risk(RiskPassAnyRole, a.path, "iam:PassRole on all resources",
					"The statement lets the principal pass any role of the account to an AWS service, which can then act with that role's permissions. List the ARNs of the roles it may pass in Resource.")
			}
		}
	}

	if st.get("NotAction") != nil {
		v.risk(RiskAllowNotAction, pointerKey(stPath, "NotAction"), "Allow with NotAction",
			"Allow with NotAction grants every action not listed, including actions AWS adds to services later. List the allowed actions in Action instead.")
	}
	if st.get("NotResource") != nil {
		v.risk(RiskAllowNotResource, pointerKey(stPath, "NotResource"), "Allow with NotResource",
			"Allow with NotResource grants the actions on every resource not listed, including resources created later, in any account. List the resources in Resource instead.")
	}
	if v.kind == Trust {
		v.trustRisks(stPath, st)
	}
}

func (v *validator) trustRisks(stPath string, st *node) {
	principal := st.get("Principal")
	if isAnyone(principal) {
		v.risk(RiskTrustAnyone, pointerKey(stPath, "Principal"), "Role can be assumed by anyone",
			`Principal "*" lets every AWS principal, in any account, assume this role unless a condition narrows it. Name the accounts or roles that may assume it, or check that a condition such as aws:PrincipalOrgID or sts:ExternalId restricts it.`)
	}
	if isWebIdentityTrust(st) && !hasConditionKeySuffix(st.get("Condition"), ":sub") {
		v.risk(RiskWebIdentityAnySubject, stPath, "Web identity trust without a subject condition",
			"Without a condition on the token's sub claim, every identity the provider issues tokens to can assume this role; for GitHub Actions that is every repository on GitHub. Add a StringEquals or StringLike condition on the provider's :sub key, such as token.actions.githubusercontent.com:sub.")
	}
}

// isAnyone reports whether a principal is "*" or {"AWS": "*"}.
func isAnyone(principal *node) bool {
	if principal == nil {
		return false
	}
	if principal.kind == kindString {
		return principal.text == "*"
	}
	return slices.Contains(stringItems(principal.get("AWS")), "*")
}

// isWebIdentityTrust reports whether a statement lets OpenID Connect
// identities assume the role: it names the action
// sts:AssumeRoleWithWebIdentity, or a federated principal that is not a SAML
// provider. A wildcard such as "sts:*" does not count, because it is as
// common in SAML trusts, which condition on SAML:aud instead of a subject.
func isWebIdentityTrust(st *node) bool {
	for _, a := range stringItems(st.get("Action")) {
		if strings.EqualFold(a, "sts:AssumeRoleWithWebIdentity") {
			return true
		}
	}
	principal := st.get("Principal")
	if principal == nil {
		return false
	}
	for _, f := range stringItems(principal.get("Federated")) {
		if !strings.Contains(f, ":saml-provider/") {
			return true
		}
	}
	return false
}

// hasConditionKeySuffix reports whether any condition key of cond ends in
// suffix, compared case-insensitively as IAM compares condition keys.
func hasConditionKeySuffix(cond *node, suffix string) bool {
	if cond == nil || cond.kind != kindObject {
		return false
	}
	for _, op := range cond.members {
		if op.value.kind != kindObject {
			continue
		}
		for _, m := range op.value.members {
			if strings.HasSuffix(strings.ToLower(m.key), suffix) {
				return true
			}
		}
	}
	return false
}

// matchesAction reports whether the action pattern, which may contain the
// wildcards * and ?, covers action. IAM compares actions case-insensitively.
func matchesAction(pattern, action string) bool {
	// Besides * and ?, path.Match treats "[" and the backslash specially, and
	// its "*" does not match "/". None of the three occurs in a valid action.
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(action))
	return err == nil && ok
}

// stringItems returns the string values of a node that holds one string or a
// list, skipping values of other types.
func stringItems(n *node) []string {
	var out []string
	for _, e := range n.items() {
		if e.kind == kindString {
			out = append(out, e.text)
		}
	}
	return out
}

// pathString is a string value of a document with its path.
type pathString struct {
	path, text string
}

// pathStrings returns the string values, with their paths, of a node at path
// that holds one string or a list.
func pathStrings(path string, n *node) []pathString {
	switch {
	case n == nil:
		return nil
	case n.kind == kindString:
		return []pathString{{path, n.text}}
	case n.kind != kindArray:
		return nil
	}
	var out []pathString
	for i, e := range n.elems {
		if e.kind == kindString {
			out = append(out, pathString{pointerIndex(path, i), e.text})
		}
	}
	return out
}

// deniedEverywhere returns the action patterns of the Deny statements of a
// document that apply to every resource whatever the request: Resource
// "*", no NotResource and no Condition.
func deniedEverywhere(root *node) []string {
	var out []string
	for _, st := range root.get("Statement").items() {
		effect := st.get("Effect")
		if effect == nil || effect.kind != kindString || effect.text != "Deny" ||
			st.get("Condition") != nil || st.get("NotResource") != nil ||
			!slices.Contains(stringItems(st.get("Resource")), "*") {
			continue
		}
		out = append(out, stringItems(st.get("Action"))...)
	}
	return out
}

// deniesEverywhere reports whether the document denies action on every
// resource, so that an Allow of it grants nothing.
func (v *validator) deniesEverywhere(action string) bool {
	return slices.ContainsFunc(v.denied, func(pattern string) bool { return matchesAction(pattern, action) })
}
