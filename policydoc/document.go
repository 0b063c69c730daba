// Package policydoc parses IAM policy documents and compares them by meaning.
package policydoc

import "encoding/json"

// Document is a parsed IAM policy document. It keeps the text as written,
// which is what iamsync sends to IAM.
type Document struct {
	text string
	root any
}

// Parse parses a JSON policy document.
func Parse(text string) (*Document, error) {
	d := &Document{text: text}
	if err := json.Unmarshal([]byte(text), &d.root); err != nil {
		return nil, err
	}
	return d, nil
}

// String returns the document as written.
func (d *Document) String() string { return d.text }
