package policydoc

import (
	"regexp"
	"slices"
	"strings"
)

// principalTypes are the keys of a principal object IAM accepts.
var principalTypes = []string{"AWS", "Service", "Federated", "CanonicalUser"}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

	// uniqueIDPattern matches the unique ID of a user (AIDA) or role (AROA).
	// IAM shows one in place of a principal's ARN when the user or role was
	// deleted. Recreating one with the same name does not restore the grant.
	uniqueIDPattern = regexp.MustCompile(`^A(ID|RO)A[A-Z0-9]{12,}$`)
)

func (v *validator) statementPrincipals(path string, st *node) {
	principal, notPrincipal := st.get("Principal"), st.get("NotPrincipal")
	switch {
	case v.kind == Identity:
		for _, name := range []string{"Principal", "NotPrincipal"} {
			if st.get(name) != nil {
				v.errorf(pointerKey(path, name), name+" in an identity policy",
					"A policy attached to a user, group or role applies to that identity, and IAM rejects %s in it. Remove the element, or move the statement into a trust or resource policy.", name)
			}
		}
		return
	case principal == nil && notPrincipal == nil:
		v.errorf(path, "Missing Principal", "Each statement of %s %s policy needs a Principal element naming who it applies to.", v.kind.article(), v.kind)
	case v.kind == Trust && notPrincipal != nil:
		v.errorf(pointerKey(path, "NotPrincipal"), "NotPrincipal in a trust policy",
			"IAM rejects NotPrincipal in a role's trust policy. Name the principals that may assume the role in Principal, or name the account in Principal and narrow it with a condition on aws:PrincipalArn.")
	}
	for _, name := range []string{"Principal", "NotPrincipal"} {
		if n := st.get(name); n != nil {
			v.principal(pointerKey(path, name), name, n)
		}
	}
}

func (v *validator) principal(path, name string, n *node) {
	const forms = `A principal is "*" or an object whose keys are AWS, Service, Federated or CanonicalUser, each with a string or a list of strings, such as {"AWS": "arn:aws:iam::123456789012:root"}.`
	switch {
	case n.kind == kindString && n.text == "*":
		return
	case n.kind != kindObject:
		v.errorf(path, "Invalid "+name, forms)
		return
	case len(n.members) == 0:
		v.errorf(path, "Empty "+name, forms)
		return
	}
	for _, m := range n.members {
		memberPath := pointerKey(path, m.key)
		if !slices.Contains(principalTypes, m.key) {
			v.errorf(memberPath, "Unknown principal type",
				"IAM accepts only the principal types AWS, Service, Federated and CanonicalUser, and they are case-sensitive.%s",
				didYouMean(m.key, principalTypes))
			continue
		}
		check := func(string, string) {}
		if m.key == "AWS" {
			check = v.awsPrincipal
		}
		v.stringList(memberPath, name+" "+m.key, m.value, check)
	}
}

// awsPrincipal checks one value of an AWS principal.
func (v *validator) awsPrincipal(path, principal string) {
	switch {
	case strings.HasPrefix(principal, "arn:"):
		v.awsPrincipalARN(path, principal)
	case principal == "*", accountIDPattern.MatchString(principal):
		return
	case uniqueIDPattern.MatchString(principal):
		v.warnf(path, "Principal was deleted",
			"%s is the unique ID of a user or role. IAM shows a principal this way after the user or role it named was deleted, and recreating one with the same name does not restore the grant. Replace it with the ARN of the intended principal, or remove it.",
			quoteString(principal))
	default:
		v.errorf(path, "Invalid AWS principal",
			`%s is not an AWS principal. Use a 12-digit account ID, the ARN of an account, user or role, or "*".`, quoteString(principal))
	}
}

