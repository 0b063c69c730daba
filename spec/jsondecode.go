package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// jsonDecodeFunc is cty's jsondecode with a faster decoder, which returns
// the same values and errors. cty infers the result's type from the text
// token by token, then builds the value by decoding every nested object and
// array again from its own text. For a data file of a few megabytes, that
// costs as much CPU time as the rest of loading the configuration. Here the
// text is read once, and its values become cty values by the rules of cty's
// implied types: objects, tuples, and null as a null of the dynamic
// pseudo-type. Any text that this decoder does not take, because it is not
// JSON or repeats a key, goes to cty's function, which decides.
var jsonDecodeFunc = function.New(&function.Spec{
	Description: stdlib.JSONDecodeFunc.Description(),
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return stdlib.JSONDecodeFunc.ReturnTypeForValues(args)
		}
		// The type is that of the decoded value, which any value conforms to.
		return cty.DynamicPseudoType, nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		text := args[0].AsString()
		if val, ok := decodeImplied(text); ok {
			return val, nil
		}
		val, err := stdlib.JSONDecodeFunc.Call(args)
		if err != nil {
			return val, newJSONTextError(text, err)
		}
		return val, nil
	},
})

// jsonTextError is jsondecode's error for a text that is not JSON. The
// loader uses the text to tell the file it came from.
type jsonTextError struct {
	err  error
	text string
	// pos is where the text goes wrong, or the zero Pos when encoding/json
	// takes the text and cty rejects it for another reason.
	pos hcl.Pos
}

// newJSONTextError returns the error for a text that cty rejected with err.
// For a syntax error, the message is encoding/json's, which names what was
// expected, and the position is set. Otherwise the message is err's.
func newJSONTextError(text string, err error) error {
	if strings.HasPrefix(text, "\uFEFF") {
		return &jsonTextError{
			err:  errors.New("the text starts with a byte order mark (U+FEFF), which JSON does not allow; save it as UTF-8 without one"),
			text: text,
			pos:  hcl.InitialPos,
		}
	}
	var syntax *json.SyntaxError
	if !errors.As(json.Unmarshal([]byte(text), new(json.RawMessage)), &syntax) {
		return &jsonTextError{err: err, text: text}
	}
	// Offset counts the bytes read, including the one that broke the
	// syntax. A text that ends too soon goes wrong at its end.
	offset := int(syntax.Offset)
	if offset > 0 && offset <= len(text) && !strings.HasPrefix(syntax.Error(), "unexpected end") {
		offset--
	}
	return &jsonTextError{err: syntax, text: text, pos: posAt([]byte(text), offset)}
}

func (e *jsonTextError) Error() string {
	if e.pos.Line == 0 {
		return e.err.Error()
	}
	return fmt.Sprintf("%s, at line %d, column %d of the text", e.err, e.pos.Line, e.pos.Column)
}

func (e *jsonTextError) Unwrap() error { return e.err }

// decodeImplied decodes text as cty's jsondecode would. It returns false
// for a text that cty rejects, or that it could not tell from one cty
// accepts: encoding/json decides what is JSON, and a key repeated in an
// object is left to cty, which keeps the last value or rejects the text.
func decodeImplied(text string) (cty.Value, bool) {
	if !json.Valid([]byte(text)) {
		return cty.NilVal, false
	}
	w := &jsonWalker{text: text}
	return w.value()
}

// jsonWalker builds cty values from a text that json.Valid accepted, without
// checking the grammar again. Building them directly, rather than from the
// maps and slices that encoding/json decodes into, halves the time that
// loading a large data file takes.
type jsonWalker struct {
	text string
	pos  int
}

func (w *jsonWalker) skipSpace() {
	for w.pos < len(w.text) {
		switch w.text[w.pos] {
		case ' ', '\t', '\r', '\n':
			w.pos++
		default:
			return
		}
	}
}

