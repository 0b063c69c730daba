package importer

import (
	"encoding/json"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/iamsync/iamsync/policydoc"
)

// Policy language versions, as policy_document blocks accept them.
const (
	versionCurrent = "2012-10-17"
	versionOld     = "2008-10-17"
)

// docBlock is a policy document in the shape of a policy_document block.
type docBlock struct {
	version    string
	id         string
	statements []*statementBlock
}

// statementBlock is one statement block. A nil list is an absent
// attribute.
type statementBlock struct {
	sid, effect                                  string
	actions, notActions, resources, notResources []string
	principals, notPrincipals                    []principalsBlock
	conditions                                   []conditionBlock
}

type principalsBlock struct {
	typ         string
	identifiers []string
}

type conditionBlock struct {
	test, variable string
	values         []string
}

// toDocBlock converts a document into policy_document form. It returns
// false when a policy_document block cannot produce a document that means
// the same as original. That is the case for elements the block has no
// argument for, a missing Version, statements without Effect, repeated
// Sids, nested condition values, and "&{" in a string where the block
// would read it as a policy variable.
func toDocBlock(doc *jsonValue, original *policydoc.Document) (*docBlock, bool) {
	if doc.kind != jsonObject {
		return nil, false
	}
	b := &docBlock{}
	var statements *jsonValue
	for _, m := range doc.members {
		var ok bool
		switch m.key {
		case "Version":
			b.version, ok = stringOf(m.value)
			ok = ok && (b.version == versionCurrent || b.version == versionOld)
		case "Id":
			b.id, ok = stringOf(m.value)
		case "Statement":
			statements, ok = m.value, true
		}
		if !ok {
			return nil, false
		}
	}
	if b.version == "" || statements == nil {
		return nil, false
	}

	list := statements.elems
	if statements.kind == jsonObject {
		list = []*jsonValue{statements}
	} else if statements.kind != jsonArray {
		return nil, false
	}
	sids := map[string]bool{}
	for _, s := range list {
		stmt, ok := toStatementBlock(s)
		if !ok || (stmt.sid != "" && sids[stmt.sid]) {
			return nil, false
		}
		sids[stmt.sid] = true
		b.statements = append(b.statements, stmt)
	}

	// The conversion follows the rules of the block; comparing the result
	// by meaning catches whatever those rules missed.
	rebuilt, err := policydoc.Parse(b.json())
	if err != nil || !policydoc.Equal(rebuilt, original) {
		return nil, false
	}
	return b, true
}

func toStatementBlock(v *jsonValue) (*statementBlock, bool) {
	if v.kind != jsonObject {
		return nil, false
	}
	s := &statementBlock{}
	for _, m := range v.members {
		var ok bool
		switch m.key {
		case "Sid":
			s.sid, ok = stringOf(m.value)
		case "Effect":
			s.effect, ok = stringOf(m.value)
			ok = ok && (s.effect == "Allow" || s.effect == "Deny")
		case "Action":
			s.actions, ok = stringsOf(m.value, false)
		case "NotAction":
			s.notActions, ok = stringsOf(m.value, false)
		case "Resource":
			s.resources, ok = stringsOf(m.value, true)
		case "NotResource":
			s.notResources, ok = stringsOf(m.value, true)
		case "Principal":
			s.principals, ok = principalsOf(m.value)
		case "NotPrincipal":
			s.notPrincipals, ok = principalsOf(m.value)
		case "Condition":
			s.conditions, ok = conditionsOf(m.value)
		}
		if !ok {
			return nil, false
		}
	}
	return s, s.effect != ""
}

func stringOf(v *jsonValue) (string, bool) {
	return v.text, v.kind == jsonString
}

// stringsOf returns a string or a non-empty list of strings as a list.
// With variables set, the values are those the block reads policy
// variables in, where "&{" cannot be written.
func stringsOf(v *jsonValue, variables bool) ([]string, bool) {
	var out []string
	switch v.kind {
	case jsonString:
		out = []string{v.text}
	case jsonArray:
		for _, elem := range v.elems {
			if elem.kind != jsonString {
				return nil, false
			}
			out = append(out, elem.text)
		}
	default:
		return nil, false
	}
	if len(out) == 0 {
		return nil, false
	}
	if variables {
		for _, s := range out {
			if strings.Contains(s, "&{") {
				return nil, false
			}
		}
	}
	return out, true
}

// principalsOf converts "*" or an object of principal types.
func principalsOf(v *jsonValue) ([]principalsBlock, bool) {
	if v.kind == jsonString && v.text == "*" {
		return []principalsBlock{{typ: "*", identifiers: []string{"*"}}}, true
	}
	if v.kind != jsonObject || len(v.members) == 0 {
		return nil, false
	}
	var out []principalsBlock
	for _, m := range v.members {
		identifiers, ok := stringsOf(m.value, true)
		if !ok {
			return nil, false
		}
		out = append(out, principalsBlock{typ: m.key, identifiers: identifiers})
	}
	return out, true
}

// conditionsOf converts a Condition object into one block per operator and
// key. Bool and number values become strings, which IAM reads the same.
func conditionsOf(v *jsonValue) ([]conditionBlock, bool) {
	if v.kind != jsonObject {
		return nil, false
	}
	var out []conditionBlock
	for _, operator := range v.members {
		if operator.value.kind != jsonObject || len(operator.value.members) == 0 {
			return nil, false
		}
		for _, key := range operator.value.members {
			values, ok := conditionValues(key.value)
			if !ok {
				return nil, false
			}
			out = append(out, conditionBlock{test: operator.key, variable: key.key, values: values})
		}
	}
	return out, true
}

