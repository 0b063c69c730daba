package spec

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions returns the functions that expressions may call: Terraform's
// names for the cty standard library, try and can, a few encoding functions
// that no library provides, and the file functions. jsonencode keeps the
// parsed form of the documents it writes in docs, unless docs is nil.
func functions(files fileFunctions, docs encodedDocuments) map[string]function.Function {
	funcs := map[string]function.Function{
		// Numbers.
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,

		// Strings.
		"chomp":      stdlib.ChompFunc,
		"format":     stdlib.FormatFunc,
		"formatlist": stdlib.FormatListFunc,
		"indent":     stdlib.IndentFunc,
		"join":       stdlib.JoinFunc,
		"lower":      stdlib.LowerFunc,
		"regex":      stdlib.RegexFunc,
		"regexall":   stdlib.RegexAllFunc,
		"replace":    replaceFunc,
		"split":      stdlib.SplitFunc,
		"strlen":     stdlib.StrlenFunc,
		"strrev":     stdlib.ReverseFunc,
		"substr":     stdlib.SubstrFunc,
		"title":      stdlib.TitleFunc,
		"trim":       stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc,
		"trimsuffix": stdlib.TrimSuffixFunc,
		"trimspace":  stdlib.TrimSpaceFunc,
		"upper":      stdlib.UpperFunc,

		// Collections.
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        coalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"keys":            stdlib.KeysFunc,
		"length":          lengthFunc,
		"lookup":          lookupFunc,
		"merge":           stdlib.MergeFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,

		// Encoding.
		"base64decode": base64DecodeFunc,
		"base64encode": base64EncodeFunc,
		"csvdecode":    stdlib.CSVDecodeFunc,
		"jsondecode":   jsonDecodeFunc,
		"jsonencode":   jsonEncodeFunc(docs),
		"urlencode":    urlEncodeFunc,

		// Dates. There is no timestamp function: a configuration evaluates
		// the same way whenever it is loaded.
		"formatdate": stdlib.FormatDateFunc,
		"timeadd":    stdlib.TimeAddFunc,

		// Type conversion.
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring": stdlib.MakeToFunc(cty.String),

		"try": tryfunc.TryFunc,
		"can": tryfunc.CanFunc,

		// Files, relative to the configuration directory.
		"file":       files.fileFunc(),
		"fileexists": files.existsFunc(),
		"fileset":    files.setFunc(),
	}

	// templatefile renders with every function but itself, as in Terraform:
	// a template cannot render other templates.
	funcs["templatefile"] = files.templateFunc(funcs)
	return funcs
}

// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
// regular expression, anything else is replaced literally.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		substr := args[1].AsString()
		if len(substr) > 1 && strings.HasPrefix(substr, "/") && strings.HasSuffix(substr, "/") {
			pattern := cty.StringVal(substr[1 : len(substr)-1])
			return stdlib.RegexReplace(args[0], pattern, args[2])
		}
		return stdlib.Replace(args[0], args[1], args[2])
	},
})

// lookupFunc is Terraform's lookup. cty's function needs a default that is
// not null; Terraform's also takes a null default, the usual way to read an
// optional key, and no default at all, which makes a missing key an error.
// Those two cases are handled here, and the rest by cty.
var lookupFunc = function.New(&function.Spec{
	Description: stdlib.LookupFunc.Description(),
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType},
		{Name: "key", Type: cty.String},
	},
	VarParam: &function.Parameter{
		Name:             "default",
		Type:             cty.DynamicPseudoType,
		AllowNull:        true,
		AllowDynamicType: true,
		AllowUnknown:     true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, fmt.Errorf("lookup takes at most three arguments")
		}
		if len(args) == 3 && !args[2].IsNull() {
			return stdlib.LookupFunc.ReturnTypeForValues(args)
		}
		ty := args[0].Type()
		switch {
		case ty.IsMapType():
			return ty.ElementType(), nil
		case ty.IsObjectType():
			if !args[1].IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			if key := args[1].AsString(); ty.HasAttribute(key) {
				return ty.AttributeType(key), nil
			}
			if len(args) == 3 {
				return args[2].Type(), nil
			}
			return cty.NilType, function.NewArgErrorf(1, "the given object has no attribute %q", args[1].AsString())
		default:
			return cty.NilType, function.NewArgErrorf(0, "lookup needs a map or an object as its first argument")
		}
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		if len(args) == 3 && !args[2].IsNull() {
			return stdlib.LookupFunc.Call(args)
		}
		coll, key := args[0], args[1].AsString()
		if coll.Type().IsObjectType() {
			if coll.Type().HasAttribute(key) {
				return coll.GetAttr(key), nil
			}
		} else if coll.HasIndex(args[1]).True() {
			return coll.Index(args[1]), nil
		}
		if len(args) == 3 {
			return cty.NullVal(retType), nil
		}
		return cty.NilVal, function.NewArgErrorf(1, "the map has no key %q", key)
	},
})

var base64EncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var base64DecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		decoded, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("invalid base64 data: %w", err)
		}
		if !utf8.Valid(decoded) {
			return cty.UnknownVal(cty.String), fmt.Errorf("the decoded text is not valid UTF-8")
		}
		return cty.StringVal(string(decoded)), nil
	},
})

// urlEncodeFunc encodes a string for a URL query as Terraform's urlencode
// does, with Go's url.QueryEscape: a space becomes "+".
var urlEncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(url.QueryEscape(args[0].AsString())), nil
	},
})

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor, when the arguments unify to strings, the empty string. cty's
// function skips only nulls.
var coalesceFunc = function.New(&function.Spec{
	Description: stdlib.CoalesceFunc.Description(),
	VarParam: &function.Parameter{
		Name:             "vals",
		Type:             cty.DynamicPseudoType,
		AllowUnknown:     true,
		AllowDynamicType: true,
		AllowNull:        true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		return stdlib.CoalesceFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		for _, arg := range args {
			val, err := convert.Convert(arg, retType)
			if err != nil {
				return cty.NilVal, err
			}
			if !val.IsKnown() {
				return cty.UnknownVal(retType), nil
			}
			if val.IsNull() || (retType == cty.String && val.AsString() == "") {
				continue
			}
			return val, nil
		}
		return cty.NilVal, fmt.Errorf("no non-null, non-empty-string arguments")
	},
})

// lengthFunc is Terraform's length, which also counts the characters of a
// string and the attributes of an object; cty's counts only collections
// and tuples.
var lengthFunc = function.New(&function.Spec{
	Description: stdlib.LengthFunc.Description(),
	Params: []function.Parameter{{
		Name:             "value",
		Type:             cty.DynamicPseudoType,
		AllowDynamicType: true,
	}},
	Type: function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		val := args[0]
		switch ty := val.Type(); {
		case ty == cty.String:
			return stdlib.Strlen(val)
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		case ty.IsTupleType() || ty.IsCollectionType():
			return stdlib.Length(val)
		default:
			return cty.NilVal, fmt.Errorf("argument must be a string, a collection type, or a structural type")
		}
	},
})