// value reads the value after any white space at w.pos.
func (w *jsonWalker) value() (cty.Value, bool) {
	w.skipSpace()
	switch c := w.text[w.pos]; {
	case c == '{':
		return w.object()
	case c == '[':
		return w.array()
	case c == '"':
		s, ok := w.string()
		return cty.StringVal(s), ok
	case c == 't':
		w.pos += len("true")
		return cty.True, true
	case c == 'f':
		w.pos += len("false")
		return cty.False, true
	case c == 'n':
		w.pos += len("null")
		return cty.NullVal(cty.DynamicPseudoType), true
	default:
		start := w.pos
		for w.pos < len(w.text) && strings.IndexByte("+-.0123456789eE", w.text[w.pos]) >= 0 {
			w.pos++
		}
		n, err := cty.ParseNumberVal(w.text[start:w.pos])
		return n, err == nil
	}
}

// string reads the string whose opening quote is at w.pos. One without a
// backslash is a part of the text; encoding/json unquotes the others.
func (w *jsonWalker) string() (string, bool) {
	start := w.pos
	escaped := false
	i := start + 1
	for w.text[i] != '"' {
		if w.text[i] == '\\' {
			escaped = true
			i++
		}
		i++
	}
	w.pos = i + 1
	// encoding/json also replaces invalid UTF-8, which a string can hold
	// only when the text came from somewhere other than a file.
	if raw := w.text[start+1 : i]; !escaped && utf8.ValidString(raw) {
		return raw, true
	}
	var s string
	err := json.Unmarshal([]byte(w.text[start:w.pos]), &s)
	return s, err == nil
}

func (w *jsonWalker) object() (cty.Value, bool) {
	w.pos++ // the brace
	w.skipSpace()
	if w.text[w.pos] == '}' {
		w.pos++
		return cty.EmptyObjectVal, true
	}
	attrs := map[string]cty.Value{}
	for {
		w.skipSpace()
		key, ok := w.string()
		if !ok {
			return cty.NilVal, false
		}
		if _, repeated := attrs[key]; repeated {
			return cty.NilVal, false
		}
		w.skipSpace()
		w.pos++ // the colon
		val, ok := w.value()
		if !ok {
			return cty.NilVal, false
		}
		attrs[key] = val
		w.skipSpace()
		w.pos++ // a comma or the closing brace
		if w.text[w.pos-1] == '}' {
			return cty.ObjectVal(attrs), true
		}
	}
}

func (w *jsonWalker) array() (cty.Value, bool) {
	w.pos++ // the bracket
	w.skipSpace()
	if w.text[w.pos] == ']' {
		w.pos++
		return cty.EmptyTupleVal, true
	}
	var elems []cty.Value
	for {
		val, ok := w.value()
		if !ok {
			return cty.NilVal, false
		}
		elems = append(elems, val)
		w.skipSpace()
		w.pos++ // a comma or the closing bracket
		if w.text[w.pos-1] == ']' {
			return cty.TupleVal(elems), true
		}
	}
}

// placeJSONErrors points each error of a jsondecode call on a file's text
// at the line of that file where the JSON goes wrong, instead of at the call.
func (l *loader) placeJSONErrors() {
	for _, d := range l.diags {
		extra, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d)
		if !ok || d.Subject == nil {
			continue
		}
		var textErr *jsonTextError
		if !errors.As(extra.FunctionCallError(), &textErr) || textErr.pos.Line == 0 {
			continue
		}
		name, ok := l.files.log.fileOf(textErr.text)
		if !ok {
			continue
		}
		if l.parser.Files()[name] == nil {
			l.parser.AddFile(name, &hcl.File{Bytes: []byte(textErr.text)})
		}
		call := *d.Subject
		end := textErr.pos
		if end.Byte < len(textErr.text) {
			end = posAt([]byte(textErr.text), end.Byte+1)
		}
		d.Summary = "Invalid JSON"
		d.Detail = fmt.Sprintf("%s is not valid JSON: %s. It is decoded by jsondecode on %s line %d.",
			name, textErr.err, call.Filename, call.Start.Line)
		d.Subject = &hcl.Range{Filename: name, Start: textErr.pos, End: end}
		d.Context = nil
		d.Expression = nil
		d.EvalContext = nil
	}
}
