package policydoc

import (
	"slices"
	"strings"
)

// statementElements returns the elements of a statement with their
// comparison keys, sorted by key and without duplicate keys. The keys follow
// the rules of Canonical, and sort by field in statementKeyOrder first, so
// the elements come out in the order people read a statement.
func statementElements(st *node) []keyedElement {
	if st.kind != kindObject {
		return []keyedElement{newKeyedElement(Element{Value: string(appendCompact(nil, st))}, string(canonicalValue(nil, st)))}
	}

	var out []keyedElement
	for _, m := range st.members {
		switch m.key {
		case "Sid":
			if text, ok := m.value.scalarText(); ok && text == "" {
				continue
			}
			out = append(out, wholeElement(m.key, m.value))
		case "Effect":
			out = append(out, newKeyedElement(Element{Field: m.key, Value: writtenValue(m.value)}, string(canonicalEffect(nil, m.value))))
		case "Action", "NotAction":
			out = append(out, listElements(m.key, "", m.value, canonicalAction)...)
		case "Resource", "NotResource":
			out = append(out, listElements(m.key, "", m.value, canonicalValue)...)
		case "Principal", "NotPrincipal":
			out = append(out, principalElements(m.key, m.value)...)
		case "Condition":
			out = append(out, conditionElements(m.value)...)
		default:
			out = append(out, wholeElement(m.key, m.value))
		}
	}

	slices.SortFunc(out, func(x, y keyedElement) int { return strings.Compare(x.key, y.key) })
	return slices.CompactFunc(out, func(x, y keyedElement) bool { return x.key == y.key })
}

// newKeyedElement returns e with a key built from its field, type and
// condition key and from the canonical text of its value.
func newKeyedElement(e Element, canonicalValue string) keyedElement {
	rank := slices.Index(statementKeyOrder, e.Field)
	if rank < 0 {
		rank = len(statementKeyOrder)
	}
	key := strings.Join([]string{string(rune('a' + rank)), e.Field, e.Type, strings.ToLower(e.Key), canonicalValue}, "\x00")
	return keyedElement{key: key, element: e}
}

// wholeElement returns a field compared as one value.
func wholeElement(field string, n *node) keyedElement {
	return newKeyedElement(Element{Field: field, Value: writtenValue(n)}, string(canonicalValue(nil, n)))
}

// listElements returns one element per value of a field that holds one value
// or a list, compared by the canonical text item writes.
func listElements(field, typ string, n *node, item func([]byte, *node) []byte) []keyedElement {
	var out []keyedElement
	for _, e := range n.items() {
		out = append(out, newKeyedElement(Element{Field: field, Type: typ, Value: writtenValue(e)}, string(item(nil, e))))
	}
	return out
}

func principalElements(field string, n *node) []keyedElement {
	switch {
	case n.kind == kindString && n.text == "*":
		return []keyedElement{newKeyedElement(Element{Field: field, Type: "AWS", Value: "*"}, `"*"`)}
	case n.kind != kindObject:
		return []keyedElement{wholeElement(field, n)}
	}
	var out []keyedElement
	for _, m := range n.members {
		item := canonicalValue
		if m.key == "AWS" {
			item = canonicalAWSPrincipal
		}
		out = append(out, listElements(field, m.key, m.value, item)...)
	}
	return out
}

func conditionElements(n *node) []keyedElement {
	if n.kind != kindObject {
		return []keyedElement{wholeElement("Condition", n)}
	}
	var out []keyedElement
	for _, op := range n.members {
		if op.value.kind != kindObject {
			out = append(out, newKeyedElement(Element{Field: "Condition", Type: op.key, Value: writtenValue(op.value)}, string(canonicalValue(nil, op.value))))
			continue
		}
		for _, m := range op.value.members {
			for _, e := range m.value.items() {
				out = append(out, newKeyedElement(Element{Field: "Condition", Type: op.key, Key: m.key, Value: writtenValue(e)}, string(canonicalConditionValue(nil, e))))
			}
		}
	}
	return out
}

// writtenValue returns a string value as written and any other value as
// compact JSON.
func writtenValue(n *node) string {
	if n.kind == kindString {
		return n.text
	}
	return string(appendCompact(nil, n))
}
