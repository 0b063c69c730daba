package spec

import (
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// attrReader evaluates the attributes of one block body and records where
// each was set. A getter returns ok false when the attribute is absent or
// null, or when its value is unusable. An unusable value is reported here,
// unless it is unknown: an unknown value comes from an error already
// reported where it arose.
type attrReader struct {
	l      *loader
	attrs  hcl.Attributes
	ctx    *hcl.EvalContext
	ranges map[string]hcl.Range
	// failed records attributes whose value could not be used, null those
	// set to null. Both stay nil until an attribute is recorded, because
	// most bodies have neither and a large configuration has many bodies.
	failed map[string]bool
	null   map[string]bool
}

func (l *loader) newReader(attrs hcl.Attributes, ctx *hcl.EvalContext) *attrReader {
	return l.newSharedReader(attrs, ctx, nil)
}

// newSharedReader returns a reader of attrs in ctx. ranges, when not nil,
// holds the ranges of attrs already, from a reader of the same attributes
// in another instance of a for_each block, and is shared instead of built
// again.
func (l *loader) newSharedReader(attrs hcl.Attributes, ctx *hcl.EvalContext, ranges map[string]hcl.Range) *attrReader {
	r := &attrReader{l: l, attrs: attrs, ctx: ctx, ranges: ranges}
	if r.ranges == nil {
		r.ranges = make(map[string]hcl.Range, len(attrs))
		for name, attr := range attrs {
			r.ranges[name] = attr.Expr.Range()
		}
	}
	return r
}

// markFailed records that the attribute's value could not be used.
func (r *attrReader) markFailed(name string) {
	if r.failed == nil {
		r.failed = map[string]bool{}
	}
	r.failed[name] = true
}

// markNull records that the attribute is set to null.
func (r *attrReader) markNull(name string) {
	if r.null == nil {
		r.null = map[string]bool{}
	}
	r.null[name] = true
}

func (r *attrReader) report(diags ...*hcl.Diagnostic) {
	r.l.diags = append(r.l.diags, diags...)
}

// has reports whether the attribute is set, even to null.
func (r *attrReader) has(name string) bool {
	_, ok := r.attrs[name]
	return ok
}

// set reports whether the attribute was read and holds a usable, non-null
// value.
func (r *attrReader) set(name string) bool {
	return r.has(name) && !r.failed[name] && !r.null[name]
}

// rangeOf returns the range of the attribute's value, or fallback when the
// attribute is absent.
func (r *attrReader) rangeOf(name string, fallback hcl.Range) hcl.Range {
	if rng, ok := r.ranges[name]; ok {
		return rng
	}
	return fallback
}

// value evaluates the attribute and converts it to ty. A tuple of strings
// stands for a list of strings, and an object of strings for a map of
// strings, without the conversion, because the getters read them the same
// way and a large configuration writes thousands of them.
func (r *attrReader) value(name string, ty cty.Type) (cty.Value, bool) {
	attr, ok := r.attrs[name]
	if !ok {
		return cty.NilVal, false
	}
	val, diags := attr.Expr.Value(r.ctx)
	r.report(diags...)
	if diags.HasErrors() || !val.IsWhollyKnown() {
		r.markFailed(name)
		return cty.NilVal, false
	}
	if !val.IsNull() && stringsOf(val.Type(), ty) {
		return val, true
	}
	converted, err := convert.Convert(val, ty)
	if err != nil {
		r.report(incorrectType(attr, err))
		r.markFailed(name)
		return cty.NilVal, false
	}
	if converted.IsNull() {
		r.markNull(name)
		return cty.NilVal, false
	}
	return converted, true
}

// stringsOf reports whether have is a tuple type of strings and want a
// list of strings, or have an object type of strings and want a map of
// strings.
func stringsOf(have, want cty.Type) bool {
	switch {
	case want.Equals(cty.List(cty.String)) && have.IsTupleType():
		for _, elem := range have.TupleElementTypes() {
			if !elem.Equals(cty.String) {
				return false
			}
		}
		return true
	case want.Equals(cty.Map(cty.String)) && have.IsObjectType():
		for _, attr := range have.AttributeTypes() {
			if !attr.Equals(cty.String) {
				return false
			}
		}
		return true
	}
	return false
}

func incorrectType(attr *hcl.Attribute, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Incorrect attribute value type",
		Detail:   fmt.Sprintf("Inappropriate value for attribute %q: %s.", attr.Name, err),
		Subject:  attr.Expr.Range().Ptr(),
	}
}

func (r *attrReader) invalid(name, detail string) {
	r.markFailed(name)
	r.report(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s", name),
		Detail:   detail,
		Subject:  r.attrs[name].Expr.Range().Ptr(),
	})
}

