package spec

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// jsonDecodeFunc is cty's jsondecode with a faster decoder, which returns
// the same values and errors. cty infers the result's type from the text
// token by token, then builds the value by decoding every nested object and
// array again from its own text. For a data file of a few megabytes, that
// costs as much CPU time as the rest of loading the configuration. Here the
// text is decoded once into Go values, which then become cty values by the
// rules of cty's implied types: objects, tuples, and null as a null of the
// dynamic pseudo-type. Any text that this decoder does not take, because it
// is not JSON or repeats a key, goes to cty's function for its error.
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
		return stdlib.JSONDecodeFunc.Call(args)
	},
})

// decodeImplied decodes text as cty's jsondecode would. It returns false
// for a text that cty rejects, or that it could not tell from one cty
// accepts.
func decodeImplied(text string) (cty.Value, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var decoded any
	if err := dec.Decode(&decoded); err != nil {
		return cty.NilVal, false
	}
	if _, err := dec.Token(); err != io.EOF {
		// Text after the value.
		return cty.NilVal, false
	}
	members := 0
	val, err := impliedValue(decoded, &members)
	if err != nil {
		return cty.NilVal, false
	}
	// encoding/json keeps the last of two equal keys, where cty rejects
	// them. Every member of an object has one colon outside strings, so
	// fewer members than colons means a repeated key.
	if members != colonsOutsideStrings(text) {
		return cty.NilVal, false
	}
	return val, true
}

// colonsOutsideStrings counts the colons of a JSON text that are not in a
// string: one for each member of each object.
func colonsOutsideStrings(text string) int {
	n := 0
	inString := false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case inString && c == '\\':
			i++ // the escaped character
		case c == '"':
			inString = !inString
		case !inString && c == ':':
			n++
		}
	}
	return n
}

// impliedValue returns the cty value of a value that encoding/json decoded
// into an interface with UseNumber, typed as cty's ImpliedType types it.
// It adds the number of object members it meets to members.
func impliedValue(v any, members *int) (cty.Value, error) {
	switch v := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType), nil
	case bool:
		return cty.BoolVal(v), nil
	case string:
		return cty.StringVal(v), nil
	case json.Number:
		return cty.ParseNumberVal(string(v))
	case []any:
		if len(v) == 0 {
			return cty.EmptyTupleVal, nil
		}
		elems := make([]cty.Value, len(v))
		for i, elem := range v {
			val, err := impliedValue(elem, members)
			if err != nil {
				return cty.NilVal, err
			}
			elems[i] = val
		}
		return cty.TupleVal(elems), nil
	case map[string]any:
		*members += len(v)
		if len(v) == 0 {
			return cty.EmptyObjectVal, nil
		}
		attrs := make(map[string]cty.Value, len(v))
		for name, attr := range v {
			val, err := impliedValue(attr, members)
			if err != nil {
				return cty.NilVal, err
			}
			attrs[name] = val
		}
		return cty.ObjectVal(attrs), nil
	}
	panic(fmt.Sprintf("spec: encoding/json decoded a %T", v))
}
