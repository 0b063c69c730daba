package spec

import (
	"sort"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// encodedDocuments keeps the parsed form of the objects that jsonencode
// encoded while a configuration loads, by their text. Most policy documents
// are written as jsonencode({...}), and decodeDocument takes the parsed form
// from here instead of parsing the text that jsonencode has just written.
type encodedDocuments map[string]*policydoc.Document

// jsonEncodeFunc returns cty's jsonencode, with the same results. A
// policydoc.Builder writes an object or map of known, unmarked values and
// builds its parsed form, which is kept in docs unless docs is nil. cty's
// function writes anything else, and any object that Parse would reject.
func jsonEncodeFunc(docs encodedDocuments) function.Function {
	return function.New(&function.Spec{
		Description: stdlib.JSONEncodeFunc.Description(),
		Params: []function.Parameter{{
			Name:             "val",
			Type:             cty.DynamicPseudoType,
			AllowUnknown:     true,
			AllowDynamicType: true,
			AllowNull:        true,
			// Marks are left to cty's function, so that the value is not
			// copied to take its marks off.
			AllowMarked: true,
		}},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			val := args[0]
			if ty := val.Type(); ty.IsObjectType() || ty.IsMapType() {
				var b policydoc.Builder
				if buildJSON(&b, val) {
					if doc, ok := b.Document(); ok {
						text := cty.StringVal(doc.String())
						// cty normalizes strings; the document is kept
						// only when that left its text as it was.
						if docs != nil && text.AsString() == doc.String() {
							docs[doc.String()] = doc
						}
						return text, nil
					}
				}
			}
			return stdlib.JSONEncodeFunc.Call(args)
		},
	})
}

// buildJSON describes val to b as cty's JSON encoding writes it: object
// attributes and map keys in sorted order, numbers in their shortest
// decimal form. It returns false for a value that it leaves to cty: unknown,
// marked, infinite, or of a type cty writes with type information.
func buildJSON(b *policydoc.Builder, val cty.Value) bool {
	if val.IsMarked() || !val.IsKnown() {
		return false
	}
	ty := val.Type()
	if val.IsNull() {
		b.Null()
		return true
	}
	switch {
	case ty == cty.String:
		b.String(val.AsString())
	case ty == cty.Bool:
		b.Bool(val.True())
	case ty == cty.Number:
		if val.RawEquals(cty.PositiveInfinity) || val.RawEquals(cty.NegativeInfinity) {
			return false
		}
		b.Number(val.AsBigFloat().Text('f', -1))
	case ty.IsObjectType():
		attrs := ty.AttributeTypes()
		names := make([]string, 0, len(attrs))
		for name := range attrs {
			names = append(names, name)
		}
		sort.Strings(names)
		b.BeginObject()
		for _, name := range names {
			b.Key(name)
			if !buildJSON(b, val.GetAttr(name)) {
				return false
			}
		}
		b.End()
	case ty.IsMapType():
		b.BeginObject()
		for it := val.ElementIterator(); it.Next(); {
			key, elem := it.Element()
			b.Key(key.AsString())
			if !buildJSON(b, elem) {
				return false
			}
		}
		b.End()
	case ty.IsListType(), ty.IsSetType(), ty.IsTupleType():
		b.BeginArray()
		for it := val.ElementIterator(); it.Next(); {
			_, elem := it.Element()
			if !buildJSON(b, elem) {
				return false
			}
		}
		b.End()
	default:
		// Capsules and values of the dynamic pseudo-type.
		return false
	}
	return true
}
