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
	for _, r := range a.roles {
		if !strings.Contains(r.trustPolicy, arn) {
			continue
		}
		if doc, ok := replacePrincipal(r.trustPolicy, arn, id); ok {
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
