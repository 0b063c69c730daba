package sandbox

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// documentKind distinguishes permission policies from trust policies,
// which IAM validates differently.
type documentKind int

const (
	// permissionsDocument is an inline or managed policy: no Principal,
	// every statement names resources.
	permissionsDocument documentKind = iota
	// trustDocument is a role's trust policy: every statement names a
	// principal and none names resources.
	trustDocument
)

// Messages of MalformedPolicyDocument, in IAM's wording.
const (
	msgSyntaxErrors     = "Syntax errors in policy."
	msgLegacyParsing    = "The policy failed legacy parsing"
	msgNeedsActions     = "Policy statement must contain actions."
	msgNeedsResources   = "Policy statement must contain resources."
	msgNoPrincipal      = "Policy document should not specify a principal."
	msgNeedsPrincipal   = "Missing required field Principal"
	msgNoResource       = "Has prohibited field Resource"
	msgDuplicateSid     = "Statement IDs (SID) in a single policy must be unique."
	msgActionNeedsVendr = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
)

var (
	topLevelElements  = map[string]bool{"Version": true, "Id": true, "Statement": true}
	statementElements = map[string]bool{
		"Sid": true, "Effect": true, "Action": true, "NotAction": true, "Resource": true, "NotResource": true,
		"Principal": true, "NotPrincipal": true, "Condition": true,
	}
	policyVersions = map[string]bool{"2012-10-17": true, "2008-10-17": true}
)

// validateDocument checks a policy document the way IAM does before it
// stores one: allowed characters, JSON syntax, known elements, Version,
// Effect, and the elements that each kind of policy requires or forbids.
// It does not check sizes, which depend on where the document goes.
func validateDocument(doc string, kind documentKind) *apiError {
	// IAM accepts TAB, LF, CR and U+0020 to U+00FF only.
	for _, r := range doc {
		if r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r > 0xFF) {
			return errMalformedPolicyDocument(msgSyntaxErrors)
		}
	}

	// Parse the document, which must be one JSON object.
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil || root == nil || dec.More() {
		return errMalformedPolicyDocument(msgSyntaxErrors)
	}
	for k := range root {
		if !topLevelElements[k] {
			return errMalformedPolicyDocument(msgSyntaxErrors)
		}
	}
	if v, ok := root["Version"]; ok {
		s, isString := v.(string)
		if !isString || !policyVersions[s] {
			return errMalformedPolicyDocument(msgSyntaxErrors)
		}
	}

	// Check the statements.
	statements, ok := statementList(root["Statement"])
	if !ok {
		return errMalformedPolicyDocument(msgSyntaxErrors)
	}
	sids := map[string]bool{}
	for _, st := range statements {
		if err := validateStatement(st, kind); err != nil {
			return err
		}
		if sid, _ := st["Sid"].(string); sid != "" {
			if sids[sid] {
				return errMalformedPolicyDocument(msgDuplicateSid)
			}
			sids[sid] = true
		}
	}
	return nil
}

// statementList returns the statements of a Statement element, which is
// one statement object or a non-empty array of them.
func statementList(v any) ([]map[string]any, bool) {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}, true
	case []any:
		if len(v) == 0 {
			return nil, false
		}
		out := make([]map[string]any, len(v))
		for i, e := range v {
			st, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out[i] = st
		}
		return out, true
	}
	return nil, false
}

// validateStatement checks one statement.
func validateStatement(st map[string]any, kind documentKind) *apiError {
	// Syntax: known elements of the right JSON types.
	for k := range st {
		if !statementElements[k] {
			return errMalformedPolicyDocument(msgSyntaxErrors)
		}
	}
	if has(st, "Action") && has(st, "NotAction") || has(st, "Resource") && has(st, "NotResource") ||
		has(st, "Principal") && has(st, "NotPrincipal") {
		return errMalformedPolicyDocument(msgSyntaxErrors)
	}
	for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
		if v, ok := st[k]; ok && !isStringOrStrings(v) {
			return errMalformedPolicyDocument(msgSyntaxErrors)
		}
	}
	if v, ok := st["Sid"]; ok {
		if _, isString := v.(string); !isString {
			return errMalformedPolicyDocument(msgSyntaxErrors)
		}
	}
	if v, ok := st["Condition"]; ok && !isConditionBlock(v) {
		return errMalformedPolicyDocument(msgSyntaxErrors)
	}

	// Effect is Allow or Deny, spelt exactly so.
	effect, ok := st["Effect"].(string)
	if !ok || !strings.EqualFold(effect, "Allow") && !strings.EqualFold(effect, "Deny") {
		return errMalformedPolicyDocument(msgSyntaxErrors)
	}
	if effect != "Allow" && effect != "Deny" {
		return errMalformedPolicyDocument(msgLegacyParsing)
	}

	// Actions, with a vendor prefix each.
	actions, ok := nonEmptyStrings(st, "Action", "NotAction")
	if !ok {
		return errMalformedPolicyDocument(msgNeedsActions)
	}
	for _, a := range actions {
		if a != "*" && !strings.Contains(a, ":") {
			return errMalformedPolicyDocument(msgActionNeedsVendr)
		}
	}

	// Principals and resources, which the two kinds treat the other way round.
	switch kind {
	case permissionsDocument:
		if has(st, "Principal") || has(st, "NotPrincipal") {
			return errMalformedPolicyDocument(msgNoPrincipal)
		}
		resources, ok := nonEmptyStrings(st, "Resource", "NotResource")
		if !ok {
			return errMalformedPolicyDocument(msgNeedsResources)
		}
		for _, r := range resources {
			if r != "*" && !strings.HasPrefix(r, "arn:") {
				return errMalformedPolicyDocument(`Resource %s must be in ARN format or "*".`, r)
			}
		}
	case trustDocument:
		if !has(st, "Principal") && !has(st, "NotPrincipal") {
			return errMalformedPolicyDocument(msgNeedsPrincipal)
		}
		if has(st, "Resource") || has(st, "NotResource") {
			return errMalformedPolicyDocument(msgNoResource)
		}
	}
	return nil
}

func has(st map[string]any, k string) bool {
	_, ok := st[k]
	return ok
}

func isStringOrStrings(v any) bool {
	switch v := v.(type) {
	case string:
		return true
	case []any:
		for _, e := range v {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// isConditionBlock reports whether v has the shape of a Condition element:
// operators mapping condition keys to a value or a list of values.
func isConditionBlock(v any) bool {
	ops, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, keys := range ops {
		if _, ok := keys.(map[string]any); !ok {
			return false
		}
	}
	return true
}

// nonEmptyStrings returns the values of whichever of the two elements the
// statement has, and false when it has neither or an empty list.
func nonEmptyStrings(st map[string]any, element, notElement string) ([]string, bool) {
	v, ok := st[element]
	if !ok {
		v, ok = st[notElement]
	}
	if !ok {
		return nil, false
	}
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			out[i], _ = e.(string)
		}
		return out, len(out) > 0
	}
	return nil, false
}

// documentSize is a document's size as IAM counts it against quotas:
// characters, white space not included.
func documentSize(doc string) int {
	n := utf8.RuneCountInString(doc)
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case ' ', '\t', '\n', '\r':
			n--
		}
	}
	return n
}

// compactJSON returns the JSON text without insignificant white space, or
// the text unchanged when it is not valid JSON.
func compactJSON(text []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, text); err != nil {
		return string(text)
	}
	return b.String()
}
