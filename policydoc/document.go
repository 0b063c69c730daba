package policydoc

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Document is a parsed IAM policy document. It keeps the text as written,
// which is what iamsync sends to IAM, next to the parsed form used to compare,
// display and validate it. A Document is immutable and safe for concurrent use.
type Document struct {
	text string
	root *node

	canonicalOnce sync.Once
	canonical     string
}

// Parse parses a JSON policy document. It returns a *SyntaxError for text
// that IAM rejects as a whole. That is invalid JSON or UTF-8, a character
// outside TAB, LF, CR and U+0020 to U+00FF, a key repeated in one object,
// arrays and objects nested more than 32 levels deep, or a top level that
// is not an object. Numbers keep their literal text. Parse does not check
// the policy grammar or the length, which are the work of Validate and of
// the caller: AWS-managed policies may be longer than IAM lets a customer
// write.
func Parse(text string) (*Document, error) {
	root, err := parseText(text)
	if err != nil {
		return nil, err
	}
	return &Document{text: text, root: root}, nil
}

// MustParse is like Parse but panics when text is not a valid document. It is
// meant for documents that are constants of the program and for tests.
func MustParse(text string) *Document {
	d, err := Parse(text)
	if err != nil {
		panic(fmt.Sprintf("policydoc: parse %q: %v", text, err))
	}
	return d
}

// String returns the document as written. A nil Document returns "".
func (d *Document) String() string {
	if d == nil {
		return ""
	}
	return d.text
}

// Equal reports whether a and b mean the same, that is whether their
// canonical forms are equal. Two nil documents are equal, and a nil document
// equals no other.
func Equal(a, b *Document) bool {
	if a == nil || b == nil {
		return a == b
	}
	// The same text means the same, without the canonical forms.
	if a.text == b.text {
		return true
	}
	return a.Canonical() == b.Canonical()
}

// Equal reports whether d and other mean the same; see the function Equal.
func (d *Document) Equal(other *Document) bool {
	return Equal(d, other)
}

// MarshalJSON returns the document as written, without white space outside
// strings, so that JSON output embeds it as an object rather than as a string.
// A nil Document marshals as null.
func (d *Document) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	return appendCompact(nil, d.root), nil
}

// UnmarshalJSON parses a document given either as a JSON object or as a JSON
// string that holds the document text, the form IAM APIs use.
func (d *Document) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	text := string(data)
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		text = s
	}
	parsed, err := Parse(text)
	if err != nil {
		return fmt.Errorf("parse policy document: %w", err)
	}
	*d = Document{text: parsed.text, root: parsed.root}
	return nil
}
