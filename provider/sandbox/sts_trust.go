package sandbox

import (
	"encoding/json"
	"fmt"
	"github.com/iamsync/iamsync/internal/wildcard"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// trustCaller is the principal that calls AssumeRole, in the terms that a
// trust policy matches.
type trustCaller struct {
	account string
	// arn is the ARN that GetCallerIdentity returns; for a role session
	// it is the session's ARN.
	arn string
	// principalARN is aws:PrincipalArn: the user's ARN, the role's ARN for
	// a role session, the root ARN or the federated user's ARN.
	principalARN string
	// principalType is aws:PrincipalType: Account, User, AssumedRole or
	// FederatedUser.
	principalType string
	// userName is set for IAM users, userID is aws:userid.
	userName, userID string
	tags             []tag
}

// conditionContext holds the condition keys of a request, keyed by their
// lower-case name. A key that the request does not carry is absent.
type conditionContext map[string][]string

// unsupportedConditionError names a condition that the sandbox cannot
// evaluate.
type unsupportedConditionError struct{ what string }

func (e *unsupportedConditionError) Error() string {
	return "the sandbox cannot evaluate " + e.what
}

// trustDecision is the outcome of evaluating a trust policy for one action.
type trustDecision struct {
	allowed bool
	// reason is why the action is denied, for the sandbox's log.
	reason string
}

// evaluateTrust decides whether the trust policy lets caller perform
// action, such as sts:AssumeRole, under the request's condition keys. An
// explicit Deny wins over any Allow, and without an Allow the action is
// denied. A statement whose condition cannot be evaluated grants nothing
// when it allows and applies when it denies, so that what the sandbox
// does not model always errs towards denying.
func evaluateTrust(document string, caller *trustCaller, action string, ctx conditionContext) trustDecision {
	var root map[string]any
	dec := json.NewDecoder(strings.NewReader(document))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return trustDecision{reason: "the trust policy is not valid JSON"}
	}
	statements, ok := statementList(root["Statement"])
	if !ok {
		return trustDecision{reason: "the trust policy has no statements"}
	}

	decision := trustDecision{reason: "no statement allows " + action + " for " + caller.arn}
	for _, st := range statements {
		if !statementActionMatches(st, action) || !statementPrincipalMatches(st, caller) {
			continue
		}
		holds, err := conditionsHold(st["Condition"], ctx)
		if st["Effect"] == "Deny" {
			if err != nil {
				return trustDecision{reason: fmt.Sprintf("a Deny statement applies because %v", err)}
			}
			if holds {
				return trustDecision{reason: "a Deny statement applies"}
			}
			continue
		}
		switch {
		case err != nil:
			decision.reason = fmt.Sprintf("an Allow statement grants nothing because %v", err)
		case holds:
			decision = trustDecision{allowed: true}
		case !decision.allowed:
			decision.reason = "the conditions of the statements that allow " + action + " do not hold"
		}
	}
	return decision
}

// statementActionMatches reports whether the statement's Action, or its
// NotAction, covers action. Action names are compared without case.
func statementActionMatches(st map[string]any, action string) bool {
	if v, ok := st["Action"]; ok {
		return slices.ContainsFunc(stringValues(v), func(p string) bool { return wildcard.MatchFold(p, action) })
	}
	if v, ok := st["NotAction"]; ok {
		return !slices.ContainsFunc(stringValues(v), func(p string) bool { return wildcard.MatchFold(p, action) })
	}
	return false
}

// statementPrincipalMatches reports whether the statement's Principal, or
// its NotPrincipal, covers the caller.
func statementPrincipalMatches(st map[string]any, caller *trustCaller) bool {
	if v, ok := st["Principal"]; ok {
		return principalCovers(v, caller)
	}
	if v, ok := st["NotPrincipal"]; ok {
		return !principalCovers(v, caller)
	}
	return false
}

// principalCovers reports whether a Principal element names the caller.
// Only AWS principals name IAM callers; Service, Federated and
// CanonicalUser principals never do.
func principalCovers(v any, caller *trustCaller) bool {
	switch v := v.(type) {
	case string:
		return v == "*"
	case map[string]any:
		for _, value := range stringValues(v["AWS"]) {
			if awsPrincipalCovers(value, caller) {
				return true
			}
		}
	}
	return false
}

// awsPrincipalCovers matches one AWS principal. It may be "*", or an
// account id or its root ARN, which stand for every principal of that
// account. It may also be the ARN of a user, a role (every session of it),
// a role session or a federated user. IAM allows no other wildcard in
// principals.
func awsPrincipalCovers(value string, caller *trustCaller) bool {
	switch value {
	case "*", caller.account, "arn:aws:iam::" + caller.account + ":root", caller.principalARN, caller.arn:
		return true
	}
	return false
}

// conditionsHold evaluates a Condition element: every operator and every
// key in it must hold. Every condition is looked at, so that a condition
// the sandbox cannot evaluate is reported whatever the order of the keys.
func conditionsHold(v any, ctx conditionContext) (bool, error) {
	block, _ := v.(map[string]any)
	holds := true
	for _, op := range slices.Sorted(maps.Keys(block)) {
		keys, _ := block[op].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			ok, err := evaluateCondition(op, k, stringValues(keys[k]), ctx)
			if err != nil {
				return false, err
			}
			holds = holds && ok
		}
	}
	return holds, nil
}

// conditionOperator is one supported condition operator: a comparison of
// a request value with a policy value, and whether it is negated.
type conditionOperator struct {
	compare func(requestValue, policyValue string) bool
	negated bool
}

