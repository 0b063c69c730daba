package planner

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
)

// field is one attribute of an object before and after the plan. Before
// holds the live value and After the declared one, whichever exist.
type field struct {
	name          string
	before, after any
	// same reports whether before and after mean the same. For documents
	// and tags this is more than equality of the Go values.
	same bool
	// forces marks an attribute that IAM cannot change in place.
	forces bool
}

// valueField compares two comparable values.
func valueField(name string, before, after any) field {
	return field{name: name, before: before, after: after, same: before == after}
}

// docField compares two policy documents by meaning. A nil document is one
// the account does not have or that could not be read.
func docField(name string, before, after *policydoc.Document) field {
	f := field{name: name, same: policydoc.Equal(before, after)}
	if before != nil {
		f.before = before
	}
	if after != nil {
		f.after = after
	}
	return f
}

// tagsField compares live tags with declared ones. declared is nil when the
// declaration does not manage tags: the live tags are then kept, also when
// the object is created again in a replacement. foldKeys compares keys
// case-insensitively, as IAM does for users and roles.
func tagsField(live []provider.Tag, declared map[string]string, foldKeys bool) field {
	before := tagMap(live)
	if declared == nil {
		return field{name: "tags", before: mapValue(before), after: mapValue(before), same: true}
	}
	return field{name: "tags", before: mapValue(before), after: declared, same: tagsEqual(before, declared, foldKeys)}
}

// mapValue returns m as an attribute value: nil, not a nil map, when m is
// nil, so that a missing value compares equal to nil.
func mapValue(m map[string]string) any {
	if m == nil {
		return nil
	}
	return m
}

// tagMap returns tags as a map, nil when there are none.
func tagMap(tags []provider.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// tagsEqual reports whether two tag sets are the same, comparing keys
// case-insensitively when foldKeys is set.
func tagsEqual(a, b map[string]string, foldKeys bool) bool {
	if len(a) != len(b) {
		return false
	}
	if !foldKeys {
		for k, v := range a {
			if w, ok := b[k]; !ok || w != v {
				return false
			}
		}
		return true
	}
	folded := make(map[string]string, len(b))
	for k, v := range b {
		folded[fold(k)] = v
	}
	for k, v := range a {
		if w, ok := folded[fold(k)]; !ok || w != v {
			return false
		}
	}
	return len(folded) == len(a)
}

// selectAttrs returns the attributes a change with the given action carries:
// the declared values of a create, the live values of a delete, what differs
// in an update, and everything set on either side in a replace.
func selectAttrs(fields []field, action Action) []Attr {
	var attrs []Attr
	for _, f := range fields {
		switch action {
		case Create:
			if !isEmpty(f.after) {
				attrs = append(attrs, Attr{Name: f.name, After: f.after})
			}
		case Delete:
			if !isEmpty(f.before) {
				attrs = append(attrs, Attr{Name: f.name, Before: f.before})
			}
		case Update:
			if !f.same {
				attrs = append(attrs, Attr{Name: f.name, Before: f.before, After: f.after})
			}
		case Replace:
			if !isEmpty(f.before) || !isEmpty(f.after) {
				attrs = append(attrs, Attr{Name: f.name, Before: f.before, After: f.after, ForcesReplacement: f.forces && !f.same})
			}
		default:
			panic(fmt.Sprintf("planner: no attributes for action %q", action))
		}
	}
	return attrs
}

// anyDiffers reports whether any field differs.
func anyDiffers(fields []field) bool {
	for _, f := range fields {
		if !f.same {
			return true
		}
	}
	return false
}

// isEmpty reports whether an attribute value is unset. Numbers and booleans
// are always set.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case map[string]string:
		return len(v) == 0
	case []string:
		return len(v) == 0
	case *policydoc.Document:
		return v == nil
	}
	return false
}

// liveDocAgainst returns the policy document read from the account that is
// compared with declared. Most documents in an account that iamsync manages
// are the very text it sent. For those, the declared document is used in
// place of the live one, so the live text is not parsed again.
func (p *planner) liveDocAgainst(text string, declared *policydoc.Document, where func() string) *policydoc.Document {
	if declared != nil && text == declared.String() {
		return declared
	}
	return p.liveDoc(text, where)
}

// trustPolicyOf returns, for liveDoc, a function that names the trust policy
// of a role in messages.
func trustPolicyOf(role string) func() string {
	return func() string { return "the trust policy of role " + role }
}

// liveDoc parses a policy document read from the account. A document that
// does not parse is reported as a warning and compared as missing, so the
// plan writes the declared one over it. where names the document in that
// warning. It is a function, so that the name is formatted only for a
// document that does not parse.
func (p *planner) liveDoc(text string, where func() string) *policydoc.Document {
	if text == "" {
		return nil
	}
	if d, ok := p.liveDocs[text]; ok {
		return d
	}
	d, err := policydoc.Parse(text)
	p.liveDocs[text] = d
	if err != nil {
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Unreadable policy document in the account",
			Detail: fmt.Sprintf("The account's policy document of %s is not valid JSON (%v). The plan treats it as "+
				"different from the declared document.", where(), err),
		})
		return nil
	}
	return d
}