func conditionValues(v *jsonValue) ([]string, bool) {
	scalar := func(v *jsonValue) (string, bool) {
		switch v.kind {
		case jsonString:
			return v.text, !strings.Contains(v.text, "&{")
		case jsonNumber:
			return v.text, true
		case jsonBool:
			if v.boolean {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if v.kind != jsonArray {
		s, ok := scalar(v)
		return []string{s}, ok
	}
	out := []string{}
	for _, elem := range v.elems {
		s, ok := scalar(elem)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// json returns the document that spec builds from the block: one-element
// lists as strings, a lone "*" principal of type "*" as "*", and each
// condition's values under its operator and key.
func (b *docBlock) json() string {
	doc := map[string]any{"Version": b.version}
	if b.id != "" {
		doc["Id"] = b.id
	}
	statements := make([]any, 0, len(b.statements))
	for _, s := range b.statements {
		stmt := map[string]any{"Effect": s.effect}
		if s.sid != "" {
			stmt["Sid"] = s.sid
		}
		setList(stmt, "Action", s.actions)
		setList(stmt, "NotAction", s.notActions)
		setList(stmt, "Resource", s.resources)
		setList(stmt, "NotResource", s.notResources)
		setPrincipals(stmt, "Principal", s.principals)
		setPrincipals(stmt, "NotPrincipal", s.notPrincipals)
		if len(s.conditions) > 0 {
			conditions := map[string]map[string]any{}
			for _, c := range s.conditions {
				if conditions[c.test] == nil {
					conditions[c.test] = map[string]any{}
				}
				conditions[c.test][c.variable] = singleOrList(c.values)
			}
			stmt["Condition"] = conditions
		}
		statements = append(statements, stmt)
	}
	doc["Statement"] = statements

	text, err := json.Marshal(doc)
	if err != nil {
		panic("importer: encoding a policy document: " + err.Error())
	}
	return string(text)
}

func setList(stmt map[string]any, key string, values []string) {
	if len(values) > 0 {
		stmt[key] = singleOrList(values)
	}
}

func setPrincipals(stmt map[string]any, key string, blocks []principalsBlock) {
	if len(blocks) == 0 {
		return
	}
	if len(blocks) == 1 && blocks[0].typ == "*" && len(blocks[0].identifiers) == 1 && blocks[0].identifiers[0] == "*" {
		stmt[key] = "*"
		return
	}
	byType := map[string][]string{}
	for _, p := range blocks {
		byType[p.typ] = append(byType[p.typ], p.identifiers...)
	}
	principals := map[string]any{}
	for typ, identifiers := range byType {
		principals[typ] = singleOrList(identifiers)
	}
	stmt[key] = principals
}

func singleOrList(values []string) any {
	if len(values) == 1 {
		return values[0]
	}
	return values
}

// policyDocumentBlock returns a policy_document block named name for b.
func (g *generator) policyDocumentBlock(name string, b *docBlock) *hclwrite.Block {
	block := hclwrite.NewBlock("policy_document", []string{name})
	bb := block.Body()
	bb.SetAttributeRaw("version", literal(b.version))
	if b.id != "" {
		bb.SetAttributeRaw("policy_id", literal(b.id))
	}

	// Policy variables are written &{aws:username} where the block reads
	// them, as in Terraform's aws_iam_policy_document.
	variable := func(s string) hclwrite.Tokens {
		if b.version == versionCurrent {
			s = strings.ReplaceAll(s, "${", "&{")
		}
		return portable(s, g.accountID)
	}
	plain := func(s string) hclwrite.Tokens { return portable(s, g.accountID) }

	for _, s := range b.statements {
		bb.AppendNewline()
		sb := bb.AppendNewBlock("statement", nil).Body()
		if s.sid != "" {
			sb.SetAttributeRaw("sid", literal(s.sid))
		}
		sb.SetAttributeRaw("effect", literal(s.effect))
		setStrings(sb, "actions", s.actions, plain)
		setStrings(sb, "not_actions", s.notActions, plain)
		setStrings(sb, "resources", s.resources, variable)
		setStrings(sb, "not_resources", s.notResources, variable)
		writePrincipals(sb, "principals", s.principals, variable, g.awsPrincipal)
		writePrincipals(sb, "not_principals", s.notPrincipals, variable, g.awsPrincipal)
		for _, c := range s.conditions {
			sb.AppendNewline()
			cb := sb.AppendNewBlock("condition", nil).Body()
			cb.SetAttributeRaw("test", literal(c.test))
			cb.SetAttributeRaw("variable", literal(c.variable))
			cb.SetAttributeRaw("values", stringList(c.values, variable))
		}
	}
	return block
}

func setStrings(body *hclwrite.Body, name string, values []string, quote func(string) hclwrite.Tokens) {
	if values != nil {
		body.SetAttributeRaw(name, stringList(values, quote))
	}
}

// writePrincipals writes principals blocks. The identifiers of the AWS
// type go through aws, which may refer to a user or role written.
func writePrincipals(body *hclwrite.Body, name string, blocks []principalsBlock, quote func(string) hclwrite.Tokens,
	aws func(string, func(string) hclwrite.Tokens) hclwrite.Tokens,
) {
	for _, p := range blocks {
		body.AppendNewline()
		pb := body.AppendNewBlock(name, nil).Body()
		pb.SetAttributeRaw("type", literal(p.typ))
		identifier := quote
		if p.typ == "AWS" {
			identifier = func(s string) hclwrite.Tokens { return aws(s, quote) }
		}
		pb.SetAttributeRaw("identifiers", stringList(p.identifiers, identifier))
	}
}
