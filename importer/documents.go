package importer

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/iamsync/iamsync/policydoc"
)

// document is one policy document text of the account, with every place
// that uses it counted.
type document struct {
	text string
	// parsed and doc are nil when the text is not a valid document, which
	// is then written as a plain string so that nothing of it is lost.
	parsed *jsonValue
	doc    *policydoc.Document
	// block is the policy_document form, nil when that style is not asked
	// for or cannot reproduce the document.
	block *docBlock

	uses int
	// first is the label suggested by the first use, shared the label
	// suggested for a document used in several places.
	first, shared string
	// trust is set when the first use is a trust policy.
	trust bool

	// name is the local value or policy_document block the uses refer to,
	// empty when the document is written in place.
	name string
}

// documents collects the policy documents of the configuration, so that a
// document used verbatim by several entities is written once and referred
// to by all of them.
type documents struct {
	byText map[string]*document
	order  []*document
}

func newDocuments() *documents {
	return &documents{byText: map[string]*document{}}
}

// add records one use of a document. own is the label it gets when it is
// used only here, shared the label when others use it too.
func (ds *documents) add(text, own, shared string, trust bool) {
	d := ds.byText[text]
	if d == nil {
		d = &document{text: text, first: own, shared: shared, trust: trust}
		ds.byText[text] = d
		ds.order = append(ds.order, d)
	}
	d.uses++
}

// isShared reports whether the document is written once and referred to.
func (d *document) isShared() bool { return d.uses > 1 }

// prepare parses every document and names those that are referred to: the
// shared ones, and with DocumentsPolicyDocument every one that a block can
// express. Names are given in the order of first use, so that they are
// the same on every import of the same account.
func (ds *documents) prepare(style DocumentStyle, accountID string) {
	names := newLabeler("document")
	for _, d := range ds.order {
		if doc, err := policydoc.Parse(d.text); err == nil {
			if parsed, err := parseJSON(d.text); err == nil {
				d.doc, d.parsed = doc, parsed
			}
		}
		if d.parsed != nil && style == DocumentsPolicyDocument {
			d.block, _ = toDocBlock(d.parsed, d.doc)
		}

		switch {
		case d.isShared():
			d.name = names.claim(documentLabel(d.sharedLabel(accountID)))
		case d.block != nil:
			d.name = names.claim(documentLabel(d.first))
		}
	}
}

// documentLabel returns the label of a local value or a policy_document
// block: a sanitized label with underscores for hyphens, because a
// reference such as local.deny-billing reads like a subtraction.
func documentLabel(suggested string) string {
	return strings.ReplaceAll(sanitizeLabel(suggested, "document"), "-", "_")
}

// sharedLabel returns the label of a shared document. A trust policy that
// trusts one principal is named after it, as in ec2_trust. Any other
// document takes the label suggested by its first use.
func (d *document) sharedLabel(accountID string) string {
	if d.trust && d.parsed != nil {
		if name := d.principalName(accountID); name != "" {
			return name + "_trust"
		}
	}
	if d.shared != "" {
		return d.shared
	}
	return d.first
}

// principalName returns a short name for the one principal that every
// statement of a trust policy names, or "" when there is not exactly one.
// The name is "ec2" for the service ec2.amazonaws.com, "account" for the
// root of the account itself, and "account_444455556666" for the root of
// another account. Any other principal is named by the last part of its ARN.
func (d *document) principalName(accountID string) string {
	typ, value, ok := singlePrincipal(d.parsed)
	if !ok {
		return ""
	}
	if typ == "Service" {
		service, _, _ := strings.Cut(value, ".amazonaws.com")
		return service
	}
	account := value
	if m := arnAccountPattern.FindStringSubmatch(value); m != nil && strings.HasSuffix(value, ":root") {
		account = m[1]
	}
	switch {
	case account == accountID:
		return "account"
	case len(account) == 12 && strings.Trim(account, "0123456789") == "":
		return "account_" + account
	}
	return value[strings.LastIndexAny(value, "/:")+1:]
}

// singlePrincipal returns the type and value of the principal that every
// statement of a document names, when all name the same single one.
func singlePrincipal(doc *jsonValue) (typ, value string, ok bool) {
	statements := doc.member("Statement")
	if statements == nil {
		return "", "", false
	}
	list := statements.elems
	if statements.kind == jsonObject {
		list = []*jsonValue{statements}
	}
	for _, s := range list {
		if s.kind != jsonObject {
			return "", "", false
		}
		principal := s.member("Principal")
		if principal == nil || principal.kind != jsonObject || len(principal.members) != 1 {
			return "", "", false
		}
		values, valid := stringsOf(principal.members[0].value, false)
		if !valid || len(values) != 1 || (ok && (principal.members[0].key != typ || values[0] != value)) {
			return "", "", false
		}
		typ, value, ok = principal.members[0].key, values[0], true
	}
	return typ, value, ok
}

// documentExpr returns the expression that uses a document: a reference to
// its local value or policy_document block, or the document itself. A
// policy_document block for a document used only here is added to pending,
// to be written next to its entity.
func (g *generator) documentExpr(text string, pending *[]*hclwrite.Block) hclwrite.Tokens {
	d := g.docs.byText[text]
	switch {
	case d == nil:
		panic("importer: document used without being collected")
	case d.block != nil:
		if !d.isShared() {
			*pending = append(*pending, g.policyDocumentBlock(d.name, d.block))
		}
		return reference("policy_document", d.name, "json")
	case d.isShared():
		return reference("local", d.name)
	}
	return g.documentValue(d)
}

// documentValue returns the document as jsonencode() of an object, or as
// a plain string when it does not parse.
func (g *generator) documentValue(d *document) hclwrite.Tokens {
	if d.parsed == nil {
		return literal(d.text)
	}
	return g.jsonencodeTokens(d.parsed)
}

// writeSharedDocuments writes the documents used in several places into
// their own file: policy_document blocks, and one locals block for those
// written with jsonencode().
func (g *generator) writeSharedDocuments() {
	var shared, locals []*document
	for _, d := range g.docs.order {
		if d.isShared() {
			shared = append(shared, d)
		}
	}
	slices.SortFunc(shared, func(a, b *document) int { return strings.Compare(a.name, b.name) })
	for _, d := range shared {
		if d.block != nil {
			g.files.appendBlock(fileDocuments, g.policyDocumentBlock(d.name, d.block))
			continue
		}
		locals = append(locals, d)
	}
	if len(locals) == 0 {
		return
	}

	block := hclwrite.NewBlock("locals", nil)
	for i, d := range locals {
		if i > 0 {
			block.Body().AppendNewline()
		}
		block.Body().SetAttributeRaw(d.name, g.documentValue(d))
	}
	g.files.appendBlock(fileDocuments, block)
}
