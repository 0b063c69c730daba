package sandbox

import (
	"bytes"
	"encoding/json"
	"strings"
)

// danglePrincipal puts a deleted user's or role's unique id in place of its
// ARN wherever a trust policy of the account names it as an AWS principal.
// IAM does the same, so the grant points at the deleted entity only and a
// new entity with the same name does not inherit it. Only Principal and
// NotPrincipal change, and an ARN in a condition value stays as written.
//
// A trust policy that changes is stored again as compact JSON with its
// keys sorted, so it no longer reads exactly as it was sent.
func (a *account) danglePrincipal(arn, id string) {
	a.replacePrincipalEverywhere(arn, id)
}

// replacePrincipalEverywhere puts with in place of the AWS principal arn in
// every trust policy of the account, as danglePrincipal describes.
func (a *account) replacePrincipalEverywhere(arn, with string) {
	for _, r := range a.roles {
		if !strings.Contains(r.trustPolicy, arn) {
			continue
		}
		if doc, ok := replacePrincipal(r.trustPolicy, arn, with); ok {
			r.trustPolicy = doc
		}
	}
}

// replacePrincipal returns doc with the AWS principal arn replaced by id,
// and whether anything was replaced.
func replacePrincipal(doc, arn, id string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return doc, false
	}

	replaced := false
	for _, st := range statementsOf(root["Statement"]) {
		for _, element := range []string{"Principal", "NotPrincipal"} {
			principal, ok := st[element].(map[string]any)
			if !ok {
				continue
			}
			switch aws := principal["AWS"].(type) {
			case string:
				if aws == arn {
					principal["AWS"], replaced = id, true
				}
			case []any:
				for i, v := range aws {
					if v == arn {
						aws[i], replaced = id, true
					}
				}
			}
		}
	}
	if !replaced {
		return doc, false
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return doc, false
	}
	return strings.TrimSuffix(buf.String(), "\n"), true
}

// statementsOf returns the statements of a decoded Statement element, which
// is one object or a list of them.
func statementsOf(v any) []map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, item := range v {
			if st, ok := item.(map[string]any); ok {
				out = append(out, st)
			}
		}
		return out
	}
	return nil
}

// errInvalidPrincipal is IAM's error for a trust policy that names a
// principal it cannot find.
func errInvalidPrincipal(arn string) *apiError {
	return errMalformedPolicyDocument("Invalid principal in policy: \"AWS\":\"%s\"", arn)
}

// principalRef is a user or role of the sandbox's account that an AWS
// principal of a trust policy names by ARN.
type principalRef struct {
	kind entityKind // kindUser or kindRole
	path string
	name string
}

// parsePrincipalARN parses arn:aws:iam::<account>:user/<path><name>, or
// role/..., when the account is accountID. Other principals, such as
// account roots, other accounts' ARNs, STS session ARNs and unique ids,
// are not references to the account's users and roles.
func parsePrincipalARN(arn, accountID string) (principalRef, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || parts[4] != accountID {
		return principalRef{}, false
	}
	resource := parts[5]
	var ref principalRef
	switch {
	case strings.HasPrefix(resource, "user/"):
		ref.kind, resource = kindUser, strings.TrimPrefix(resource, "user")
	case strings.HasPrefix(resource, "role/"):
		ref.kind, resource = kindRole, strings.TrimPrefix(resource, "role")
	default:
		return principalRef{}, false
	}
	cut := strings.LastIndex(resource, "/") + 1
	ref.path, ref.name = resource[:cut], resource[cut:]
	return ref, true
}

