package spec

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// jsonDecodeFunc is cty's jsondecode with a faster decoder. It takes its
// type, and with it every error for text that is not JSON, from
// stdlib.JSONDecodeFunc, and returns the same value. cty builds that value
// by decoding every nested object and array again from its own text, which
// for a data file of a few megabytes costs as much CPU time as the rest of
// loading the configuration. Here the text is decoded once into Go values,
// which then become cty values by the rules of cty's implied types:
// objects, tuples, and null as a null of the dynamic pseudo-type.
var jsonDecodeFunc = function.New(&function.Spec{
	Description: stdlib.JSONDecodeFunc.Description(),
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		return stdlib.JSONDecodeFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		dec := json.NewDecoder(strings.NewReader(args[0].AsString()))
		dec.UseNumber()
		var decoded any
		if err := dec.Decode(&decoded); err != nil {
			return cty.NilVal, err
		}
		return impliedValue(decoded)
	},
})

// impliedValue returns the cty value of a value that encoding/json decoded
// into an interface with UseNumber, typed as cty's ImpliedType types it.
func impliedValue(v any) (cty.Value, error) {
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
			val, err := impliedValue(elem)
			if err != nil {
				return cty.NilVal, err
			}
			elems[i] = val
		}
		return cty.TupleVal(elems), nil
	case map[string]any:
		if len(v) == 0 {
			return cty.EmptyObjectVal, nil
		}
		attrs := make(map[string]cty.Value, len(v))
		for name, attr := range v {
			val, err := impliedValue(attr)
			if err != nil {
				return cty.NilVal, err
			}
			attrs[name] = val
		}
		return cty.ObjectVal(attrs), nil
	}
	panic(fmt.Sprintf("spec: encoding/json decoded a %T", v))
}
