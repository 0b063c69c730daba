package policydoc

import (
	"encoding/json"
)

// Builder writes a JSON value as compact text, escaped as encoding/json
// escapes strings, and builds its parsed form at the same time. A caller that
// holds a document as values rather than as text, such as a configuration's
// jsonencode({...}), gets both the text and the Document without parsing the
// text it has just written.
//
// The calls describe the value in order: BeginObject, then Key and a value
// for each member, then End; BeginArray, the elements, then End. Object keys
// are written as given, so a caller that wants encoding/json's sorted order
// sorts them. A call out of order makes the builder fail, and so does a
// document that Parse would reject: Document then returns false, and the
// caller can fall back to writing the text and parsing it.
type Builder struct {
	text []byte
	root *node
	// open holds the arrays and objects not yet ended, innermost last.
	open []*node
	// key is the key written for the next member of the innermost object.
	key       string
	keyOffset int
	hasKey    bool
	// latin1 is set when the text holds a byte outside ASCII, which Parse
	// checks against the characters IAM accepts.
	latin1 bool
	failed bool
}

// Document returns the text written and its parsed form, the same Document
// that Parse returns for the text. It returns false when the calls did not
// describe one complete value, or when Parse would reject the text: the value
// is not an object, it nests too deeply or it holds a character IAM does not
// accept.
func (b *Builder) Document() (*Document, bool) {
	if b.failed || b.root == nil || len(b.open) > 0 || b.root.kind != kindObject {
		return nil, false
	}
	text := string(b.text)
	if b.latin1 && checkCharacters(text) != nil {
		return nil, false
	}
	return &Document{text: text, root: b.root}, true
}

// BeginObject starts an object value.
func (b *Builder) BeginObject() {
	b.begin(kindObject)
}

// BeginArray starts an array value.
func (b *Builder) BeginArray() {
	b.begin(kindArray)
}

func (b *Builder) begin(k kind) {
	if len(b.open) == maxDepth {
		b.failed = true
		return
	}
	n := b.value(&node{kind: k})
	if k == kindObject {
		b.text = append(b.text, '{')
	} else {
		b.text = append(b.text, '[')
	}
	b.open = append(b.open, n)
}

// End ends the innermost object or array.
func (b *Builder) End() {
	if len(b.open) == 0 || b.hasKey {
		b.failed = true
		return
	}
	n := b.open[len(b.open)-1]
	b.open = b.open[:len(b.open)-1]
	if n.kind == kindObject {
		b.text = append(b.text, '}')
	} else {
		b.text = append(b.text, ']')
	}
}

// Key writes the key of the next member of the innermost object.
func (b *Builder) Key(key string) {
	if len(b.open) == 0 || b.hasKey {
		b.failed = true
		return
	}
	parent := b.open[len(b.open)-1]
	if parent.kind != kindObject {
		b.failed = true
		return
	}
	for _, m := range parent.members {
		if m.key == key {
			// Parse rejects a repeated key.
			b.failed = true
			return
		}
	}
	if len(parent.members) > 0 {
		b.text = append(b.text, ',')
	}
	b.key, b.keyOffset, b.hasKey = key, len(b.text), true
	b.appendString(key)
	b.text = append(b.text, ':')
}

// String writes a string value.
func (b *Builder) String(s string) {
	b.value(&node{kind: kindString, text: s})
	b.appendString(s)
}

// Number writes a number value from its literal text, which must be a JSON
// number; the text is kept as written, as Parse keeps it.
func (b *Builder) Number(literal string) {
	if literal == "" || (literal[0] != '-' && (literal[0] < '0' || literal[0] > '9')) || !json.Valid([]byte(literal)) {
		b.failed = true
		return
	}
	b.value(&node{kind: kindNumber, text: literal})
	b.text = append(b.text, literal...)
}

// Bool writes true or false.
func (b *Builder) Bool(v bool) {
	b.value(&node{kind: kindBool, boolean: v})
	if v {
		b.text = append(b.text, "true"...)
	} else {
		b.text = append(b.text, "false"...)
	}
}

// Null writes null.
func (b *Builder) Null() {
	b.value(&node{kind: kindNull})
	b.text = append(b.text, "null"...)
}

// value places n where the next value goes, writing the comma before an
// array's element, and records its offset.
func (b *Builder) value(n *node) *node {
	n.offset = len(b.text)
	if len(b.open) == 0 {
		if b.root != nil {
			b.failed = true
		}
		b.root = n
		return n
	}
	parent := b.open[len(b.open)-1]
	switch {
	case parent.kind == kindArray:
		if len(parent.elems) > 0 {
			b.text = append(b.text, ',')
			n.offset++
		}
		parent.elems = append(parent.elems, n)
	case b.hasKey:
		parent.members = append(parent.members, member{key: b.key, keyOffset: b.keyOffset, value: n})
		b.hasKey = false
	default:
		b.failed = true
	}
	return n
}

// appendString writes s quoted, as json.Marshal writes it. Plain ASCII is
// copied, and encoding/json escapes any other string, because it escapes
// HTML and control characters and U+2028 and U+2029 and replaces invalid UTF-8.
func (b *Builder) appendString(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, err := json.Marshal(s)
			if err != nil {
				b.failed = true
				return
			}
			for _, q := range quoted {
				if q >= 0x80 {
					b.latin1 = true
					break
				}
			}
			b.text = append(b.text, quoted...)
			return
		}
	}
	b.text = append(b.text, '"')
	b.text = append(b.text, s...)
	b.text = append(b.text, '"')
}
