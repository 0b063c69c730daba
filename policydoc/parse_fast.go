package policydoc

import (
	"encoding/json"
	"strings"
)

// parseValid parses a policy document text on a fast path and reports
// whether it could. It declines every text that parseTokens rejects, so that
// parseTokens reports the error. Such a text has a character IAM rejects, is
// not valid JSON, is not an object, nests deeper than maxDepth or repeats a
// key in one object. For any other text, parseValid returns the tree that
// parseTokens returns, with the same offsets.
//
// The fast path avoids the token decoder of encoding/json, which boxes every
// token in an interface and allocates an error value for every scalar inside
// an array or object.
func parseValid(text string) (*node, bool) {
	// Go 1.26 converts text to []byte here without a copy, because
	// json.Valid neither keeps nor changes the slice. BenchmarkParse shows
	// no allocation for it.
	if checkCharacters(text) != nil || !json.Valid([]byte(text)) {
		return nil, false
	}
	w := newWalker(text)
	w.skipSpace()
	if w.text[w.pos] != '{' {
		return nil, false
	}
	return w.value()
}

// maxLinearKeys is the number of members up to which an object is checked
// for a duplicate key by scanning its members. Larger objects use a map.
const maxLinearKeys = 16

// walker builds a node tree from a text that json.Valid accepted, so it reads
// each value without checking the JSON grammar again.
type walker struct {
	text  string
	pos   int
	depth int // number of arrays and objects open at pos, as parser counts it

	// Nodes, and the members and elements of arrays and objects, are cut
	// from chunks of chunkSize, so a document costs a few allocations
	// rather than one or two per value.
	chunkSize int
	nodes     []node
	members   []member
	elems     []*node

	// memberStack and elemStack hold the members and elements read so far
	// of the arrays and objects still open, innermost last.
	memberStack []member
	elemStack   []*node
}

func newWalker(text string) *walker {
	// An estimate of one value per 16 bytes of text, which sizes the first
	// chunk of a small document to about its number of values.
	size := min(max(len(text)/16, 8), 1024)
	return &walker{text: text, chunkSize: size}
}

func (w *walker) skipSpace() {
	for w.pos < len(w.text) {
		switch w.text[w.pos] {
		case ' ', '\t', '\r', '\n':
			w.pos++
		default:
			return
		}
	}
}

// value reads the value after any white space at w.pos. It returns false for
// nesting deeper than maxDepth or a duplicate key.
func (w *walker) value() (*node, bool) {
	w.skipSpace()
	start := w.pos
	switch w.text[start] {
	case '{', '[':
		if w.depth == maxDepth {
			return nil, false
		}
		w.depth++
		var n *node
		var ok bool
		if w.text[start] == '{' {
			n, ok = w.object(start)
		} else {
			n, ok = w.array(start)
		}
		w.depth--
		return n, ok
	case '"':
		s, ok := w.string()
		if !ok {
			return nil, false
		}
		n := w.newNode(kindString, start)
		n.text = s
		return n, true
	case 't':
		w.pos += len("true")
		n := w.newNode(kindBool, start)
		n.boolean = true
		return n, true
	case 'f':
		w.pos += len("false")
		return w.newNode(kindBool, start), true
	case 'n':
		w.pos += len("null")
		return w.newNode(kindNull, start), true
	default:
		w.skipNumber()
		n := w.newNode(kindNumber, start)
		n.text = w.text[start:w.pos]
		return n, true
	}
}

// skipNumber moves past a number. The text is valid JSON, so the number ends
// at the first byte that no number contains.
func (w *walker) skipNumber() {
	for w.pos < len(w.text) {
		switch c := w.text[w.pos]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			w.pos++
		default:
			return
		}
	}
}

