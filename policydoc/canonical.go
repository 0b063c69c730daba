package policydoc

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
)

// Canonical returns the document in a canonical JSON form: two documents that
// IAM treats as the same policy have the same canonical form. It is meant for
// comparison, not for sending to IAM. The rules, each decided against how IAM
// evaluates and returns policies, are:
//
//   - Object keys are sorted and there is no white space.
//   - Version and Id are kept as written; an absent Version stays absent,
//     because IAM applies the 2008-10-17 language to a document without one.
//   - Statement is always a list, sorted by the canonical text of each
//     statement, without duplicates: IAM evaluates statements as a set.
//   - Sid is kept and significant, because it is part of what IAM stores and
//     shows. An empty Sid equals an absent one.
//   - Effect is compared case-insensitively and written "Allow" or "Deny".
//   - Action and NotAction values are lower-cased, because IAM matches action
//     names case-insensitively.
//   - Action, NotAction, Resource, NotResource, principal values and condition
//     values are sets: a string equals a one-element list, and order and
//     duplicates do not matter. Resource ARNs keep their case, because IAM
//     matches them case-sensitively.
//   - Principal "*" equals {"AWS": "*"}. An account's root user ARN,
//     arn:<partition>:iam::<account>:root, equals the bare account ID, which
//     IAM rewrites to that ARN when it stores a policy.
//   - Condition operators are kept as written (IAM rejects a miscased
//     operator), condition keys are lower-cased (IAM matches them
//     case-insensitively), and bool and number condition values equal their
//     string forms. An empty Condition object equals an absent one.
//   - Everything else, such as an element IAM does not know, is kept as
//     written apart from key order.
//
// A nil Document returns "".
func (d *Document) Canonical() string {
	if d == nil {
		return ""
	}
	d.canonicalOnce.Do(func() {
		d.canonical = string(canonicalDocument(nil, d.root))
	})
	return d.canonical
}

// field is one member of an object being written in canonical form.
type field struct {
	key   string
	value []byte
}

// appendObject appends fields as a JSON object with sorted keys.
func appendObject(b []byte, fields []field) []byte {
	slices.SortFunc(fields, func(x, y field) int { return strings.Compare(x.key, y.key) })
	b = append(b, '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, f.key)
		b = append(b, ':')
		b = append(b, f.value...)
	}
	return append(b, '}')
}

// appendSet appends the values of n, one value or a list, as a sorted list
// without duplicates, each value written by item.
func appendSet(b []byte, n *node, item func([]byte, *node) []byte) []byte {
	values := make([][]byte, 0, len(n.items()))
	for _, e := range n.items() {
		values = append(values, item(nil, e))
	}
	slices.SortFunc(values, bytes.Compare)
	values = slices.CompactFunc(values, bytes.Equal)

	b = append(b, '[')
	b = append(b, bytes.Join(values, []byte{','})...)
	return append(b, ']')
}

func canonicalDocument(b []byte, root *node) []byte {
	fields := make([]field, 0, len(root.members))
	for _, m := range root.members {
		var value []byte
		if m.key == "Statement" {
			value = appendSet(nil, m.value, canonicalStatement)
		} else {
			value = canonicalValue(nil, m.value)
		}
		fields = append(fields, field{m.key, value})
	}
	return appendObject(b, fields)
}

func canonicalStatement(b []byte, st *node) []byte {
	if st.kind != kindObject {
		return canonicalValue(b, st)
	}
	fields := make([]field, 0, len(st.members))
	for _, m := range st.members {
		var value []byte
		switch m.key {
		case "Sid":
			if m.value.kind == kindString && m.value.text == "" {
				continue
			}
			value = canonicalValue(nil, m.value)
		case "Effect":
			value = canonicalEffect(nil, m.value)
		case "Action", "NotAction":
			value = appendSet(nil, m.value, canonicalAction)
		case "Resource", "NotResource":
			value = appendSet(nil, m.value, canonicalValue)
		case "Principal", "NotPrincipal":
			value = canonicalPrincipal(nil, m.value)
		case "Condition":
			if m.value.kind == kindObject && len(m.value.members) == 0 {
				continue
			}
			value = canonicalCondition(nil, m.value)
		default:
			value = canonicalValue(nil, m.value)
		}
		fields = append(fields, field{m.key, value})
	}
	return appendObject(b, fields)
}

