package policydoc

import (
	"slices"
	"strings"

	"github.com/agext/levenshtein"
)

// conditionOperators are the condition operators of the IAM policy grammar
// ("IAM JSON policy elements: Condition operators" in the IAM User Guide).
// IAM matches them case-sensitively: "stringEquals" is rejected with
// "Invalid Condition type".
var conditionOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
	"DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals",
	"IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
	"Null",
}

// Set operator prefixes and the IfExists suffix that may surround an operator.
var setOperatorPrefixes = []string{"ForAllValues:", "ForAnyValue:"}

const ifExistsSuffix = "IfExists"

// operatorParts is a condition operator split into its optional set
// prefix, its base operator and its optional IfExists suffix.
type operatorParts struct {
	prefix   string
	base     string
	ifExists bool
}

// splitOperator splits op, matching the prefix and suffix with fold, which
// is either exact or case-insensitive comparison.
func splitOperator(op string, fold func(s, prefix string) bool) operatorParts {
	var parts operatorParts
	for _, prefix := range setOperatorPrefixes {
		if len(op) >= len(prefix) && fold(op[:len(prefix)], prefix) {
			parts.prefix, op = prefix, op[len(prefix):]
			break
		}
	}
	if n := len(op) - len(ifExistsSuffix); n > 0 && fold(op[n:], ifExistsSuffix) {
		parts.ifExists, op = true, op[:n]
	}
	parts.base = op
	return parts
}

func (p operatorParts) String() string {
	s := p.prefix + p.base
	if p.ifExists {
		s += ifExistsSuffix
	}
	return s
}

// isConditionOperator reports whether IAM accepts op as a condition operator.
// Null takes no IfExists suffix, because it already tests for absence.
func isConditionOperator(op string) bool {
	parts := splitOperator(op, func(a, b string) bool { return a == b })
	if parts.ifExists && parts.base == "Null" {
		return false
	}
	return slices.Contains(conditionOperators, parts.base)
}

// suggestOperator returns the valid operator closest to op, or "" when none
// is close. A miscased operator gets its correctly cased form.
func suggestOperator(op string) string {
	parts := splitOperator(op, strings.EqualFold)
	base := suggestName(parts.base, conditionOperators)
	if base == "" || (parts.ifExists && base == "Null") {
		return ""
	}
	parts.base = base
	return parts.String()
}

// suggestName returns the candidate that given most likely misspells: one
// that differs only in case, or else the nearest one within an edit distance
// of two. It returns "" when no candidate is that close.
func suggestName(given string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(given, c) {
			return c
		}
	}
	best, bestDistance := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best
}

// didYouMean returns a sentence suggesting the candidate closest to given,
// or "" when none is close.
func didYouMean(given string, candidates []string) string {
	if s := suggestName(given, candidates); s != "" {
		return ` Did you mean "` + s + `"?`
	}
	return ""
}