// string reads the string that starts at w.pos. A string without a backslash
// is a substring of the text. One with escapes is unquoted by encoding/json,
// as the token decoder does, so that invalid surrogate escapes become U+FFFD
// in the same way.
func (w *walker) string() (string, bool) {
	start := w.pos
	rest := w.text[start+1:]
	end := strings.IndexByte(rest, '"')
	backslash := strings.IndexByte(rest[:end], '\\')
	if backslash < 0 {
		w.pos = start + 1 + end + 1
		return rest[:end], true
	}

	// The first quote may be escaped, so from the first backslash on the
	// closing quote is found byte by byte, skipping each escaped character.
	// The hex digits of a \u escape need no skipping: they are neither a
	// quote nor a backslash.
	i := start + 1 + backslash
	for w.text[i] != '"' {
		if w.text[i] == '\\' {
			i++
		}
		i++
	}
	w.pos = i + 1
	var s string
	if err := json.Unmarshal([]byte(w.text[start:w.pos]), &s); err != nil {
		// Not expected, because json.Valid accepted the text.
		return "", false
	}
	return s, true
}

// object reads the object whose opening brace is at start.
func (w *walker) object(start int) (*node, bool) {
	n := w.newNode(kindObject, start)
	w.pos = start + 1
	w.skipSpace()
	if w.text[w.pos] == '}' {
		w.pos++
		return n, true
	}

	base := len(w.memberStack)
	var seen map[string]bool // keys, once the object has maxLinearKeys members
	for {
		w.skipSpace()
		keyOffset := w.pos
		key, ok := w.string()
		if !ok || w.repeatsKey(base, key, &seen) {
			return nil, false
		}
		w.skipSpace()
		w.pos++ // the colon
		value, ok := w.value()
		if !ok {
			return nil, false
		}
		w.memberStack = append(w.memberStack, member{key: key, keyOffset: keyOffset, value: value})

		// A comma or the closing brace follows each member.
		w.skipSpace()
		w.pos++
		if w.text[w.pos-1] == '}' {
			break
		}
	}
	n.members = carve(&w.members, w.memberStack[base:], w.chunkSize)
	w.memberStack = w.memberStack[:base]
	return n, true
}

// repeatsKey reports whether the object whose members start at base in
// memberStack already has key. Once the object has maxLinearKeys members, it
// keeps their keys in *seen, which it creates, and adds key to it.
func (w *walker) repeatsKey(base int, key string, seen *map[string]bool) bool {
	members := w.memberStack[base:]
	if *seen == nil && len(members) < maxLinearKeys {
		for _, m := range members {
			if m.key == key {
				return true
			}
		}
		return false
	}

	if *seen == nil {
		*seen = make(map[string]bool, 2*len(members))
		for _, m := range members {
			(*seen)[m.key] = true
		}
	}
	if (*seen)[key] {
		return true
	}
	(*seen)[key] = true
	return false
}

// array reads the array whose opening bracket is at start.
func (w *walker) array(start int) (*node, bool) {
	n := w.newNode(kindArray, start)
	w.pos = start + 1
	w.skipSpace()
	if w.text[w.pos] == ']' {
		w.pos++
		return n, true
	}

	base := len(w.elemStack)
	for {
		elem, ok := w.value()
		if !ok {
			return nil, false
		}
		w.elemStack = append(w.elemStack, elem)

		// A comma or the closing bracket follows each element.
		w.skipSpace()
		w.pos++
		if w.text[w.pos-1] == ']' {
			break
		}
	}
	n.elems = carve(&w.elems, w.elemStack[base:], w.chunkSize)
	w.elemStack = w.elemStack[:base]
	return n, true
}

func (w *walker) newNode(k kind, offset int) *node {
	if len(w.nodes) == 0 {
		w.nodes = make([]node, w.chunkSize)
	}
	n := &w.nodes[0]
	w.nodes = w.nodes[1:]
	n.kind = k
	n.offset = offset
	return n
}

// carve copies items to the front of *chunk and returns the copy, starting a
// new chunk of chunkSize when too few elements are left. More items than
// chunkSize get a slice of their own. The copy's capacity is its length, so
// appending to it never writes into the chunk.
func carve[T any](chunk *[]T, items []T, chunkSize int) []T {
	var out []T
	switch {
	case len(items) > chunkSize:
		out = make([]T, len(items))
	case len(items) > len(*chunk):
		*chunk = make([]T, chunkSize)
		fallthrough
	default:
		out = (*chunk)[:len(items):len(items)]
		*chunk = (*chunk)[len(items):]
	}
	copy(out, items)
	return out
}
