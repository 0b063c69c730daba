package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/zclconf/go-cty/cty"
)

// documentDecl is a policy_document block. It builds a policy document the
// way the Terraform AWS provider's aws_iam_policy_document data source does,
// and its json attribute is the minified JSON text.
//
// Unlike the data source, lists keep the order they are written in; the
// provider sorts them, which changes nothing for IAM.
type documentDecl struct {
	name  string
	block *hcl.Block
	refs  []hcl.Traversal
	value cty.Value
}

// Policy document versions that IAM accepts.
const (
	policyVersionCurrent = "2012-10-17"
	policyVersionOld     = "2008-10-17"
)

// policyVariableReplacer turns &{aws:username} into ${aws:username}. HCL
// would read ${...} as interpolation, so policy variables are written with
// an ampersand, as in the Terraform AWS provider.
var policyVariableReplacer = strings.NewReplacer("&{", "${")

func (d *documentDecl) nodeID() string       { return blockPolicyDocument + "." + d.name }
func (d *documentDecl) nodeRange() hcl.Range { return d.block.DefRange }

func (d *documentDecl) references() []hcl.Traversal {
	if d.refs == nil {
		d.refs = bodyTraversals(d.block.Body, policyDocumentSchema)
	}
	return d.refs
}

func (d *documentDecl) evaluate(l *loader) {
	d.value = cty.DynamicVal
	b := &documentBuilder{l: l, ctx: l.contextFor(d.references())}
	text, ok := b.build(d.block)
	if ok {
		d.value = cty.ObjectVal(map[string]cty.Value{"json": cty.StringVal(text)})
	}
}

// documentBuilder builds the JSON of one policy_document block.
type documentBuilder struct {
	l      *loader
	ctx    *hcl.EvalContext
	failed bool
}

func (b *documentBuilder) report(diags ...*hcl.Diagnostic) {
	for _, d := range diags {
		if d == nil {
			continue
		}
		b.l.diags = append(b.l.diags, d)
		if d.Severity == hcl.DiagError {
			b.failed = true
		}
	}
}

// policyJSON is a policy document, with fields in IAM's conventional order.
type policyJSON struct {
	Version   string `json:"Version,omitempty"`
	ID        string `json:"Id,omitempty"`
	Statement []any  `json:"Statement"`
}

// statementJSON is a statement built from a statement block.
type statementJSON struct {
	Sid          string `json:"Sid,omitempty"`
	Effect       string `json:"Effect,omitempty"`
	Action       any    `json:"Action,omitempty"`
	NotAction    any    `json:"NotAction,omitempty"`
	Resource     any    `json:"Resource,omitempty"`
	NotResource  any    `json:"NotResource,omitempty"`
	Principal    any    `json:"Principal,omitempty"`
	NotPrincipal any    `json:"NotPrincipal,omitempty"`
	Condition    any    `json:"Condition,omitempty"`
}

// build merges, in this order, the source documents, the block's own
// statements and the override documents. A statement with a Sid replaces
// the earlier statement with the same Sid; any other is appended.
func (b *documentBuilder) build(block *hcl.Block) (string, bool) {
	body := dynblock.Expand(block.Body, b.ctx)
	content, diags := body.Content(policyDocumentSchema.body)
	b.report(diags...)
	if content == nil {
		return "", false
	}
	r := b.l.newReader(content.Attributes, b.ctx)

	merged := &policyJSON{Statement: []any{}}
	b.mergeSources(r, merged)

	own := &policyJSON{Version: policyVersionCurrent}
	own.Version = r.strDefault("version", policyVersionCurrent)
	if own.Version != policyVersionCurrent && own.Version != policyVersionOld {
		r.invalid("version", fmt.Sprintf("%q is not a policy language version. Use %q, or %q for old documents.",
			own.Version, policyVersionCurrent, policyVersionOld))
	}
	own.ID = r.strDefault("policy_id", "")
	sids := map[string]hcl.Range{}
	for _, sb := range content.Blocks.OfType("statement") {
		if stmt := b.statement(sb, own.Version, sids); stmt != nil {
			own.Statement = append(own.Statement, stmt)
		}
	}
	merged.merge(own)

	if overrides, ok := r.stringList("override_policy_documents"); ok {
		for i, text := range overrides {
			if doc := b.parseInput(text, "override_policy_documents", r.elementRange("override_policy_documents", i)); doc != nil {
				merged.merge(doc)
			}
		}
	}
	if b.failed || r.failedAny() {
		return "", false
	}
	return encodeJSON(merged), true
}

