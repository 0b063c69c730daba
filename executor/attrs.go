package executor

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
)

// side picks the Before or the After value of an attribute.
type side int

const (
	before side = iota
	after
)

// values reads one side of a change's attributes with the Go types that
// planner.Change documents. A value of another type, or a required value
// that is missing, is recorded in the builder's errors and read as the zero
// value, so that Compile can report every problem of a plan at once.
type values struct {
	b      *builder
	change *planner.Change
	side   side
}

// get returns the attribute's value on this side, or nil when the change
// does not carry it.
func (v values) get(name string) any {
	a := v.change.Attr(name)
	if a == nil {
		return nil
	}
	if v.side == before {
		return a.Before
	}
	return a.After
}

// has reports whether the attribute has a value on this side.
func (v values) has(name string) bool { return v.get(name) != nil }

// wrongType records a value of an unexpected type.
func (v values) wrongType(name string, value any, want string) {
	v.b.fail(v.change, fmt.Errorf("attribute %q is %T, want %s", name, value, want))
}

// require records an error when the attribute has no value on this side.
func (v values) require(name string) {
	if !v.has(name) {
		v.b.fail(v.change, fmt.Errorf("attribute %q is missing", name))
	}
}

// str returns a string attribute, or "" when it is missing.
func (v values) str(name string) string {
	value := v.get(name)
	s, ok := value.(string)
	if !ok && value != nil {
		v.wrongType(name, value, "string")
	}
	return s
}

// boolean returns a bool attribute, or false when it is missing.
func (v values) boolean(name string) bool {
	value := v.get(name)
	b, ok := value.(bool)
	if !ok && value != nil {
		v.wrongType(name, value, "bool")
	}
	return b
}

// int32Value returns an integer attribute, or 0 when it is missing. The plan
// carries integers as int64; narrower integer types are accepted too.
func (v values) int32Value(name string) int32 {
	var n int64
	switch value := v.get(name).(type) {
	case nil:
		return 0
	case int64:
		n = value
	case int32:
		n = int64(value)
	case int:
		n = int64(value)
	default:
		v.wrongType(name, value, "int64")
		return 0
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		v.b.fail(v.change, fmt.Errorf("attribute %q is %d, out of range", name, n))
		return 0
	}
	return int32(n)
}

// document returns a policy document attribute as the text to send to IAM,
// or "" when it is missing.
func (v values) document(name string) string {
	value := v.get(name)
	doc, ok := value.(*policydoc.Document)
	if !ok {
		if value != nil {
			v.wrongType(name, value, "*policydoc.Document")
		}
		return ""
	}
	if doc == nil {
		return ""
	}
	return doc.String()
}

// tags returns a tags attribute, or nil when it is missing.
func (v values) tags(name string) map[string]string {
	value := v.get(name)
	tags, ok := value.(map[string]string)
	if !ok && value != nil {
		v.wrongType(name, value, "map[string]string")
	}
	return tags
}

// stringList returns a list attribute, or nil when it is missing.
func (v values) stringList(name string) []string {
	value := v.get(name)
	list, ok := value.([]string)
	if !ok && value != nil {
		v.wrongType(name, value, "[]string")
	}
	return list
}

// tagList returns tags as IAM takes them, sorted by key so that calls are
// deterministic.
func tagList(tags map[string]string) []provider.Tag {
	if len(tags) == 0 {
		return nil
	}
	list := make([]provider.Tag, 0, len(tags))
	for k, v := range tags {
		list = append(list, provider.Tag{Key: k, Value: v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Key < list[j].Key })
	return list
}

// diffTags returns the tags to set and the keys to remove to turn before
// into after. IAM compares tag keys case-insensitively on users and roles
// (foldKeys), so there a key whose case changes is set again, not removed.
func diffTags(before, after map[string]string, foldKeys bool) (set []provider.Tag, remove []string) {
	for k, v := range after {
		if old, ok := before[k]; !ok || old != v {
			set = append(set, provider.Tag{Key: k, Value: v})
		}
	}
	for k := range before {
		if _, ok := after[k]; ok {
			continue
		}
		if foldKeys && hasKeyFold(after, k) {
			continue
		}
		remove = append(remove, k)
	}
	sort.Slice(set, func(i, j int) bool { return set[i].Key < set[j].Key })
	sort.Strings(remove)
	return set, remove
}

// hasKeyFold reports whether tags has key, compared case-insensitively.
func hasKeyFold(tags map[string]string, key string) bool {
	for k := range tags {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}
