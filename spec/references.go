package spec

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// blockDynamic is the type of the dynamic blocks that package dynblock
// expands.
const blockDynamic = "dynamic"

// Names that start a reference besides the block types.
const (
	rootVar     = "var"
	rootLocal   = "local"
	rootEach    = "each"
	rootAccount = "account"
)

// referenceRoots lists every name a reference may start with, for
// suggestions.
var referenceRoots = []string{
	rootVar, rootLocal, rootEach, rootAccount, blockUser, blockGroup, blockRole, blockPolicy,
	blockInstanceProfile, blockPolicyDocument,
}

// checkReferences reports every reference that names something the
// configuration does not declare.
func (l *loader) checkReferences() {
	for _, local := range l.localOrder {
		l.checkTraversals(local.attr.Expr.Variables(), false)
	}
	for _, d := range l.documentOrder {
		l.checkTraversals(bodyTraversals(d.block.Body, policyDocumentSchema), false)
	}
	for _, e := range l.entityOrder {
		l.checkTraversals(bodyTraversals(e.block.Body, entitySchemas[e.typ]), e.hasForEach)
	}
	settings := []struct {
		block  *hcl.Block
		schema *blockSchema
	}{{l.scope, scopeSchema}, {l.account, accountSchema}, {l.passwordPolicy, passwordPolicySchema}}
	for _, s := range settings {
		if s.block != nil {
			l.checkTraversals(bodyTraversals(s.block.Body, s.schema), false)
		}
	}
}

// bodyTraversals returns the references made anywhere in a body, including
// inside dynamic blocks, but not those to a dynamic block's iterator. They
// are in source order, because the walk visits attributes in map order.
func bodyTraversals(body hcl.Body, schema *blockSchema) []hcl.Traversal {
	traversals, ok := nativeTraversals(body, schema, nil)
	if !ok {
		traversals = walkTraversals(dynblock.WalkVariables(body), schema)
	}
	sort.SliceStable(traversals, func(i, j int) bool {
		return rangeLess(traversals[i].SourceRange(), traversals[j].SourceRange())
	})
	return traversals
}

// nativeTraversals appends to out the references of a native-syntax body
// without dynamic blocks, the same that walkTraversals finds, but without
// building the content of every body on the way, which costs more than the
// references themselves in a large configuration. It returns false, and a
// partial result to discard, for any other body.
func nativeTraversals(body hcl.Body, schema *blockSchema, out []hcl.Traversal) ([]hcl.Traversal, bool) {
	native, ok := body.(*hclsyntax.Body)
	if !ok {
		return out, false
	}
	for _, as := range schema.body.Attributes {
		if attr, ok := native.Attributes[as.Name]; ok {
			out = append(out, hclsyntax.Variables(attr.Expr)...)
		}
	}
	for _, block := range native.Blocks {
		if block.Type == blockDynamic {
			return out, false
		}
		nested, ok := schema.nested[block.Type]
		if !ok || !labelsMatch(schema.body, block) {
			continue
		}
		if out, ok = nativeTraversals(block.Body, nested, out); !ok {
			return out, false
		}
	}
	return out, true
}

// labelsMatch reports whether a block has the labels its schema names, as
// the content of a body requires: a block with the wrong labels is left
// out of the content and reported when the body is decoded.
func labelsMatch(schema *hcl.BodySchema, block *hclsyntax.Block) bool {
	for _, header := range schema.Blocks {
		if header.Type == block.Type {
			return len(header.LabelNames) == len(block.Labels)
		}
	}
	return false
}

// hasDynamicBlocks reports whether a body may hold dynamic blocks, at any
// depth: always for bodies that are not of the native syntax.
func hasDynamicBlocks(body hcl.Body) bool {
	native, ok := body.(*hclsyntax.Body)
	if !ok {
		return true
	}
	for _, block := range native.Blocks {
		if block.Type == blockDynamic || hasDynamicBlocks(block.Body) {
			return true
		}
	}
	return false
}

func walkTraversals(node dynblock.WalkVariablesNode, schema *blockSchema) []hcl.Traversal {
	vars, children := node.Visit(schema.body)
	for _, child := range children {
		if nested, ok := schema.nested[child.BlockTypeName]; ok {
			vars = append(vars, walkTraversals(child.Node, nested)...)
		}
	}
	return vars
}

func (l *loader) checkTraversals(traversals []hcl.Traversal, eachAllowed bool) {
	for _, t := range traversals {
		if d := l.checkTraversal(t, eachAllowed); d != nil {
			l.diags = append(l.diags, d)
		}
	}
}

