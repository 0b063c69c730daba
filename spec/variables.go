package spec

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variableDecl is a variable block and the value it takes.
type variableDecl struct {
	name  string
	block *hcl.Block

	typ      cty.Type
	defaults *typeexpr.Defaults
	// literal is true when values given as text on the command line or in
	// the environment are strings, not expressions, because the type is
	// primitive or not given.
	literal     bool
	defaultAttr *hcl.Attribute
	validations []*hcl.Block

	value cty.Value
	// source is where the value was set, nil when it was not set.
	source *hcl.Range
}

// rawValue is one value given for an input variable from outside the
// configuration, before it is converted to the variable's type.
type rawValue struct {
	value cty.Value
	rng   hcl.Range
	// failed marks a value that was given but could not be read; the
	// error is already reported.
	failed bool
}

// evaluateVariables decodes the variable blocks, gathers the values given
// for them and builds the var object.
func (l *loader) evaluateVariables() {
	for _, v := range l.variableOrder {
		l.decodeVariable(v)
	}
	if l.diags.HasErrors() {
		return
	}

	// Gather values from lowest to highest precedence; later ones win.
	given := map[string]rawValue{}
	l.valuesFromEnviron(given)
	for _, path := range l.opts.VarFiles {
		l.valuesFromFile(path, given)
	}
	l.valuesFromArguments(given)

	values := make(map[string]cty.Value, len(l.variables))
	for _, v := range l.variableOrder {
		l.assignVariable(v, given)
		values[v.name] = v.value
	}
	l.vars = cty.ObjectVal(values)

	for _, v := range l.variableOrder {
		l.validateVariable(v)
	}
}

func (l *loader) decodeVariable(v *variableDecl) {
	content, diags := v.block.Body.Content(variableSchema)
	l.diags = append(l.diags, diags...)
	v.typ = cty.DynamicPseudoType
	v.literal = true
	if attr, ok := content.Attributes["type"]; ok {
		ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		l.diags = append(l.diags, diags...)
		if !diags.HasErrors() {
			v.typ, v.defaults = ty, defaults
			v.literal = ty.IsPrimitiveType()
		}
	}
	if attr, ok := content.Attributes["description"]; ok {
		var description string
		l.diags = append(l.diags, decodeConstant(attr, cty.String, &description)...)
	}
	v.defaultAttr = content.Attributes["default"]
	for _, block := range content.Blocks {
		v.validations = append(v.validations, block)
	}
}

// decodeConstant evaluates an attribute that may not refer to anything.
func decodeConstant(attr *hcl.Attribute, ty cty.Type, target *string) hcl.Diagnostics {
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	val, err := convert.Convert(val, ty)
	if err != nil {
		return hcl.Diagnostics{incorrectType(attr, err)}
	}
	if !val.IsNull() && target != nil {
		*target = val.AsString()
	}
	return nil
}

// valuesFromEnviron reads IAMSYNC_VAR_<name> variables. Variables that name
// no declared input variable are ignored, as a shell environment holds
// variables for more than one configuration.
func (l *loader) valuesFromEnviron(given map[string]rawValue) {
	for _, entry := range l.opts.Environ {
		key, text, ok := strings.Cut(entry, "=")
		if !ok || !strings.HasPrefix(key, EnvironmentPrefix) {
			continue
		}
		name := strings.TrimPrefix(key, EnvironmentPrefix)
		v, declared := l.variables[name]
		if !declared {
			continue
		}
		val, rng, ok := l.parseVariableText(v, text, fmt.Sprintf("<value for var.%s from %s>", name, key))
		given[name] = rawValue{value: val, rng: rng, failed: !ok}
	}
}

// valuesFromArguments reads -var arguments, in name order so that
// diagnostics come out in a stable order.
func (l *loader) valuesFromArguments(given map[string]rawValue) {
	for _, name := range keys(l.opts.Variables) {
		text := l.opts.Variables[name]
		v, declared := l.variables[name]
		if !declared {
			detail := fmt.Sprintf("A -var argument sets %q, but no variable %q block is declared.", name, name)
			if suggestion := nameSuggestion(name, keys(l.variables)); suggestion != "" {
				detail += fmt.Sprintf(" Did you mean %q?", suggestion)
			}
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   detail,
			})
			continue
		}
		val, rng, ok := l.parseVariableText(v, text, fmt.Sprintf("<value for var.%s>", name))
		given[name] = rawValue{value: val, rng: rng, failed: !ok}
	}
}

