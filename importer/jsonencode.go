package importer

import (
	"slices"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// IAM's conventional order of the elements of a document and of a
// statement. Other keys follow in the order the document has them.
var (
	documentKeyOrder  = []string{"Version", "Id", "Statement"}
	statementKeyOrder = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// jsonLevel is the place of a value in a policy document, which decides the
// order of its keys.
type jsonLevel int

const (
	levelOther jsonLevel = iota
	levelDocument
	levelStatements // the value of Statement: a list of statements, or one
	levelStatement
	levelPrincipal     // the value of a statement's Principal
	levelAWSPrincipals // the value of AWS in a Principal: a string or a list
)

// jsonencodeTokens returns jsonencode() of an HCL object that mirrors doc.
// Strings keep their exact value and one-element lists stay lists, so the
// document that jsonencode produces differs from doc only in key order and
// white space.
func (g *generator) jsonencodeTokens(doc *jsonValue) hclwrite.Tokens {
	return functionCall("jsonencode", g.jsonTokens(doc, levelDocument))
}

func (g *generator) jsonTokens(v *jsonValue, level jsonLevel) hclwrite.Tokens {
	switch v.kind {
	case jsonObject:
		return g.jsonObjectTokens(v, level)
	case jsonArray:
		return g.jsonArrayTokens(v, level)
	case jsonString:
		if level == levelAWSPrincipals {
			return g.awsPrincipal(v.text, func(s string) hclwrite.Tokens { return portable(s, g.accountID) })
		}
		return portable(v.text, g.accountID)
	case jsonNumber:
		return numberTokens(v.text)
	case jsonBool:
		return boolTokens(v.boolean)
	}
	return hclwrite.Tokens{token(hclsyntax.TokenIdent, "null")}
}

func (g *generator) jsonObjectTokens(v *jsonValue, level jsonLevel) hclwrite.Tokens {
	members := v.members
	switch level {
	case levelDocument:
		members = orderMembers(members, documentKeyOrder)
	case levelStatement, levelStatements:
		members = orderMembers(members, statementKeyOrder)
	}

	keys := make([]hclwrite.Tokens, len(members))
	values := make([]hclwrite.Tokens, len(members))
	for i, m := range members {
		child := levelOther
		switch {
		case level == levelDocument && m.key == "Statement":
			child = levelStatements
		case (level == levelStatement || level == levelStatements) && m.key == "Principal":
			child = levelPrincipal
		case level == levelPrincipal && m.key == "AWS":
			child = levelAWSPrincipals
		}
		keys[i] = objectKey(m.key)
		values[i] = g.jsonTokens(m.value, child)
	}
	return objectTokens(keys, values)
}

func (g *generator) jsonArrayTokens(v *jsonValue, level jsonLevel) hclwrite.Tokens {
	child := levelOther
	switch level {
	case levelStatements:
		child = levelStatement
	case levelAWSPrincipals:
		child = levelAWSPrincipals
	}

	// A list of one object opens both brackets on one line: [{ ... }].
	if len(v.elems) == 1 && v.elems[0].kind == jsonObject {
		toks := hclwrite.Tokens{token(hclsyntax.TokenOBrack, "[")}
		toks = append(toks, g.jsonTokens(v.elems[0], child)...)
		return append(toks, token(hclsyntax.TokenCBrack, "]"))
	}

	items := make([]hclwrite.Tokens, len(v.elems))
	for i, elem := range v.elems {
		items[i] = g.jsonTokens(elem, child)
	}
	return listTokens(items)
}

// orderMembers returns members with the keys of order first, in that order,
// then the others as they were.
func orderMembers(members []jsonMember, order []string) []jsonMember {
	rank := func(key string) int {
		if i := slices.Index(order, key); i >= 0 {
			return i
		}
		return len(order)
	}
	out := slices.Clone(members)
	slices.SortStableFunc(out, func(a, b jsonMember) int { return rank(a.key) - rank(b.key) })
	return out
}
