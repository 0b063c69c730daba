package policydoc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// SyntaxError is the error for a policy document text that IAM rejects
// before reading its statements: invalid JSON, a character IAM does not
// accept, a duplicate key, nesting too deep or a top level that is not an
// object.
type SyntaxError struct {
	Offset int    // byte offset of the error in the text, 0-based
	Line   int    // 1-based line of Offset
	Column int    // 1-based column of Offset, counted in characters
	Msg    string // plain description, without the position
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// newSyntaxError returns a SyntaxError at byte offset of text.
func newSyntaxError(text string, offset int, format string, args ...any) *SyntaxError {
	line, column := lineColumn(text, offset)
	return &SyntaxError{Offset: offset, Line: line, Column: column, Msg: fmt.Sprintf(format, args...)}
}

// lineColumn returns the 1-based line and character column of a byte offset.
func lineColumn(text string, offset int) (line, column int) {
	offset = min(max(offset, 0), len(text))
	before := text[:offset]
	line = strings.Count(before, "\n") + 1
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[lineStart:]) + 1
}

// checkCharacters rejects text that is not valid UTF-8 or that holds a
// character outside the set IAM accepts in policy documents: TAB, LF, CR and
// U+0020 to U+00FF (the PolicyDocument pattern of the IAM API reference).
func checkCharacters(text string) error {
	// Policy documents are mostly ASCII, which a byte loop checks faster
	// than decoding runes. The rune loop takes over at the first other byte.
	start := 0
	for start < len(text) && isAllowedASCII(text[start]) {
		start++
	}
	for j, r := range text[start:] {
		i := start + j
		switch {
		case r == utf8.RuneError && isInvalidUTF8(text[i:]):
			return newSyntaxError(text, i, "invalid UTF-8 byte 0x%02x", text[i])
		case r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xff):
			continue
		case isTypographicQuote(r):
			return newSyntaxError(text, i, "character %U (a typographic quote) is not allowed; use a straight quote", r)
		default:
			return newSyntaxError(text, i, "character %U is not allowed; IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF (write other characters as \\u escapes)", r)
		}
	}
	return nil
}

// isAllowedASCII reports whether c is an ASCII character that IAM accepts in
// a policy document: TAB, LF, CR or U+0020 to U+007F.
func isAllowedASCII(c byte) bool {
	return (c >= 0x20 && c < utf8.RuneSelf) || c == '\t' || c == '\n' || c == '\r'
}

// isInvalidUTF8 reports whether s starts with a byte that does not begin a
// valid UTF-8 sequence. Both an invalid byte and a literal U+FFFD decode as
// utf8.RuneError, and only the invalid byte decodes with a width of 1.
func isInvalidUTF8(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	return size == 1
}

func isTypographicQuote(r rune) bool {
	switch r {
	case '\u2018', '\u2019', '\u201c', '\u201d':
		return true
	}
	return false
}

// maxDepth bounds how deeply arrays and objects may nest in a document.
// IAM's policy grammar nests at most six levels: the document, the
// Statement list, a statement, Condition, an operator and a condition key's
// list of values. The bound leaves room for documents that are wrong in
// other ways to be reported as such, and it keeps Pretty and Diff, which
// indent each level, from producing output that grows with the square of
// the depth.
const maxDepth = 32

// parser builds a node tree from the token stream of encoding/json, which
// checks the JSON grammar, and records where each value starts in the text.
type parser struct {
	text string
	dec  *json.Decoder
	// depth is the number of arrays and objects open at the current token.
	depth int
}

// parseText parses a policy document text into its root object node.
// Valid documents take the fast path of parseValid. Any text that path
// declines goes through parseTokens, which decides every error, its message
// and its offset.
func parseText(text string) (*node, error) {
	if root, ok := parseValid(text); ok {
		return root, nil
	}
	return parseTokens(text)
}

// parseTokens parses a policy document text into its root object node with
// encoding/json's token decoder.
func parseTokens(text string) (*node, error) {
	if err := checkCharacters(text); err != nil {
		return nil, err
	}
	if strings.TrimLeft(text, " \t\r\n") == "" {
		return nil, newSyntaxError(text, len(text), "the document is empty; a policy document is a JSON object")
	}

	p := &parser{text: text, dec: json.NewDecoder(strings.NewReader(text))}
	p.dec.UseNumber()
	root, err := p.value()
	if err != nil {
		return nil, err
	}
	if root.kind != kindObject {
		return nil, newSyntaxError(text, root.offset, "the document is a JSON %s; a policy document is a JSON object", kindName(root.kind))
	}

	// The decoder reads a stream of values, so anything after the first one
	// has to be rejected here.
	start := p.nextStart()
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, newSyntaxError(text, start, "unexpected text after the end of the document")
	}
	return root, nil
}