// mergeSources merges source_policy_documents, whose Sids must be unique
// across all of them.
func (b *documentBuilder) mergeSources(r *attrReader, merged *policyJSON) {
	sources, ok := r.stringList("source_policy_documents")
	if !ok {
		return
	}
	seen := map[string]bool{}
	for i, text := range sources {
		rng := r.elementRange("source_policy_documents", i)
		doc := b.parseInput(text, "source_policy_documents", rng)
		if doc == nil {
			continue
		}
		for _, stmt := range doc.Statement {
			sid := sidOf(stmt)
			if sid == "" {
				continue
			}
			if seen[sid] {
				b.report(errorAt(rng, "Duplicate Sid in source documents", fmt.Sprintf(
					"The Sid %q appears in more than one statement of source_policy_documents. Sids of source "+
						"documents must be unique; use override_policy_documents to replace a statement.", sid)))
			}
			seen[sid] = true
		}
		merged.merge(doc)
	}
}

// parseInput parses a source or override document.
func (b *documentBuilder) parseInput(text, attr string, rng hcl.Range) *policyJSON {
	var raw struct {
		Version   string          `json:"Version"`
		ID        string          `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	invalid := func(err error) *policyJSON {
		b.report(errorAt(rng, "Invalid policy document", fmt.Sprintf(
			"An element of %s is not a policy document: %s.", attr, err)))
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return invalid(err)
	}

	doc := &policyJSON{Version: raw.Version, ID: raw.ID}
	trimmed := bytes.TrimSpace(raw.Statement)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return doc
	}
	var statements []any
	if trimmed[0] == '{' {
		// IAM takes a single statement object for a one-element list.
		trimmed = append(append([]byte{'['}, trimmed...), ']')
	}
	dec = json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&statements); err != nil {
		return invalid(err)
	}
	doc.Statement = statements
	return doc
}

// merge merges other into p, as the provider's data source does: other's
// Id wins when set, the later Version wins, and statements with a Sid
// replace those with the same Sid.
func (p *policyJSON) merge(other *policyJSON) {
	if other.ID != "" {
		p.ID = other.ID
	}
	if other.Version > p.Version {
		p.Version = other.Version
	}
	for _, stmt := range other.Statement {
		sid := sidOf(stmt)
		replaced := false
		if sid != "" {
			for i, existing := range p.Statement {
				if sidOf(existing) == sid {
					p.Statement[i] = stmt
					replaced = true
					break
				}
			}
		}
		if !replaced {
			p.Statement = append(p.Statement, stmt)
		}
	}
}

func sidOf(stmt any) string {
	switch s := stmt.(type) {
	case *statementJSON:
		return s.Sid
	case map[string]any:
		sid, _ := s["Sid"].(string)
		return sid
	}
	return ""
}

// statement builds the JSON of one statement block.
func (b *documentBuilder) statement(block *hcl.Block, version string, sids map[string]hcl.Range) *statementJSON {
	content, diags := block.Body.Content(policyDocumentSchema.nested["statement"].body)
	b.report(diags...)
	if content == nil {
		return nil
	}
	r := b.l.newReader(content.Attributes, b.ctx)
	stmt := &statementJSON{Sid: r.strDefault("sid", ""), Effect: r.strDefault("effect", "Allow")}

	if stmt.Sid != "" {
		if previous, ok := sids[stmt.Sid]; ok {
			b.report(errorAt(r.ranges["sid"], "Duplicate Sid", fmt.Sprintf(
				"A statement with Sid %q is already declared at %s. Sids must be unique within a document.",
				stmt.Sid, previous)))
		}
		sids[stmt.Sid] = r.ranges["sid"]
	}
	if stmt.Effect != "Allow" && stmt.Effect != "Deny" {
		r.invalid("effect", fmt.Sprintf("%q is not an effect; use \"Allow\" or \"Deny\".", stmt.Effect))
	}

	stmt.Action = b.stringList(r, "actions", version, false)
	stmt.NotAction = b.stringList(r, "not_actions", version, false)
	stmt.Resource = b.stringList(r, "resources", version, true)
	stmt.NotResource = b.stringList(r, "not_resources", version, true)
	stmt.Principal = b.principals(content.Blocks.OfType("principals"), version)
	stmt.NotPrincipal = b.principals(content.Blocks.OfType("not_principals"), version)
	stmt.Condition = b.conditions(content.Blocks.OfType("condition"), version)
	if r.failedAny() {
		b.failed = true
	}
	return stmt
}

// stringList returns a list attribute as IAM writes it: nil when empty, a
// string for one element, a list otherwise. With variables set, &{...} is
// turned into a policy variable.
func (b *documentBuilder) stringList(r *attrReader, name, version string, variables bool) any {
	list, ok := r.stringList(name)
	if !ok || len(list) == 0 {
		return nil
	}
	if variables {
		list = b.replaceVariables(list, version, r.ranges[name])
	}
	return singleOrList(list)
}

func singleOrList(list []string) any {
	if len(list) == 1 {
		return list[0]
	}
	return list
}

func (b *documentBuilder) replaceVariables(list []string, version string, rng hcl.Range) []string {
	out := make([]string, len(list))
	for i, s := range list {
		if version == policyVersionOld && strings.Contains(s, "&{") {
			b.report(errorAt(rng, "Policy variable in an old document", fmt.Sprintf(
				"%q uses a policy variable, which version %s does not support. Set version to %q.",
				s, policyVersionOld, policyVersionCurrent)))
		}
		out[i] = policyVariableReplacer.Replace(s)
	}
	return out
}

// principals builds a Principal or NotPrincipal element. Blocks of the same
// type add to one list. A single "*" block of type "*" is the bare "*".
func (b *documentBuilder) principals(blocks hcl.Blocks, version string) any {
	if len(blocks) == 0 {
		return nil
	}
	byType := map[string][]string{}
	var order []string
	for _, block := range blocks {
		content, diags := block.Body.Content(principalsSchema.body)
		b.report(diags...)
		r := b.l.newReader(content.Attributes, b.ctx)
		typ, ok := r.str("type")
		identifiers, ok2 := r.stringList("identifiers")
		if !ok || !ok2 {
			b.failed = true
			continue
		}
		if _, seen := byType[typ]; !seen {
			order = append(order, typ)
		}
		byType[typ] = append(byType[typ], b.replaceVariables(identifiers, version, r.ranges["identifiers"])...)
	}
	if len(order) == 1 && order[0] == "*" && len(byType["*"]) == 1 && byType["*"][0] == "*" {
		return "*"
	}
	out := make(map[string]any, len(byType))
	for typ, identifiers := range byType {
		out[typ] = singleOrList(identifiers)
	}
	return out
}

// conditions builds a Condition element. Blocks with the same test and
// variable add to one list of values.
func (b *documentBuilder) conditions(blocks hcl.Blocks, version string) any {
	if len(blocks) == 0 {
		return nil
	}
	values := map[string]map[string][]string{}
	for _, block := range blocks {
		content, diags := block.Body.Content(policyDocumentSchema.nested["statement"].nested["condition"].body)
		b.report(diags...)
		r := b.l.newReader(content.Attributes, b.ctx)
		test, ok1 := r.str("test")
		variable, ok2 := r.str("variable")
		list, ok3 := r.stringList("values")
		if !ok1 || !ok2 || !ok3 {
			b.failed = true
			continue
		}
		if values[test] == nil {
			values[test] = map[string][]string{}
		}
		values[test][variable] = append(values[test][variable], b.replaceVariables(list, version, r.ranges["values"])...)
	}
	out := make(map[string]any, len(values))
	for test, byVariable := range values {
		inner := make(map[string]any, len(byVariable))
		for variable, list := range byVariable {
			if len(list) == 0 {
				inner[variable] = []string{}
				continue
			}
			inner[variable] = singleOrList(list)
		}
		out[test] = inner
	}
	return out
}

// encodeJSON writes minified JSON without escaping <, > and &, which IAM
// does not need and people do not expect.
func encodeJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("spec: encoding a policy document: %v", err))
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
