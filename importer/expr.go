package importer

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// maxInlineWidth is the length, in bytes without spaces, up to which a list
// or an object of one key stays on one line.
const maxInlineWidth = 60

// arnAccountPattern matches the start of an ARN up to its account field,
// which submatch 1 holds.
var arnAccountPattern = regexp.MustCompile(`arn:[^:\s"]*:[^:\s"]*:[^:\s"]*:([0-9]{12}):`)

// token returns one token of the given type.
func token(typ hclsyntax.TokenType, text string) *hclwrite.Token {
	return &hclwrite.Token{Type: typ, Bytes: []byte(text)}
}

func newline() *hclwrite.Token { return token(hclsyntax.TokenNewline, "\n") }

// reference returns a traversal such as policy.readonly.arn.
func reference(root string, attrs ...string) hclwrite.Tokens {
	traversal := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, attr := range attrs {
		traversal = append(traversal, hcl.TraverseAttr{Name: attr})
	}
	return hclwrite.TokensForTraversal(traversal)
}

// literal returns a quoted string that evaluates to s exactly: ${ and %{
// are escaped, so policy variables such as ${aws:username} survive.
func literal(s string) hclwrite.Tokens {
	return hclwrite.TokensForValue(cty.StringVal(s))
}

// portable returns a quoted string that evaluates to s, with the account
// field of every ARN in accountID written as ${account.id}, so that the
// configuration can be applied to another account. The account id alone,
// as a principal or a condition's aws:SourceAccount, is ${account.id} too.
// With an empty accountID it is literal(s).
func portable(s, accountID string) hclwrite.Tokens {
	var spans [][2]int
	if accountID != "" && s == accountID {
		spans = append(spans, [2]int{0, len(s)})
	} else if accountID != "" && strings.Contains(s, accountID) {
		for _, m := range arnAccountPattern.FindAllStringSubmatchIndex(s, -1) {
			if s[m[2]:m[3]] == accountID {
				spans = append(spans, [2]int{m[2], m[3]})
			}
		}
	}
	if len(spans) == 0 {
		return literal(s)
	}

	toks := hclwrite.Tokens{token(hclsyntax.TokenOQuote, `"`)}
	last := 0
	for _, span := range spans {
		toks = appendQuotedLiteral(toks, s[last:span[0]])
		toks = append(toks,
			token(hclsyntax.TokenTemplateInterp, "${"),
			token(hclsyntax.TokenIdent, "account"),
			token(hclsyntax.TokenDot, "."),
			token(hclsyntax.TokenIdent, "id"),
			token(hclsyntax.TokenTemplateSeqEnd, "}"),
		)
		last = span[1]
	}
	toks = appendQuotedLiteral(toks, s[last:])
	return append(toks, token(hclsyntax.TokenCQuote, `"`))
}

// appendQuotedLiteral appends the escaped text of s, as it appears between
// the quotes of a string literal.
func appendQuotedLiteral(toks hclwrite.Tokens, s string) hclwrite.Tokens {
	if s == "" {
		return toks
	}
	quoted := literal(s)
	return append(toks, quoted[1:len(quoted)-1]...)
}

// numberTokens returns a JSON number literal as HCL: HCL has no negative
// literals, so a minus sign is an operator.
func numberTokens(text string) hclwrite.Tokens {
	if rest, ok := strings.CutPrefix(text, "-"); ok {
		return hclwrite.Tokens{token(hclsyntax.TokenMinus, "-"), token(hclsyntax.TokenNumberLit, rest)}
	}
	return hclwrite.Tokens{token(hclsyntax.TokenNumberLit, text)}
}

func boolTokens(b bool) hclwrite.Tokens {
	if b {
		return hclwrite.Tokens{token(hclsyntax.TokenIdent, "true")}
	}
	return hclwrite.Tokens{token(hclsyntax.TokenIdent, "false")}
}

// objectKey returns an object key: bare when it is a simple identifier,
// quoted otherwise.
func objectKey(key string) hclwrite.Tokens {
	if isSimpleIdentifier(key) {
		return hclwrite.Tokens{token(hclsyntax.TokenIdent, key)}
	}
	return literal(key)
}

// listTokens returns a tuple of items: on one line when every item is
// short and single-line, else one item per line with trailing commas.
func listTokens(items []hclwrite.Tokens) hclwrite.Tokens {
	toks := hclwrite.Tokens{token(hclsyntax.TokenOBrack, "[")}
	if fitsOnOneLine(items) {
		for i, item := range items {
			if i > 0 {
				toks = append(toks, token(hclsyntax.TokenComma, ","))
			}
			toks = append(toks, item...)
		}
		return append(toks, token(hclsyntax.TokenCBrack, "]"))
	}
	toks = append(toks, newline())
	for _, item := range items {
		toks = append(toks, item...)
		toks = append(toks, token(hclsyntax.TokenComma, ","), newline())
	}
	return append(toks, token(hclsyntax.TokenCBrack, "]"))
}

// objectTokens returns an object constructor of keys and values: on one
// line when it has one short single-line member, else one member a line.
func objectTokens(keys, values []hclwrite.Tokens) hclwrite.Tokens {
	toks := hclwrite.Tokens{token(hclsyntax.TokenOBrace, "{")}
	if len(keys) == 0 {
		return append(toks, token(hclsyntax.TokenCBrace, "}"))
	}
	if len(keys) == 1 && fitsOnOneLine([]hclwrite.Tokens{keys[0], values[0]}) {
		toks = append(toks, keys[0]...)
		toks = append(toks, token(hclsyntax.TokenEqual, "="))
		toks = append(toks, values[0]...)
		return append(toks, token(hclsyntax.TokenCBrace, "}"))
	}
	toks = append(toks, newline())
	for i := range keys {
		toks = append(toks, keys[i]...)
		toks = append(toks, token(hclsyntax.TokenEqual, "="))
		toks = append(toks, values[i]...)
		toks = append(toks, newline())
	}
	return append(toks, token(hclsyntax.TokenCBrace, "}"))
}

// fitsOnOneLine reports whether the items have no line breaks and are
// short enough together to share a line.
func fitsOnOneLine(items []hclwrite.Tokens) bool {
	width := 0
	for _, item := range items {
		for _, t := range item {
			if t.Type == hclsyntax.TokenNewline {
				return false
			}
			width += len(t.Bytes)
		}
		width += 2 // a comma and a space
	}
	return width <= maxInlineWidth
}

// stringList returns a list of the quoted strings.
func stringList(values []string, quote func(string) hclwrite.Tokens) hclwrite.Tokens {
	items := make([]hclwrite.Tokens, len(values))
	for i, v := range values {
		items[i] = quote(v)
	}
	return listTokens(items)
}

// functionCall returns name(arg).
func functionCall(name string, arg hclwrite.Tokens) hclwrite.Tokens {
	toks := hclwrite.Tokens{token(hclsyntax.TokenIdent, name), token(hclsyntax.TokenOParen, "(")}
	toks = append(toks, arg...)
	return append(toks, token(hclsyntax.TokenCParen, ")"))
}

// commentWidth is the length up to which comment lines are filled.
const commentWidth = 76

// comment returns text as line comments, filled to commentWidth.
func comment(text string) hclwrite.Tokens {
	var toks hclwrite.Tokens
	line := "#"
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > commentWidth && line != "#" {
			toks = append(toks, token(hclsyntax.TokenComment, line+"\n"))
			line = "#"
		}
		line += " " + word
	}
	return append(toks, token(hclsyntax.TokenComment, line+"\n"))
}
