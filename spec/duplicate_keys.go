package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// checkDuplicateKeys reports every object constructor of a native-syntax
// file that gives the same key twice, such as
//
//	{ Effect = "Deny", Action = "s3:*", Effect = "Allow" }
//
// HCL keeps the last value of a repeated key and drops the others without
// a word, so that a statement written this way would allow what it seems
// to deny. The JSON syntax and policy documents written as JSON text already
// reject repeated keys. Only keys known without evaluation are compared:
// names, and quoted strings without references.
func (l *loader) checkDuplicateKeys(file *hcl.File) {
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return
	}
	l.diags = append(l.diags, duplicateKeysInBody(body)...)
}

func duplicateKeysInBody(body *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, attr := range body.Attributes {
		diags = append(diags, duplicateKeysInExpr(attr.Expr)...)
	}
	for _, block := range body.Blocks {
		diags = append(diags, duplicateKeysInBody(block.Body)...)
	}
	return diags
}

// duplicateKeysInExpr checks the object constructors of an expression and
// of the expressions inside it. It walks the expression kinds that hold
// others, instead of every node with hclsyntax.VisitAll, which allocates
// for each node: a configuration of thousands of entities has far more
// names and strings than objects.
func duplicateKeysInExpr(expr hclsyntax.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var walk func(hclsyntax.Expression)
	walk = func(expr hclsyntax.Expression) {
		switch e := expr.(type) {
		case *hclsyntax.ObjectConsExpr:
			diags = append(diags, duplicateKeys(e)...)
			for _, item := range e.Items {
				walk(item.KeyExpr)
				walk(item.ValueExpr)
			}
		case *hclsyntax.ObjectConsKeyExpr:
			walk(e.Wrapped)
		case *hclsyntax.TupleConsExpr:
			for _, elem := range e.Exprs {
				walk(elem)
			}
		case *hclsyntax.FunctionCallExpr:
			for _, arg := range e.Args {
				walk(arg)
			}
		case *hclsyntax.ConditionalExpr:
			walk(e.Condition)
			walk(e.TrueResult)
			walk(e.FalseResult)
		case *hclsyntax.ForExpr:
			walk(e.CollExpr)
			if e.KeyExpr != nil {
				walk(e.KeyExpr)
			}
			walk(e.ValExpr)
			if e.CondExpr != nil {
				walk(e.CondExpr)
			}
		case *hclsyntax.ParenthesesExpr:
			walk(e.Expression)
		case *hclsyntax.IndexExpr:
			walk(e.Collection)
			walk(e.Key)
		case *hclsyntax.RelativeTraversalExpr:
			walk(e.Source)
		case *hclsyntax.SplatExpr:
			walk(e.Source)
			walk(e.Each)
		case *hclsyntax.BinaryOpExpr:
			walk(e.LHS)
			walk(e.RHS)
		case *hclsyntax.UnaryOpExpr:
			walk(e.Val)
		case *hclsyntax.TemplateExpr:
			for _, part := range e.Parts {
				walk(part)
			}
		case *hclsyntax.TemplateWrapExpr:
			walk(e.Wrapped)
		case *hclsyntax.TemplateJoinExpr:
			walk(e.Tuple)
		}
	}
	walk(expr)
	return diags
}

// duplicateKeys reports the keys that an object constructor repeats.
func duplicateKeys(object *hclsyntax.ObjectConsExpr) hcl.Diagnostics {
	if len(object.Items) < 2 {
		return nil
	}
	var diags hcl.Diagnostics
	// Objects are small: a scan of the keys before costs less than a map,
	// and the first eight keys need no allocation.
	var keyBuf [8]string
	var itemBuf [8]int
	keys, items := keyBuf[:0], itemBuf[:0]
	for i, item := range object.Items {
		key, ok := staticObjectKey(item.KeyExpr)
		if !ok {
			continue
		}
		first := -1
		for j, k := range keys {
			if k == key {
				first = j
				break
			}
		}
		if first < 0 {
			keys = append(keys, key)
			items = append(items, i)
			continue
		}
		was := object.Items[items[first]].KeyExpr.Range()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate object key",
			Detail: fmt.Sprintf("The key %q is already given at line %d, column %d. An object keeps only the last value "+
				"of a repeated key and drops the others, so remove one of them.", key, was.Start.Line, was.Start.Column),
			Subject: item.KeyExpr.Range().Ptr(),
			Context: object.SrcRange.Ptr(),
		})
	}
	return diags
}

// staticObjectKey returns the key of an object item when it is known
// without evaluation: a bare name, or a quoted string without
// interpolations.
func staticObjectKey(expr hclsyntax.Expression) (string, bool) {
	if wrapped, ok := expr.(*hclsyntax.ObjectConsKeyExpr); ok {
		if !wrapped.ForceNonLiteral {
			if name := hcl.ExprAsKeyword(wrapped.Wrapped); name != "" {
				return name, true
			}
		}
		expr = wrapped.Wrapped
	}
	var val cty.Value
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		val = e.Val
	case *hclsyntax.TemplateExpr:
		if !e.IsStringLiteral() {
			return "", false
		}
		val = e.Parts[0].(*hclsyntax.LiteralValueExpr).Val
	default:
		return "", false
	}
	if val.IsNull() || !val.IsKnown() || val.Type() != cty.String {
		return "", false
	}
	return val.AsString(), true
}
