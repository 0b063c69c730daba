package policydoc

import (
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// node is one JSON value of a parsed document. Objects keep their members in
// the order written, because Pretty and Diff show the user's own text, and
// numbers keep their literal text, because IAM compares them as written.
type node struct {
	kind    kind
	offset  int    // byte offset of the value's first character in the text
	text    string // string value, or the literal of a number
	boolean bool
	elems   []*node  // array elements
	members []member // object members in written order
}

// member is one key and value of a JSON object.
type member struct {
	key       string
	keyOffset int
	value     *node
}

// get returns the value of key in an object node, or nil when the node is not
// an object or has no such key. Keys are compared exactly, as IAM does.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for _, m := range n.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// items returns the values of a node that may be written as one value or as a
// list of values, as Action, Resource, principal and condition values may.
func (n *node) items() []*node {
	switch {
	case n == nil:
		return nil
	case n.kind == kindArray:
		return n.elems
	default:
		return []*node{n}
	}
}

// scalarText returns the text of a string, number or bool node, and false for
// the other kinds. IAM reads condition values this way, so true equals "true".
func (n *node) scalarText() (string, bool) {
	switch n.kind {
	case kindString, kindNumber:
		return n.text, true
	case kindBool:
		return strconv.FormatBool(n.boolean), true
	default:
		return "", false
	}
}

// sortedMembers returns the members of an object node ordered by key.
func (n *node) sortedMembers() []member {
	ms := slices.Clone(n.members)
	slices.SortFunc(ms, func(a, b member) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	return ms
}

// appendCompact appends n as compact JSON with object keys in written order.
func appendCompact(b []byte, n *node) []byte {
	switch n.kind {
	case kindNull:
		return append(b, "null"...)
	case kindBool:
		return strconv.AppendBool(b, n.boolean)
	case kindNumber:
		return append(b, n.text...)
	case kindString:
		return appendQuoted(b, n.text)
	case kindArray:
		b = append(b, '[')
		for i, e := range n.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCompact(b, e)
		}
		return append(b, ']')
	default:
		b = append(b, '{')
		for i, m := range n.members {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendQuoted(b, m.key)
			b = append(b, ':')
			b = appendCompact(b, m.value)
		}
		return append(b, '}')
	}
}

// appendQuoted appends s as a JSON string. Characters outside the range IAM
// accepts in a document (TAB, LF, CR and U+0020 to U+00FF) are written as
// \u escapes, so the output is always a valid policy document text. HTML
// characters stay as they are, unlike encoding/json, because policies often
// contain "&" and "<" in condition values and the output is read by people.
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r >= 0x20 && r <= 0xff:
			b = utf8.AppendRune(b, r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			b = append(b, '\\', 'u', hex[r1>>12], hex[r1>>8&0xf], hex[r1>>4&0xf], hex[r1&0xf])
			b = append(b, '\\', 'u', hex[r2>>12], hex[r2>>8&0xf], hex[r2>>4&0xf], hex[r2&0xf])
		default:
			b = append(b, '\\', 'u', hex[r>>12], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		}
	}
	return append(b, '"')
}