// checkTraversal returns a diagnostic when t does not name something
// declared, or nil.
func (l *loader) checkTraversal(t hcl.Traversal, eachAllowed bool) *hcl.Diagnostic {
	root := t.RootName()
	name, hasName := staticAttr(t)
	rng := t.SourceRange().Ptr()
	switch root {
	case rootVar:
		if !hasName {
			return invalidReference(rng, "var", "var.team")
		}
		if _, ok := l.variables[name]; !ok {
			return undeclared(rng, "input variable", name, keys(l.variables),
				fmt.Sprintf("Declare it with a variable %q block.", name))
		}
	case rootLocal:
		if !hasName {
			return invalidReference(rng, "local", "local.tags")
		}
		if _, ok := l.locals[name]; !ok {
			return undeclared(rng, "local value", name, keys(l.locals),
				"Define it in a locals block.")
		}
	case rootEach:
		if !eachAllowed {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Reference to each outside for_each",
				Detail:   "each.key and each.value exist only in a block that sets for_each.",
				Subject:  rng,
			}
		}
		if !hasName || (name != "key" && name != "value") {
			return invalidReference(rng, "each", "each.key or each.value")
		}
	case rootAccount:
		if !hasName || (name != "id" && name != "partition") {
			return invalidReference(rng, "account", "account.id or account.partition")
		}
	case blockPolicyDocument:
		if !hasName {
			return invalidReference(rng, root, root+".example.json")
		}
		if _, ok := l.documents[name]; !ok {
			return undeclared(rng, "policy_document", name, keys(l.documents),
				fmt.Sprintf("Declare it with a policy_document %q block.", name))
		}
	case blockUser, blockGroup, blockRole, blockPolicy, blockInstanceProfile:
		if !hasName {
			return invalidReference(rng, root, root+".example.arn")
		}
		if _, ok := l.entities[root][name]; !ok {
			return undeclared(rng, root, name, keys(l.entities[root]), undeclaredEntityFix(root, name))
		}
	default:
		detail := fmt.Sprintf("There is no object named %q. A reference starts with one of %s.",
			root, strings.Join(referenceRoots, ", "))
		if hint, ok := terraformReferenceHints[root]; ok {
			detail += " " + hint
		} else if typ, ok := terraformResourceTypes[root]; ok {
			detail += fmt.Sprintf(" iamsync names an entity by its block type and label, as in %s.example.arn, "+
				"instead of by a Terraform resource type.", typ)
		} else if suggestion := nameSuggestion(root, referenceRoots); suggestion != "" {
			detail += fmt.Sprintf(" Did you mean %q?", suggestion)
		}
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown reference", Detail: detail, Subject: rng}
	}
	return nil
}

// undeclaredEntityFix returns the fix for a reference to an undeclared entity.
// A string in its place works only where an IAM name or ARN of an entity
// outside the configuration may stand: memberships name declared users and
// groups only.
func undeclaredEntityFix(typ, label string) string {
	fix := fmt.Sprintf("Declare it with a %s %q block", typ, label)
	if typ == blockUser || typ == blockGroup {
		return fix + fmt.Sprintf(". Memberships may name only declared %ss, but elsewhere, such as in a "+
			"policy document, the IAM name or ARN may be written as a string.", typ)
	}
	return fix + ", or write the IAM name or ARN as a string."
}

// staticAttr returns the name after the root of a traversal such as
// user.alice.arn.
func staticAttr(t hcl.Traversal) (string, bool) {
	if len(t) < 2 {
		return "", false
	}
	attr, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return "", false
	}
	return attr.Name, true
}

func invalidReference(rng *hcl.Range, root, example string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference",
		Detail:   fmt.Sprintf("A reference to %s must name what it refers to, as in %s.", root, example),
		Subject:  rng,
	}
}

func undeclared(rng *hcl.Range, what, name string, declared []string, fix string) *hcl.Diagnostic {
	detail := fmt.Sprintf("No %s named %q is declared.", what, name)
	if suggestion := nameSuggestion(name, declared); suggestion != "" {
		detail += fmt.Sprintf(" Did you mean %q?", suggestion)
	} else {
		detail += " " + fix
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Reference to undeclared %s", what),
		Detail:   detail,
		Subject:  rng,
	}
}

// nameSuggestion returns the candidate closest to given when it is close
// enough to be a likely typo, or "". The distance bound of 3 is the one hcl
// uses for its own suggestions; a short candidate must also keep at least
// half of its characters, so that "zz" suggests no "m". Names are compared
// without case, because IAM names differ only in case as often as by a typo.
func nameSuggestion(given string, candidates []string) string {
	best, bestDistance := "", 3
	folded := strings.ToLower(given)
	for _, candidate := range candidates {
		distance := levenshtein.Distance(folded, strings.ToLower(candidate), nil)
		if distance < bestDistance && 2*distance <= utf8.RuneCountInString(candidate) {
			best, bestDistance = candidate, distance
		}
	}
	return best
}

// keys returns the sorted keys of a map.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
