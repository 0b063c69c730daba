package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// declarations are the blocks of all files, collected before evaluation.
type declarations struct {
	scope, account, passwordPolicy *hcl.Block
	provider                       *hcl.Block

	variables     map[string]*variableDecl
	variableOrder []*variableDecl
	locals        map[string]*localDecl
	localOrder    []*localDecl
	documents     map[string]*documentDecl
	documentOrder []*documentDecl
	// entities maps a block type to the blocks of that type by label.
	entities    map[string]map[string]*entityDecl
	entityOrder []*entityDecl
}

func newDeclarations() declarations {
	d := declarations{
		variables: map[string]*variableDecl{},
		locals:    map[string]*localDecl{},
		documents: map[string]*documentDecl{},
		entities:  map[string]map[string]*entityDecl{},
	}
	for _, typ := range entityTypes {
		d.entities[typ] = map[string]*entityDecl{}
	}
	return d
}

// localDecl is one attribute of a locals block.
type localDecl struct {
	attr  *hcl.Attribute
	value cty.Value
	done  bool
}

// declare collects the blocks of one file.
func (l *loader) declare(file *hcl.File) {
	content, diags := file.Body.Content(rootSchema)
	l.diags = append(l.diags, diags...)
	if content == nil {
		return
	}

	for _, block := range content.Blocks {
		switch block.Type {
		case blockScope:
			l.declareSingleton(&l.scope, block)
		case blockAccount:
			l.declareSingleton(&l.account, block)
		case blockPasswordPolicy:
			l.declareSingleton(&l.passwordPolicy, block)
		case blockProvider:
			l.declareSingleton(&l.provider, block)
		case blockVariable:
			l.declareVariable(block)
		case blockLocals:
			l.declareLocals(block)
		case blockPolicyDocument:
			l.declareDocument(block)
		default:
			l.declareEntity(block)
		}
	}
}

// declareSingleton keeps a block that may appear at most once.
func (l *loader) declareSingleton(slot **hcl.Block, block *hcl.Block) {
	if *slot != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Duplicate %s block", block.Type),
			Detail: fmt.Sprintf("A configuration has at most one %s block, and one is already declared at %s. "+
				"Merge the two blocks into one.", block.Type, (*slot).DefRange),
			Subject: block.DefRange.Ptr(),
		})
		return
	}
	*slot = block
}

// checkLabel reports a block label that cannot be used in references.
func (l *loader) checkLabel(block *hcl.Block) bool {
	label := block.Labels[0]
	if hclsyntax.ValidIdentifier(label) {
		return true
	}
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s label", block.Type),
		Detail: fmt.Sprintf("The label %q cannot be used in references. A label starts with a letter or "+
			"underscore and contains only letters, digits, underscores and dashes; the IAM name, "+
			"which may contain other characters, goes in the name argument.", label),
		Subject: block.LabelRanges[0].Ptr(),
	})
	return false
}

// duplicateLabel reports a block whose type and label were already declared.
func (l *loader) duplicateLabel(block *hcl.Block, previous hcl.Range) {
	// "An instance_profile block", but "a user block": u is left out.
	article := "A"
	switch block.Type[0] {
	case 'a', 'e', 'i', 'o':
		article = "An"
	}
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s block", block.Type),
		Detail: fmt.Sprintf("%s %s block labelled %q is already declared at %s. Labels must be unique "+
			"within a block type: rename one of the blocks.", article, block.Type, block.Labels[0], previous),
		Subject: block.LabelRanges[0].Ptr(),
	})
}

func (l *loader) declareVariable(block *hcl.Block) {
	if !l.checkLabel(block) {
		return
	}
	name := block.Labels[0]
	if previous, ok := l.variables[name]; ok {
		l.duplicateLabel(block, previous.block.DefRange)
		return
	}
	v := &variableDecl{name: name, block: block}
	l.variables[name] = v
	l.variableOrder = append(l.variableOrder, v)
}

func (l *loader) declareLocals(block *hcl.Block) {
	attrs, diags := block.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	for _, attr := range sortedAttributes(attrs) {
		if previous, ok := l.locals[attr.Name]; ok {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate local value",
				Detail: fmt.Sprintf("The local value %q is already defined at %s. Local value names "+
					"must be unique across all locals blocks.", attr.Name, previous.attr.NameRange),
				Subject: attr.NameRange.Ptr(),
			})
			continue
		}
		local := &localDecl{attr: attr}
		l.locals[attr.Name] = local
		l.localOrder = append(l.localOrder, local)
	}
}

func (l *loader) declareDocument(block *hcl.Block) {
	if !l.checkLabel(block) {
		return
	}
	name := block.Labels[0]
	if previous, ok := l.documents[name]; ok {
		l.duplicateLabel(block, previous.block.DefRange)
		return
	}
	d := &documentDecl{name: name, block: block}
	l.documents[name] = d
	l.documentOrder = append(l.documentOrder, d)
}

func (l *loader) declareEntity(block *hcl.Block) {
	if !l.checkLabel(block) {
		return
	}
	label := block.Labels[0]
	byLabel := l.entities[block.Type]
	if previous, ok := byLabel[label]; ok {
		l.duplicateLabel(block, previous.block.DefRange)
		return
	}
	identity, diags := identityAttributes(block.Body)
	l.diags = append(l.diags, diags...)
	e := &entityDecl{typ: block.Type, label: label, block: block, identity: identity}
	_, e.hasForEach = identity["for_each"]
	byLabel[label] = e
	l.entityOrder = append(l.entityOrder, e)
}

// identityAttributes returns the attributes of identitySchema that body
// sets. A native-syntax body is read directly, which gives what
// PartialContent gives for that schema, without the copy of the body that
// PartialContent makes for the attributes it leaves.
func identityAttributes(body hcl.Body) (hcl.Attributes, hcl.Diagnostics) {
	native, ok := body.(*hclsyntax.Body)
	if !ok {
		content, _, diags := body.PartialContent(identitySchema)
		return content.Attributes, diags
	}
	attrs := make(hcl.Attributes, len(identitySchema.Attributes))
	for _, as := range identitySchema.Attributes {
		if attr, ok := native.Attributes[as.Name]; ok {
			attrs[as.Name] = attr.AsHCLAttribute()
		}
	}
	return attrs, nil
}

// sortedAttributes returns attributes in source order, which is
// deterministic where map order is not.
func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, attr := range attrs {
		out = append(out, attr)
	}
	sortAttributes(out)
	return out
}
