package spec

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// This file maps positions in a policy document's text back to the
// configuration source, so that diagnostics point at the faulty element.

// posAt returns the position of a byte offset in src. Columns count
// characters, as hcl's do for text without combining marks.
func posAt(src []byte, offset int) hcl.Pos {
	if offset > len(src) {
		offset = len(src)
	}
	pos := hcl.InitialPos
	lineStart := 0
	for i := 0; i < offset; i++ {
		if src[i] == '\n' {
			pos.Line++
			lineStart = i + 1
		}
	}
	pos.Column = utf8.RuneCount(src[lineStart:offset]) + 1
	pos.Byte = offset
	return pos
}

// quotedSourceOffset maps a byte offset in the value of a quoted string to
// an offset in the file, given the raw text between the quotes and where it
// starts. Escape sequences are wider in the source than in the value.
func quotedSourceOffset(raw []byte, offset, base int) (int, bool) {
	decoded := 0
	i := 0
	for i < len(raw) && decoded < offset {
		width, valueWidth := 1, 1
		switch {
		case raw[i] == '\\' && i+1 < len(raw):
			width = 2
			switch raw[i+1] {
			case 'u':
				width = 6
				valueWidth = escapedRuneWidth(raw, i+2, 4)
			case 'U':
				width = 10
				valueWidth = escapedRuneWidth(raw, i+2, 8)
			}
		case bytes.HasPrefix(raw[i:], []byte("$${")) || bytes.HasPrefix(raw[i:], []byte("%%{")):
			width, valueWidth = 3, 2
		}
		i += width
		decoded += valueWidth
	}
	if decoded < offset || i > len(raw) {
		return 0, false
	}
	return base + i, true
}

// escapedRuneWidth returns the UTF-8 width of the rune whose code is written
// in hexadecimal at raw[at:at+digits].
func escapedRuneWidth(raw []byte, at, digits int) int {
	if at+digits > len(raw) {
		return 1
	}
	r, err := strconv.ParseUint(string(raw[at:at+digits]), 16, 32)
	if err != nil {
		return 1
	}
	return utf8.RuneLen(rune(r))
}

// heredocSourceOffset maps a byte offset in the value of a heredoc to an
// offset in the file. Line n of the value is line n of the heredoc's body;
// an indented heredoc (<<-) strips leading space, which is found by
// matching the value's line against the end of the source line.
func heredocSourceOffset(src []byte, bodyStart int, value string, offset int) (int, bool) {
	lineIndex := strings.Count(value[:offset], "\n")
	valueLineStart := strings.LastIndex(value[:offset], "\n") + 1
	valueLine, _, _ := strings.Cut(value[valueLineStart:], "\n")
	// A file with CRLF line ends keeps the CR in the heredoc's value.
	valueLine = strings.TrimSuffix(valueLine, "\r")

	lineStart := bodyStart
	for range lineIndex {
		next := bytes.IndexByte(src[lineStart:], '\n')
		if next < 0 {
			return 0, false
		}
		lineStart += next + 1
	}
	sourceLine := src[lineStart:]
	if end := bytes.IndexByte(sourceLine, '\n'); end >= 0 {
		sourceLine = sourceLine[:end]
	}
	sourceLine = bytes.TrimSuffix(sourceLine, []byte("\r"))
	if !bytes.HasSuffix(sourceLine, []byte(valueLine)) {
		return 0, false
	}
	indent := len(sourceLine) - len(valueLine)
	return lineStart + indent + offset - valueLineStart, true
}

// splitPointer splits a JSON pointer such as /Statement/0/Action into its
// unescaped segments.
func splitPointer(pointer string) []string {
	pointer = strings.TrimPrefix(pointer, "/")
	if pointer == "" {
		return nil
	}
	segments := strings.Split(pointer, "/")
	for i, s := range segments {
		segments[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return segments
}

func isIndex(segment string) bool {
	_, err := strconv.Atoi(segment)
	return err == nil
}

// jsonPointerSpan returns the byte span of the value at the pointer in a
// JSON text. Where the pointer goes deeper than the text, as for a missing
// key, the span is the opening of the deepest value found. An index into a
// value that is not an array selects the value itself, because IAM takes a
// single value for a one-element list.
func jsonPointerSpan(text string, segments []string) (int, int, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	return seekJSON(dec, text, segments)
}

func seekJSON(dec *json.Decoder, text string, segments []string) (int, int, bool) {
	start := skipSeparators(text, int(dec.InputOffset()))
	if start >= len(text) {
		return 0, 0, false
	}
	for len(segments) > 0 && isIndex(segments[0]) && text[start] != '[' {
		segments = segments[1:]
	}
	if len(segments) == 0 {
		if err := skipJSONValue(dec); err != nil {
			return 0, 0, false
		}
		return start, int(dec.InputOffset()), true
	}

	tok, err := dec.Token()
	if err != nil {
		return 0, 0, false
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return 0, 0, false
			}
			if key == segments[0] {
				return seekJSON(dec, text, segments[1:])
			}
			if err := skipJSONValue(dec); err != nil {
				return 0, 0, false
			}
		}
	case json.Delim('['):
		want, _ := strconv.Atoi(segments[0])
		for i := 0; dec.More(); i++ {
			if i == want {
				return seekJSON(dec, text, segments[1:])
			}
			if err := skipJSONValue(dec); err != nil {
				return 0, 0, false
			}
		}
	}
	return start, start + 1, true
}

// skipSeparators skips white space and the colons and commas that the
// decoder consumes between tokens without returning them.
func skipSeparators(text string, i int) int {
	for i < len(text) && strings.IndexByte(" \t\r\n:,", text[i]) >= 0 {
		i++
	}
	return i
}

// skipJSONValue reads one whole value from the decoder.
func skipJSONValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// jsonencodeRange follows a JSON pointer through the object and tuple
// constructors of a jsonencode(...) call, returning the range of the
// deepest expression it reaches.
func jsonencodeRange(expr hcl.Expression, segments []string) (hcl.Range, bool) {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return hcl.Range{}, false
	}
	current := call.Args[0]
	for _, segment := range segments {
		next := childExpression(current, segment)
		if next == nil {
			if isIndex(segment) {
				// A single value stands for a one-element list.
				continue
			}
			break
		}
		current = next
	}
	return current.Range(), true
}

// childExpression returns the element of an object or tuple constructor
// that a pointer segment selects, or nil.
func childExpression(expr hclsyntax.Expression, segment string) hclsyntax.Expression {
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		for _, item := range e.Items {
			key, diags := item.KeyExpr.Value(nil)
			if !diags.HasErrors() && key.Type() == cty.String && key.IsKnown() && !key.IsNull() &&
				key.AsString() == segment {
				return item.ValueExpr
			}
		}
	case *hclsyntax.TupleConsExpr:
		if i, err := strconv.Atoi(segment); err == nil && i >= 0 && i < len(e.Exprs) {
			return e.Exprs[i]
		}
	case *hclsyntax.ParenthesesExpr:
		return childExpression(e.Expression, segment)
	}
	return nil
}
