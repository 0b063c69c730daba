package sandbox

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// call is the context of one action: the server, its account and the
// request's parameters. Parameter readers collect validation problems,
// which check turns into one ValidationError, as IAM reports them all at
// once.
type call struct {
	s        *Server
	acct     *account
	req      *request
	params   url.Values
	problems []string
	// invalid is the first failure found while reading parameters that
	// IAM reports with another code than ValidationError.
	invalid *apiError
}

// now is the time of the request.
func (c *call) now() time.Time { return c.req.now }

// stringRule is a constraint of IAM's API model on a string parameter.
type stringRule struct {
	min, max int
	// pattern must match the whole value; nil accepts any characters.
	pattern *regexp.Regexp
	// patternText is the pattern as IAM prints it in messages.
	patternText string
}

// newRule returns a rule whose value must match goPattern entirely. IAM
// prints the pattern as text, in Java syntax, which Go's regexp does not
// always accept.
func newRule(min, max int, goPattern, text string) stringRule {
	return stringRule{min: min, max: max, pattern: regexp.MustCompile(`^(?:` + goPattern + `)$`), patternText: text}
}

func lengthRule(min, max int) stringRule { return stringRule{min: min, max: max} }

// memberName is the name IAM gives a parameter in messages: the parameter
// with a lower-case first letter, such as userName for UserName.
func memberName(param string) string {
	r, size := utf8.DecodeRuneInString(param)
	return string(unicode.ToLower(r)) + param[size:]
}

// addProblem records a failed constraint on a value.
func (c *call) addProblem(value, member, constraint string) {
	c.problems = append(c.problems, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

// checkString records every constraint of rule that value breaks.
func (c *call) checkString(value, member string, rule stringRule) {
	n := utf8.RuneCountInString(value)
	if n < rule.min {
		c.addProblem(value, member, fmt.Sprintf("Member must have length greater than or equal to %d", rule.min))
	}
	if rule.max > 0 && n > rule.max {
		c.addProblem(value, member, fmt.Sprintf("Member must have length less than or equal to %d", rule.max))
	}
	if rule.pattern != nil && n >= rule.min && !rule.pattern.MatchString(value) {
		c.addProblem(value, member, "Member must satisfy regular expression pattern: "+rule.patternText)
	}
}

// has reports whether the request carries the parameter.
func (c *call) has(param string) bool {
	_, ok := c.params[param]
	return ok
}

// optional returns the parameter, checked against rule when present.
func (c *call) optional(param string, rule stringRule) string {
	if !c.has(param) {
		return ""
	}
	v := c.params.Get(param)
	c.checkString(v, memberName(param), rule)
	return v
}

// required returns the parameter checked against rule, and records a
// problem when it is missing.
func (c *call) required(param string, rule stringRule) string {
	if !c.has(param) {
		c.problems = append(c.problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", memberName(param)))
		return ""
	}
	return c.optional(param, rule)
}

// int32Param returns the integer parameter and whether it was given. A
// value outside min..max is recorded as a problem.
func (c *call) int32Param(param string, min, max int32) (int32, bool) {
	if !c.has(param) {
		return 0, false
	}
	raw := c.params.Get(param)
	n, err := strconv.ParseInt(raw, 10, 32)
	member := memberName(param)
	switch {
	case err != nil:
		c.addProblem(raw, member, "Member must be a number")
	case int32(n) < min:
		c.addProblem(raw, member, fmt.Sprintf("Member must have value greater than or equal to %d", min))
	case int32(n) > max:
		c.addProblem(raw, member, fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
	return int32(n), true
}

// boolParam returns the boolean parameter and whether it was given.
func (c *call) boolParam(param string) (bool, bool) {
	if !c.has(param) {
		return false, false
	}
	raw := c.params.Get(param)
	b, err := strconv.ParseBool(raw)
	if err != nil {
		c.addProblem(raw, memberName(param), "Member must be a boolean")
	}
	return b, true
}

// enum returns the parameter, which must be one of allowed when present.
func (c *call) enum(param string, allowed ...string) string {
	if !c.has(param) {
		return ""
	}
	v := c.params.Get(param)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	c.addProblem(v, memberName(param), "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
	return v
}

// list returns the values of a Query-form list, Param.member.1,
// Param.member.2 and so on, in index order.
func (c *call) list(param string) []string {
	prefix := param + ".member."
	type item struct {
		index int
		value string
	}
	var items []item
	for k, vs := range c.params {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		i, err := strconv.Atoi(rest)
		if err != nil || len(vs) == 0 {
			continue
		}
		items = append(items, item{i, vs[0]})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].index < items[b].index })
	values := make([]string, len(items))
	for i, it := range items {
		values[i] = it.value
	}
	return values
}

// structList returns a Query-form list of structures, such as
// Tags.member.1.Key, as one map of field values per member, in index order.
func (c *call) structList(param string) []map[string]string {
	prefix := param + ".member."
	byIndex := map[int]map[string]string{}
	for k, vs := range c.params {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || len(vs) == 0 {
			continue
		}
		index, field, ok := strings.Cut(rest, ".")
		i, err := strconv.Atoi(index)
		if !ok || err != nil {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = map[string]string{}
		}
		byIndex[i][field] = vs[0]
	}
	indexes := make([]int, 0, len(byIndex))
	for i := range byIndex {
		indexes = append(indexes, i)
	}
	sort.Ints(indexes)
	members := make([]map[string]string, len(indexes))
	for n, i := range indexes {
		members[n] = byIndex[i]
	}
	return members
}

// fail records a failure found while reading parameters; check reports
// the first one after any ValidationError.
func (c *call) fail(err *apiError) {
	if c.invalid == nil {
		c.invalid = err
	}
}

// check returns the ValidationError for the problems recorded so far, else
// the first failure recorded with fail, else nil.
func (c *call) check() error {
	if len(c.problems) > 0 {
		return validationError(c.problems)
	}
	if c.invalid != nil {
		return c.invalid
	}
	return nil
}