// parseVariableText turns text from the command line or the environment
// into a value: a string for literal variables, an HCL expression
// otherwise. The text is added to the parser's files under a made-up name,
// so that diagnostics about it print with a snippet.
func (l *loader) parseVariableText(v *variableDecl, text, filename string) (cty.Value, hcl.Range, bool) {
	src := []byte(text)
	l.parser.AddFile(filename, &hcl.File{Bytes: src})
	whole := hcl.Range{
		Filename: filename,
		Start:    hcl.InitialPos,
		End:      hcl.Pos{Line: 1, Column: len(text) + 1, Byte: len(text)},
	}
	if v.literal {
		return cty.StringVal(text), whole, true
	}

	expr, diags := hclsyntax.ParseExpression(src, filename, hcl.InitialPos)
	if !diags.HasErrors() {
		diags = append(diags, duplicateKeysInExpr(expr)...)
	}
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, whole, false
	}
	val, diags := expr.Value(nil)
	for _, d := range diags {
		// A bare word is a reference to HCL, which a value may not make.
		if d.Severity == hcl.DiagError && d.Summary == "Variables not allowed" {
			d.Summary = "Invalid value for input variable"
			d.Detail += fmt.Sprintf(" The variable %s is of type %s, so its value is written in HCL, "+
				"such as [\"a\", \"b\"] for a list or {key = \"value\"} for a map, and a string is quoted.",
				v.name, v.typ.FriendlyName())
		}
	}
	l.diags = append(l.diags, diags...)
	return val, expr.Range(), !diags.HasErrors()
}

// valuesFromFile reads a -var-file. Its attributes are constants: they may
// not refer to anything nor call functions, as in Terraform.
func (l *loader) valuesFromFile(path string, given map[string]rawValue) {
	src, err := os.ReadFile(path)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("Reading the variables file %s failed: %s.", path, err),
		})
		l.varFileFailed = true
		return
	}
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		file, diags = l.parser.ParseJSON(src, path)
	} else {
		file, diags = l.parser.ParseHCL(src, path)
		if body, ok := file.Body.(*hclsyntax.Body); ok && !diags.HasErrors() {
			diags = append(diags, duplicateKeysInBody(body)...)
		}
	}
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		l.varFileFailed = true
		return
	}

	attrs, diags := file.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	for _, attr := range sortedAttributes(attrs) {
		if _, declared := l.variables[attr.Name]; !declared {
			detail := fmt.Sprintf("The variables file sets %q, but no variable %q block is declared, "+
				"so the value is ignored.", attr.Name, attr.Name)
			if suggestion := nameSuggestion(attr.Name, keys(l.variables)); suggestion != "" {
				detail += fmt.Sprintf(" Did you mean %q?", suggestion)
			}
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   detail,
				Subject:  attr.NameRange.Ptr(),
			})
			continue
		}
		val, diags := attr.Expr.Value(nil)
		l.diags = append(l.diags, diags...)
		given[attr.Name] = rawValue{value: val, rng: attr.Expr.Range(), failed: diags.HasErrors()}
	}
}

// assignVariable sets v.value from the given values or the default,
// converted to the variable's type.
func (l *loader) assignVariable(v *variableDecl, given map[string]rawValue) {
	v.value = cty.DynamicVal
	raw, ok := given[v.name]
	switch {
	case ok && raw.failed:
		return
	case ok:
		v.source = raw.rng.Ptr()
	case v.defaultAttr != nil:
		val, diags := v.defaultAttr.Expr.Value(nil)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			return
		}
		raw = rawValue{value: val, rng: v.defaultAttr.Expr.Range()}
		v.source = raw.rng.Ptr()
	case l.varFileFailed:
		// The variables file that could not be read may set it: its
		// error is the one to fix.
		return
	default:
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No value for required variable",
			Detail: fmt.Sprintf("The input variable %q has no default value and none was given. Set it "+
				"with -var %s=VALUE, in a -var-file, or in the environment variable %s%s.",
				v.name, v.name, EnvironmentPrefix, v.name),
			Subject: v.block.DefRange.Ptr(),
		})
		return
	}

	val := raw.value
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	val, err := convert.Convert(val, v.typ)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for input variable",
			Detail: fmt.Sprintf("The value given for var.%s, declared at %s, is not suitable: %s.",
				v.name, v.block.DefRange, err),
			Subject: raw.rng.Ptr(),
			Context: v.block.DefRange.Ptr(),
		})
		return
	}
	v.value = val
}

// validateVariable checks the variable's validation blocks.
func (l *loader) validateVariable(v *variableDecl) {
	if !v.value.IsWhollyKnown() {
		return
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{rootVar: l.vars},
		Functions: l.funcs,
	}
	for _, block := range v.validations {
		content, diags := block.Body.Content(validationSchema)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			continue
		}
		condition := content.Attributes["condition"]
		result, diags := condition.Expr.Value(ctx)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			continue
		}
		result, err := convert.Convert(result, cty.Bool)
		if err != nil || result.IsNull() {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity:    hcl.DiagError,
				Summary:     "Invalid validation condition",
				Detail:      "The condition must be true or false.",
				Subject:     condition.Expr.Range().Ptr(),
				Expression:  condition.Expr,
				EvalContext: ctx,
			})
			continue
		}
		if result.True() {
			continue
		}

		message := "The value is not valid."
		messageAttr := content.Attributes["error_message"]
		if val, diags := messageAttr.Expr.Value(ctx); !diags.HasErrors() {
			if s, err := convert.Convert(val, cty.String); err == nil && !s.IsNull() && s.IsKnown() {
				message = s.AsString()
			}
		}
		subject := v.source
		if subject == nil {
			subject = v.block.DefRange.Ptr()
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("%s\n\nThis was checked by the validation rule at %s.",
				message, condition.Expr.Range()),
			Subject: subject,
		})
	}
}
