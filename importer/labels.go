package importer

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// labeler hands out the labels of one namespace, such as the labels of
// user blocks, so that no two are equal.
type labeler struct {
	// prefix starts a label whose name does not start with a letter or an
	// underscore, such as "user" for a user named "2fa-admin".
	prefix string
	used   map[string]bool
}

func newLabeler(prefix string) *labeler {
	return &labeler{prefix: prefix, used: map[string]bool{}}
}

// assign returns a label for each name, keyed by the name. Names that are
// HCL identifiers keep their spelling, so that the name argument can be
// left out. The others are sanitized, and a collision takes the first free
// numeric suffix in the order of names, which the caller sorts so that
// importing twice gives the same labels.
func (l *labeler) assign(names []string) map[string]string {
	labels := make(map[string]string, len(names))
	for _, name := range names {
		if hclsyntax.ValidIdentifier(name) && !l.used[name] {
			labels[name] = name
			l.used[name] = true
		}
	}
	for _, name := range names {
		if _, ok := labels[name]; ok {
			continue
		}
		labels[name] = l.claim(sanitizeLabel(name, l.prefix))
	}
	return labels
}

// claim reserves base, or base with the first free suffix _2, _3, ..., and
// returns the label reserved.
func (l *labeler) claim(base string) string {
	label := base
	for n := 2; l.used[label]; n++ {
		label = base + "_" + strconv.Itoa(n)
	}
	l.used[label] = true
	return label
}

// sanitizeLabel turns a name into an identifier: lower case, each run of
// characters other than letters, digits, underscores and hyphens replaced
// by one underscore, and prefix_ in front when the result would not start
// with a letter or an underscore.
func sanitizeLabel(name, prefix string) string {
	var b strings.Builder
	replaced := false
	for _, r := range strings.ToLower(name) {
		if isLabelRune(r) {
			b.WriteRune(r)
			replaced = false
			continue
		}
		if !replaced {
			b.WriteByte('_')
			replaced = true
		}
	}
	label := b.String()
	if label == "" || !isIdentifierStart(rune(label[0])) {
		label = prefix + "_" + label
	}
	return label
}

// isSimpleIdentifier reports whether s is an identifier made of ASCII
// letters, digits and underscores, and no keyword: such a key can stand
// unquoted in an object, where a hyphen would read like a minus sign.
func isSimpleIdentifier(s string) bool {
	if s == "" || !isIdentifierStart(rune(s[0])) {
		return false
	}
	for _, r := range s {
		if !isIdentifierStart(r) && (r < '0' || r > '9') {
			return false
		}
	}
	return !hclKeywords[s]
}

// hclKeywords are identifiers that HCL reads as literals or as the start
// of a for expression, and so cannot stand unquoted as object keys.
var hclKeywords = map[string]bool{"true": true, "false": true, "null": true, "for": true, "in": true, "if": true}

func isIdentifierStart(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

func isLabelRune(r rune) bool {
	return isIdentifierStart(r) || (r >= '0' && r <= '9') || r == '-'
}