func (r *attrReader) str(name string) (string, bool) {
	val, ok := r.value(name, cty.String)
	if !ok {
		return "", false
	}
	return val.AsString(), true
}

// strDefault returns the attribute's string, or def when it is not set.
func (r *attrReader) strDefault(name, def string) string {
	if s, ok := r.str(name); ok {
		return s
	}
	return def
}

func (r *attrReader) boolean(name string, def bool) bool {
	val, ok := r.value(name, cty.Bool)
	if !ok {
		return def
	}
	return val.True()
}

// integer returns the attribute as a whole number that fits in 32 bits, as
// every number IAM takes does.
func (r *attrReader) integer(name string, def int32) int32 {
	val, ok := r.value(name, cty.Number)
	if !ok {
		return def
	}
	bf := val.AsBigFloat()
	n, accuracy := bf.Int64()
	if !bf.IsInt() || accuracy != big.Exact || n < -1<<31 || n >= 1<<31 {
		r.invalid(name, fmt.Sprintf("The value of %s must be a whole number, such as 3600; %s is not.",
			name, bf.Text('f', -1)))
		return def
	}
	return int32(n)
}

// stringList returns the attribute as a list of strings. The list is
// non-nil when the attribute is set, even to an empty list.
func (r *attrReader) stringList(name string) ([]string, bool) {
	val, ok := r.value(name, cty.List(cty.String))
	if !ok {
		return nil, false
	}
	out := make([]string, 0, val.LengthInt())
	for i, elem := range val.AsValueSlice() {
		if elem.IsNull() {
			r.report(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Invalid %s", name),
				Detail:   fmt.Sprintf("Element %d of %s is null; every element must be a string.", i, name),
				Subject:  r.elementRange(name, i).Ptr(),
			})
			return nil, false
		}
		out = append(out, elem.AsString())
	}
	return out, true
}

// elementRange returns the range of the i-th element of a list written as
// a tuple, such as ["a", "b"], or of the whole value otherwise.
func (r *attrReader) elementRange(name string, i int) hcl.Range {
	return elementRange(r.attrs[name].Expr, i)
}

func elementRange(expr hcl.Expression, i int) hcl.Range {
	if tuple, ok := expr.(*hclsyntax.TupleConsExpr); ok && i < len(tuple.Exprs) {
		return tuple.Exprs[i].Range()
	}
	return expr.Range()
}

// stringMap returns the attribute as a map of strings, non-nil when set.
func (r *attrReader) stringMap(name string) (map[string]string, bool) {
	val, ok := r.value(name, cty.Map(cty.String))
	if !ok {
		return nil, false
	}
	out := make(map[string]string, val.LengthInt())
	for k, elem := range val.AsValueMap() {
		if elem.IsNull() {
			r.invalid(name, fmt.Sprintf("The value of %q in %s is null; every value must be a string.", k, name))
			return nil, false
		}
		out[k] = elem.AsString()
	}
	return out, true
}

// timestamp returns the attribute as an RFC 3339 date or date and time. A
// date alone means midnight UTC at the start of that day.
func (r *attrReader) timestamp(name string) *time.Time {
	text, ok := r.str(name)
	if !ok {
		return nil
	}
	t, err := parseTimestamp(text)
	if err != nil {
		r.invalid(name, fmt.Sprintf("The value %q is not an RFC 3339 date or time. Write a date such as "+
			"2027-06-30, which means midnight UTC at its start, or a time such as 2027-06-30T18:00:00Z.", text))
		return nil
	}
	return &t
}

func parseTimestamp(text string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, text); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, text)
}

// sortAttributes orders attributes by where they appear in the source.
func sortAttributes(attrs []*hcl.Attribute) {
	sort.Slice(attrs, func(i, j int) bool { return rangeLess(attrs[i].Range, attrs[j].Range) })
}

func rangeLess(a, b hcl.Range) bool {
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	return a.Start.Byte < b.Start.Byte
}

// singleBlock returns the only block of a type, reporting any extra ones.
func (l *loader) singleBlock(blocks hcl.Blocks, typ string) *hcl.Block {
	var first *hcl.Block
	for _, block := range blocks {
		if block.Type != typ {
			continue
		}
		if first == nil {
			first = block
			continue
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Duplicate %s block", typ),
			Detail: fmt.Sprintf("At most one %s block is allowed here, and one is already declared at %s.",
				typ, first.DefRange),
			Subject: block.DefRange.Ptr(),
		})
	}
	return first
}

// failedAny reports whether any attribute failed to decode.
func (r *attrReader) failedAny() bool {
	return len(r.failed) > 0
}