// checkPrincipals returns IAM's error for the first AWS principal of a
// trust policy that names a user or role of the account that does not
// exist, or nil. The ARN's path must be the entity's path, while the name
// matches without regard to case, as IAM's names do.
//
// ARNs that can name no principal are rejected the same way, whatever their
// account: a wildcard inside an ARN, an IAM ARN other than an account root,
// a user or a role (a group, for one), and a user or role ARN without a
// name. So is NotPrincipal, which a trust policy may not have.
//
// NOTE: the message for NotPrincipal is the sandbox's. AWS documents that a
// role trust policy cannot use NotPrincipal, but not the error it returns.
func (a *account) checkPrincipals(document string) *apiError {
	if hasNotPrincipal(document) {
		return errMalformedPolicyDocument("Has prohibited field NotPrincipal")
	}
	for _, arn := range awsPrincipals(document) {
		if !strings.HasPrefix(arn, "arn:") {
			continue
		}
		if !principalARNShape(arn) {
			return errInvalidPrincipal(arn)
		}
		ref, ok := parsePrincipalARN(arn, a.id)
		if !ok {
			continue
		}
		if !a.hasPrincipal(ref) {
			return errInvalidPrincipal(arn)
		}
	}
	return nil
}

// principalARNShape reports whether arn has the shape of a principal's ARN:
// no wildcard, the sandbox's partition for IAM and STS, and for IAM an
// account root or a named user or role.
func principalARNShape(arn string) bool {
	if strings.ContainsAny(arn, "*?") {
		return false
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || (parts[2] != "iam" && parts[2] != "sts") {
		return true
	}
	if parts[1] != "aws" {
		return false
	}
	if parts[2] == "sts" {
		return true
	}
	kind, rest, _ := strings.Cut(parts[5], "/")
	switch {
	case parts[5] == "root":
		return true
	case kind == "user" || kind == "role":
		return rest != "" && !strings.HasSuffix(rest, "/")
	}
	return false
}

// hasPrincipal reports whether the user or role that ref names exists.
func (a *account) hasPrincipal(ref principalRef) bool {
	switch ref.kind {
	case kindUser:
		u := a.users[key(ref.name)]
		return u != nil && u.path == ref.path
	case kindRole:
		r := a.roles[key(ref.name)]
		return r != nil && r.path == ref.path
	}
	return false
}

// hasNotPrincipal reports whether a statement of the document has a
// NotPrincipal element.
func hasNotPrincipal(document string) bool {
	if !strings.Contains(document, "NotPrincipal") {
		return false
	}
	for _, st := range trustStatements(document) {
		if len(st.NotPrincipal) > 0 {
			return true
		}
	}
	return false
}

// trustStatement is the part of a trust policy's statement that the
// principal checks read.
type trustStatement struct{ Principal, NotPrincipal json.RawMessage }

// trustStatements decodes the statements of a trust policy, one object or
// a list of them. A document that does not parse gives none, because the
// action itself rejects it.
func trustStatements(document string) []trustStatement {
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(document), &doc) != nil {
		return nil
	}
	var statements []trustStatement
	if json.Unmarshal(doc.Statement, &statements) != nil {
		var single trustStatement
		if json.Unmarshal(doc.Statement, &single) != nil {
			return nil
		}
		statements = append(statements, single)
	}
	return statements
}

// awsPrincipals returns the strings in the AWS element of the Principal
// and NotPrincipal of every statement of a trust policy. A document that
// does not parse gives none, because the action itself rejects it.
func awsPrincipals(document string) []string {
	var arns []string
	for _, st := range trustStatements(document) {
		for _, principal := range []json.RawMessage{st.Principal, st.NotPrincipal} {
			arns = append(arns, awsValues(principal)...)
		}
	}
	return arns
}

// awsValues returns the value of the AWS element of a Principal, a string
// or a list of strings.
func awsValues(principal json.RawMessage) []string {
	var p struct{ AWS json.RawMessage }
	if len(principal) == 0 || json.Unmarshal(principal, &p) != nil || len(p.AWS) == 0 {
		return nil
	}
	var list []string
	if json.Unmarshal(p.AWS, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(p.AWS, &one) == nil {
		return []string{one}
	}
	return nil
}