func canonicalEffect(b []byte, n *node) []byte {
	if n.kind == kindString {
		for _, effect := range []string{"Allow", "Deny"} {
			if strings.EqualFold(n.text, effect) {
				return appendQuoted(b, effect)
			}
		}
	}
	return canonicalValue(b, n)
}

func canonicalAction(b []byte, n *node) []byte {
	if n.kind == kindString {
		return appendQuoted(b, strings.ToLower(n.text))
	}
	return canonicalValue(b, n)
}

func canonicalPrincipal(b []byte, n *node) []byte {
	if n.kind == kindString && n.text == "*" {
		return append(b, `{"AWS":["*"]}`...)
	}
	if n.kind != kindObject {
		return canonicalValue(b, n)
	}
	fields := make([]field, 0, len(n.members))
	for _, m := range n.members {
		item := canonicalValue
		if m.key == "AWS" {
			item = canonicalAWSPrincipal
		}
		fields = append(fields, field{m.key, appendSet(nil, m.value, item)})
	}
	return appendObject(b, fields)
}

// accountRootARN matches the ARN of an account's root user, in any partition.
// A policy can only name principals of its own partition, so the partition
// carries no meaning when the ARN is compared with a bare account ID.
var accountRootARN = regexp.MustCompile(`^arn:[^:]+:iam::([0-9]{12}):root$`)

func canonicalAWSPrincipal(b []byte, n *node) []byte {
	if n.kind == kindString {
		if m := accountRootARN.FindStringSubmatch(n.text); m != nil {
			return appendQuoted(b, m[1])
		}
	}
	return canonicalValue(b, n)
}

func canonicalCondition(b []byte, n *node) []byte {
	if n.kind != kindObject {
		return canonicalValue(b, n)
	}
	fields := make([]field, 0, len(n.members))
	for _, op := range n.members {
		fields = append(fields, field{op.key, canonicalConditionBlock(nil, op.value)})
	}
	return appendObject(b, fields)
}

// canonicalConditionBlock writes the keys and values under one operator.
// Keys are lower-cased unless two keys of the block differ only in case:
// IAM tests each key of a block separately (AND), so merging their values
// (OR) would change the meaning, and such a block is kept as written.
func canonicalConditionBlock(b []byte, n *node) []byte {
	if n.kind != kindObject {
		return canonicalValue(b, n)
	}
	fold := strings.ToLower
	seen := make(map[string]bool, len(n.members))
	for _, m := range n.members {
		lower := strings.ToLower(m.key)
		if seen[lower] {
			fold = func(s string) string { return s }
			break
		}
		seen[lower] = true
	}

	fields := make([]field, 0, len(n.members))
	for _, m := range n.members {
		fields = append(fields, field{fold(m.key), appendSet(nil, m.value, canonicalConditionValue)})
	}
	return appendObject(b, fields)
}

func canonicalConditionValue(b []byte, n *node) []byte {
	if text, ok := n.scalarText(); ok {
		return appendQuoted(b, text)
	}
	return canonicalValue(b, n)
}

// canonicalValue appends n with object keys sorted and everything else as
// written.
func canonicalValue(b []byte, n *node) []byte {
	switch n.kind {
	case kindArray:
		b = append(b, '[')
		for i, e := range n.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = canonicalValue(b, e)
		}
		return append(b, ']')
	case kindObject:
		fields := make([]field, 0, len(n.members))
		for _, m := range n.members {
			fields = append(fields, field{m.key, canonicalValue(nil, m.value)})
		}
		return appendObject(b, fields)
	default:
		return appendCompact(b, n)
	}
}
