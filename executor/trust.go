package executor

import (
	"encoding/json"
	"strings"

	"github.com/iamsync/iamsync/planner"
)

// principal is an IAM user or role named in a trust policy.
type principal struct {
	typ  planner.Type
	name string
}

// trustedPrincipals returns the users and roles that a trust policy names by
// ARN in the AWS element of a Principal, such as
// arn:aws:iam::123456789012:role/path/deploy. Account roots, services,
// federated principals and wildcards name no entity of the account and are
// left out, and so is everything of a document that is not valid JSON:
// IAM rejects such a document anyway.
func trustedPrincipals(document string) []principal {
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(document), &doc); err != nil {
		return nil
	}

	var found []principal
	for _, stmt := range oneOrMany[struct{ Principal json.RawMessage }](doc.Statement) {
		var p struct{ AWS json.RawMessage }
		if json.Unmarshal(stmt.Principal, &p) != nil {
			continue // "*" and other non-object principals
		}
		for _, arn := range oneOrMany[string](p.AWS) {
			if pr, ok := principalOf(arn); ok {
				found = append(found, pr)
			}
		}
	}
	return found
}

// oneOrMany decodes a JSON value that policies write either as one T or as
// a list of them. It returns nil for anything else.
func oneOrMany[T any](raw json.RawMessage) []T {
	if len(raw) == 0 {
		return nil
	}
	var list []T
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var single T
	if json.Unmarshal(raw, &single) == nil {
		return []T{single}
	}
	return nil
}

// principalOf parses a user or role ARN, whose resource part is
// user/<path>/<name> or role/<path>/<name>.
func principalOf(arn string) (principal, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" {
		return principal{}, false
	}
	resource := parts[5]
	name := resource[strings.LastIndex(resource, "/")+1:]
	switch {
	case strings.HasPrefix(resource, "user/") && name != "":
		return principal{typ: planner.TypeUser, name: name}, true
	case strings.HasPrefix(resource, "role/") && name != "":
		return principal{typ: planner.TypeRole, name: name}, true
	}
	return principal{}, false
}
