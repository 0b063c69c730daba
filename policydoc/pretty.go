package policydoc

import (
	"slices"
	"strings"
)

// documentKeyOrder and statementKeyOrder are the orders in which IAM's
// documentation and console write the elements of a policy. Pretty writes
// the elements IAM defines in this order and any other keys after them,
// sorted.
var (
	documentKeyOrder  = []string{"Version", "Id", "Statement"}
	statementKeyOrder = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// Pretty returns the document as indented JSON for people to read. Elements
// are in IAM's conventional order (Version, Id, Statement, and in a statement
// Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
// NotResource, Condition), other object keys are sorted, and values are as
// written: Pretty does not canonicalise, so a diff of two Pretty forms shows
// the user's own text. The result has no trailing newline. A nil Document
// returns "".
func (d *Document) Pretty() string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	writePretty(&b, d.root, scopeDocument, 0)
	return b.String()
}

// scope selects the key order of an object being written.
type scope int

const (
	scopeOther     scope = iota // sorted keys
	scopeDocument               // documentKeyOrder
	scopeStatement              // statementKeyOrder, for the Statement value and its elements
)

// writePretty writes n indented at the given depth.
func writePretty(b *strings.Builder, n *node, sc scope, depth int) {
	switch n.kind {
	case kindArray:
		if len(n.elems) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, e := range n.elems {
			if i > 0 {
				b.WriteString(",")
			}
			writeNewline(b, depth+1)
			writePretty(b, e, sc, depth+1)
		}
		writeNewline(b, depth)
		b.WriteString("]")
	case kindObject:
		if len(n.members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		for i, m := range orderMembers(n.members, sc) {
			if i > 0 {
				b.WriteString(",")
			}
			writeNewline(b, depth+1)
			b.Write(appendQuoted(nil, m.key))
			b.WriteString(": ")
			child := scopeOther
			if sc == scopeDocument && m.key == "Statement" {
				child = scopeStatement
			}
			writePretty(b, m.value, child, depth+1)
		}
		writeNewline(b, depth)
		b.WriteString("}")
	default:
		b.Write(appendCompact(nil, n))
	}
}

// orderMembers returns members with the keys of the scope's order first, in
// that order, followed by the other keys sorted.
func orderMembers(members []member, sc scope) []member {
	var order []string
	switch sc {
	case scopeDocument:
		order = documentKeyOrder
	case scopeStatement:
		order = statementKeyOrder
	}
	rank := func(key string) int {
		if i := slices.Index(order, key); i >= 0 {
			return i
		}
		return len(order)
	}
	sorted := slices.Clone(members)
	slices.SortStableFunc(sorted, func(x, y member) int {
		if rx, ry := rank(x.key), rank(y.key); rx != ry {
			return rx - ry
		}
		return strings.Compare(x.key, y.key)
	})
	return sorted
}

// writeNewline starts a new line indented by two spaces per depth.
func writeNewline(b *strings.Builder, depth int) {
	const spaces = "                                "
	b.WriteString("\n")
	for n := 2 * depth; n > 0; n -= len(spaces) {
		b.WriteString(spaces[:min(n, len(spaces))])
	}
}