// awsPrincipalARN checks an ARN given as an AWS principal. IAM takes the
// ARN of an account root, a user or a role, or one of STS, such as an
// assumed-role session, and rejects a wildcard inside the ARN and a user
// group, which is not a principal. IAM and STS ARNs have no region and a
// 12-digit account ID.
func (v *validator) awsPrincipalARN(path, arn string) {
	if strings.ContainsAny(arn, "*?") {
		v.errorf(path, "Wildcard in principal ARN",
			`%s has a wildcard, which IAM does not accept inside a principal's ARN. Name each principal fully, or name its account and narrow the statement with a condition on aws:PrincipalArn, such as {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/deploy-*"}}.`,
			quoteString(arn))
		return
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || (parts[2] != "iam" && parts[2] != "sts") {
		v.errorf(path, "Invalid AWS principal",
			"%s is not the ARN of an account root, a user, a role or an STS session, the AWS principals that IAM accepts. "+
				"A resource such as a bucket is not a principal: name the account or role that acts on it.",
			quoteString(arn))
		return
	}
	resource := parts[5]
	kind, rest, _ := strings.Cut(resource, "/")
	switch {
	case parts[4] == "cloudfront" && strings.HasPrefix(resource, "user/CloudFront Origin Access Identity "):
		// The one IAM principal of a bucket policy whose account is a name.
	case parts[3] != "" || !accountIDPattern.MatchString(parts[4]):
		v.errorf(path, "Invalid AWS principal",
			"%s is not a valid %s ARN: it has no region, and its account is a 12-digit account ID, such as arn:aws:%s::123456789012:%s.",
			quoteString(arn), strings.ToUpper(parts[2]), parts[2], resource)
	case parts[2] == "sts":
		role, session, _ := strings.Cut(rest, "/")
		if (kind != "assumed-role" || role == "" || session == "") && (kind != "federated-user" || rest == "") {
			v.errorf(path, "Invalid AWS principal",
				"%s is not the ARN of a role session (assumed-role/ROLE/SESSION) or a federated user session (federated-user/NAME), the STS principals IAM accepts.",
				quoteString(arn))
		}
	case resource == "root":
	case kind == "group":
		v.errorf(path, "Group as principal",
			"%s names a user group, and IAM does not accept a group as a principal, because groups carry permissions, not identities. Name the group's users, or their account.",
			quoteString(arn))
	case (kind == "user" || kind == "role") && rest != "" && !strings.HasSuffix(rest, "/"):
	default:
		v.errorf(path, "Invalid AWS principal",
			"%s is not the ARN of an account root, a user or a role, which are the IAM principals that IAM accepts, such as arn:aws:iam::123456789012:role/deploy.",
			quoteString(arn))
	}
}

func (v *validator) condition(path string, cond *node) {
	if cond.kind != kindObject {
		v.errorf(path, "Invalid Condition", `Condition must be an object of operators, such as {"StringEquals": {"aws:username": "alice"}}.`)
		return
	}
	for _, op := range cond.members {
		opPath := pointerKey(path, op.key)
		if !isConditionOperator(op.key) {
			hint := ""
			if s := suggestOperator(op.key); s != "" {
				hint = ` Did you mean "` + s + `"?`
			}
			v.errorf(opPath, "Unknown condition operator",
				"%s is not an IAM condition operator. Operators are case-sensitive, may start with ForAllValues: or ForAnyValue: and, except Null, may end in IfExists.%s",
				quoteString(op.key), hint)
		}
		if op.value.kind != kindObject {
			v.errorf(opPath, "Invalid condition block", `The value of a condition operator must be an object of condition keys and values, such as {"aws:username": "alice"}.`)
			continue
		}
		for _, m := range op.value.members {
			v.conditionValues(pointerKey(opPath, m.key), m.value)
		}
	}
}

// conditionValues checks the value of one condition key: a string, number
// or bool, or a list of them.
func (v *validator) conditionValues(path string, n *node) {
	if _, ok := n.scalarText(); ok {
		return
	}
	if n.kind != kindArray {
		v.errorf(path, "Invalid condition value", "A condition value must be a string, number or boolean, or a list of them.")
		return
	}
	for i, e := range n.elems {
		if _, ok := e.scalarText(); !ok {
			v.errorf(pointerIndex(path, i), "Invalid condition value", "A condition value must be a string, number or boolean.")
		}
	}
}