// nextStart returns the byte offset where the decoder's next token starts.
// The decoder consumes separators lazily, so they are skipped here as well.
func (p *parser) nextStart() int {
	i := int(p.dec.InputOffset())
	for i < len(p.text) && strings.IndexByte(" \t\r\n,:", p.text[i]) >= 0 {
		i++
	}
	return i
}

// token returns the next token and its byte offset.
func (p *parser) token() (json.Token, int, error) {
	start := p.nextStart()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, start, p.syntaxError(err, start)
	}
	return tok, start, nil
}

// syntaxError turns an error of the decoder into a SyntaxError. The token
// decoder does not report byte offsets consistently (its offsets count only
// the bytes of scalar values), so the text is scanned again by
// json.Unmarshal, which reports the offset of the rejected byte plus one.
// This only runs for invalid documents.
func (p *parser) syntaxError(err error, start int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return newSyntaxError(p.text, len(p.text), "unexpected end of the document")
	}
	var jsonErr *json.SyntaxError
	var discard any
	if !errors.As(json.Unmarshal([]byte(p.text), &discard), &jsonErr) {
		// Not expected: both decoders implement the same grammar.
		return newSyntaxError(p.text, start, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if jsonErr.Error() == "unexpected end of JSON input" {
		return newSyntaxError(p.text, len(p.text), "unexpected end of the document")
	}
	return newSyntaxError(p.text, int(jsonErr.Offset)-1, "%s", jsonErr.Error())
}

// value reads one JSON value.
func (p *parser) value() (*node, error) {
	tok, start, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.valueFrom(tok, start)
}

// valueFrom builds the node that starts with token tok at offset start.
func (p *parser) valueFrom(tok json.Token, start int) (*node, error) {
	switch t := tok.(type) {
	case nil:
		return &node{kind: kindNull, offset: start}, nil
	case bool:
		return &node{kind: kindBool, offset: start, boolean: t}, nil
	case json.Number:
		return &node{kind: kindNumber, offset: start, text: string(t)}, nil
	case string:
		return &node{kind: kindString, offset: start, text: t}, nil
	case json.Delim:
		if t != '[' && t != '{' {
			break
		}
		if p.depth == maxDepth {
			return nil, newSyntaxError(p.text, start, "arrays and objects nest more than %d levels deep; a policy document nests at most 6", maxDepth)
		}
		p.depth++
		defer func() { p.depth-- }()
		if t == '[' {
			return p.array(start)
		}
		return p.object(start)
	}
	return nil, newSyntaxError(p.text, start, "unexpected %v", tok)
}

// array reads the elements of an array after its opening bracket.
func (p *parser) array(start int) (*node, error) {
	n := &node{kind: kindArray, offset: start}
	for {
		tok, offset, err := p.token()
		if err != nil {
			return nil, err
		}
		if tok == json.Delim(']') {
			return n, nil
		}
		elem, err := p.valueFrom(tok, offset)
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, elem)
	}
}

// object reads the members of an object after its opening brace. IAM
// rejects a document that repeats a key in one object, and so does this.
func (p *parser) object(start int) (*node, error) {
	n := &node{kind: kindObject, offset: start}
	seen := map[string]bool{}
	for {
		tok, offset, err := p.token()
		if err != nil {
			return nil, err
		}
		if tok == json.Delim('}') {
			return n, nil
		}
		key := tok.(string) // the decoder only returns a string or '}' here
		if seen[key] {
			return nil, newSyntaxError(p.text, offset, "duplicate key %q; IAM rejects a document that repeats a key in one object", key)
		}
		value, err := p.value()
		if err != nil {
			return nil, err
		}
		seen[key] = true
		n.members = append(n.members, member{key: key, keyOffset: offset, value: value})
	}
}

func kindName(k kind) string {
	switch k {
	case kindNull:
		return "null"
	case kindBool:
		return "boolean"
	case kindNumber:
		return "number"
	case kindString:
		return "string"
	case kindArray:
		return "array"
	default:
		return "object"
	}
}