var conditionOperators = map[string]conditionOperator{
	"StringEquals":              {compare: func(a, b string) bool { return a == b }},
	"StringNotEquals":           {compare: func(a, b string) bool { return a == b }, negated: true},
	"StringEqualsIgnoreCase":    {compare: strings.EqualFold},
	"StringNotEqualsIgnoreCase": {compare: strings.EqualFold, negated: true},
	"StringLike":                {compare: func(a, b string) bool { return wildcard.Match(b, a) }},
	"StringNotLike":             {compare: func(a, b string) bool { return wildcard.Match(b, a) }, negated: true},
	"ArnEquals":                 {compare: func(a, b string) bool { return wildcard.Match(b, a) }},
	"ArnLike":                   {compare: func(a, b string) bool { return wildcard.Match(b, a) }},
	"ArnNotEquals":              {compare: func(a, b string) bool { return wildcard.Match(b, a) }, negated: true},
	"ArnNotLike":                {compare: func(a, b string) bool { return wildcard.Match(b, a) }, negated: true},
	"Bool":                      {compare: strings.EqualFold},
	"NumericEquals":             {compare: numericCompare(func(a, b float64) bool { return a == b })},
	"NumericNotEquals":          {compare: numericCompare(func(a, b float64) bool { return a == b }), negated: true},
	"NumericLessThan":           {compare: numericCompare(func(a, b float64) bool { return a < b })},
	"NumericLessThanEquals":     {compare: numericCompare(func(a, b float64) bool { return a <= b })},
	"NumericGreaterThan":        {compare: numericCompare(func(a, b float64) bool { return a > b })},
	"NumericGreaterThanEquals":  {compare: numericCompare(func(a, b float64) bool { return a >= b })},
}

func numericCompare(cmp func(a, b float64) bool) func(a, b string) bool {
	return func(a, b string) bool {
		x, err1 := strconv.ParseFloat(a, 64)
		y, err2 := strconv.ParseFloat(b, 64)
		return err1 == nil && err2 == nil && cmp(x, y)
	}
}

// supportedConditionKeys are the condition keys that the sandbox puts in
// the context of an STS request, in lower case. Keys with a tag key after
// the slash are matched by their prefix.
var (
	supportedConditionKeys = map[string]bool{
		"sts:externalid": true, "sts:rolesessionname": true, "sts:transitivetagkeys": true,
		"sts:sourceidentity": true, "aws:sourceidentity": true,
		"aws:multifactorauthpresent": true, "aws:multifactorauthage": true,
		"aws:principalarn": true, "aws:principalaccount": true, "aws:principaltype": true,
		"aws:userid": true, "aws:username": true, "aws:tagkeys": true,
	}
	supportedConditionKeyPrefixes = []string{"aws:principaltag/", "aws:requesttag/"}
)

func supportedConditionKey(k string) bool {
	k = strings.ToLower(k)
	if supportedConditionKeys[k] {
		return true
	}
	for _, prefix := range supportedConditionKeyPrefixes {
		if strings.HasPrefix(k, prefix) && len(k) > len(prefix) {
			return true
		}
	}
	return false
}

// evaluateCondition evaluates one operator on one key. A key the request
// does not carry makes positive operators false and negated ones true, as
// in IAM; with IfExists it makes the condition true. ForAnyValue needs one
// request value to match, ForAllValues every one (and holds for none).
func evaluateCondition(op, conditionKey string, policyValues []string, ctx conditionContext) (bool, error) {
	// Split the operator into its set prefix, its name and IfExists.
	set, name, hasSet := strings.Cut(op, ":")
	if !hasSet {
		set, name = "", op
	}
	if set != "" && set != "ForAnyValue" && set != "ForAllValues" {
		return false, &unsupportedConditionError{what: "the condition operator " + op}
	}
	if !supportedConditionKey(conditionKey) {
		return false, &unsupportedConditionError{what: "the condition key " + conditionKey}
	}
	for _, v := range policyValues {
		if strings.Contains(v, "${") {
			return false, &unsupportedConditionError{what: "policy variables such as " + v}
		}
	}
	requestValues, present := ctx[strings.ToLower(conditionKey)]

	// Null tests presence only.
	if name == "Null" && set == "" {
		return slices.ContainsFunc(policyValues, func(v string) bool { return strings.EqualFold(v, strconv.FormatBool(!present)) }), nil
	}
	name, ifExists := strings.CutSuffix(name, "IfExists")
	operator, ok := conditionOperators[name]
	if !ok {
		return false, &unsupportedConditionError{what: "the condition operator " + op}
	}
	if !present && ifExists {
		return true, nil
	}

	// A request value matches when it compares equal to a policy value;
	// negated operators hold for values that match none.
	matches := func(requestValue string) bool {
		hit := slices.ContainsFunc(policyValues, func(p string) bool { return operator.compare(requestValue, p) })
		return hit != operator.negated
	}
	switch set {
	case "ForAllValues":
		return !slices.ContainsFunc(requestValues, func(v string) bool { return !matches(v) }), nil
	case "ForAnyValue":
		return slices.ContainsFunc(requestValues, matches), nil
	}
	if operator.negated {
		return !slices.ContainsFunc(requestValues, func(v string) bool { return !matches(v) }), nil
	}
	return slices.ContainsFunc(requestValues, matches), nil
}

// stringValues returns a policy value as strings: a string, a list, or a
// boolean or number, which IAM compares as text.
func stringValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case bool:
		return []string{strconv.FormatBool(v)}
	case json.Number:
		return []string{v.String()}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, stringValues(e)...)
		}
		return out
	}
	return nil
}
