// Package wildcard matches text against IAM's wildcard patterns, as
// policies write actions, resources and the values of the Like condition
// operators.
package wildcard

import "strings"

// Match reports whether s matches pattern, in which * stands for any run
// of characters, "/" included, and ? for one character. It goes back only
// to the last *, so it takes time linear in the lengths for any input.
func Match(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// MatchFold is Match without regard to case, as IAM compares action names.
func MatchFold(pattern, s string) bool {
	return Match(strings.ToLower(pattern), strings.ToLower(s))
}
