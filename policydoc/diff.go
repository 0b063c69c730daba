package policydoc

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffContext is the number of unchanged lines Diff shows on each side of a
// change. Longer runs of unchanged lines are replaced by one marker line.
const diffContext = 3

// diffLine is one line of a diff with its operation.
type diffLine struct {
	op   diffmatchpatch.Operation
	text string
}

// Diff returns a line diff from the Pretty form of a to that of b. Each line
// starts with "- " (only in a), "+ " (only in b) or "  " (in both), and ends
// with a newline. Runs of unchanged lines longer than a few lines are
// replaced by a line "  ... (N unchanged lines)". Either side may be nil, for
// a document being created or deleted; two nil documents give "".
//
// The order of statements means nothing to IAM, so a's statements are
// shown in the order of the statements of b they correspond to, and the
// diff shows what changed within them rather than their moves.
func Diff(a, b *Document) string {
	before := ""
	if a != nil {
		var text strings.Builder
		writePretty(&text, alignedRoot(a, b), scopeDocument, 0)
		before = text.String() + "\n"
	}
	lines := diffLines(before, prettyLines(b))

	var out strings.Builder
	for i := 0; i < len(lines); {
		if lines[i].op != diffmatchpatch.DiffEqual {
			writeDiffLine(&out, lines[i])
			i++
			continue
		}

		// Show the context next to the changes around this unchanged run and
		// elide its middle.
		end := i
		for end < len(lines) && lines[end].op == diffmatchpatch.DiffEqual {
			end++
		}
		keepHead, keepTail := diffContext, diffContext
		if i == 0 {
			keepHead = 0
		}
		if end == len(lines) {
			keepTail = 0
		}
		if hidden := end - i - keepHead - keepTail; hidden > 1 {
			writeDiffLines(&out, lines[i:i+keepHead])
			fmt.Fprintf(&out, "  ... (%s)\n", plural(hidden, "unchanged line"))
			writeDiffLines(&out, lines[end-keepTail:end])
		} else {
			writeDiffLines(&out, lines[i:end])
		}
		i = end
	}
	return out.String()
}

// prettyLines returns the Pretty form of d with a newline after every line,
// which the line mode of diffmatchpatch needs, or "" for a nil document.
func prettyLines(d *Document) string {
	if d == nil {
		return ""
	}
	return d.Pretty() + "\n"
}

// diffLines computes a line diff of two texts whose lines all end in "\n".
func diffLines(before, after string) []diffLine {
	// With a deadline the result would depend on the machine's speed. Without
	// one, the time grows with the number of lines times the number of
	// changed lines, which IAM's size quotas keep to a few hundred each.
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0

	chars1, chars2, lineArray := dmp.DiffLinesToRunes(before, after)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(chars1, chars2, false), lineArray)

	var lines []diffLine
	for _, d := range diffs {
		for line := range strings.Lines(d.Text) {
			lines = append(lines, diffLine{op: d.Type, text: strings.TrimSuffix(line, "\n")})
		}
	}
	return lines
}

func writeDiffLines(out *strings.Builder, lines []diffLine) {
	for _, l := range lines {
		writeDiffLine(out, l)
	}
}

func writeDiffLine(out *strings.Builder, l diffLine) {
	switch l.op {
	case diffmatchpatch.DiffDelete:
		out.WriteString("- ")
	case diffmatchpatch.DiffInsert:
		out.WriteString("+ ")
	default:
		out.WriteString("  ")
	}
	out.WriteString(l.text)
	out.WriteString("\n")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// alignedRoot returns the root of a with the statements of its Statement
// list in the order of the statements of b they correspond to, as
// CompareStatements pairs them. The statements of a without a counterpart
// follow, in their order. The root of a is returned as it is when b is nil
// or either document has no Statement list.
func alignedRoot(a, b *Document) *node {
	if b == nil {
		return a.root
	}
	from, to := a.root.get("Statement"), b.root.get("Statement")
	if from == nil || to == nil || from.kind != kindArray || to.kind != kindArray {
		return a.root
	}
	match := counterparts(a, b)
	used := make([]bool, len(from.elems))
	for _, i := range match {
		if i >= 0 {
			used[i] = true
		}
	}

	statements := make([]*node, 0, len(from.elems))
	for _, i := range match {
		if i >= 0 {
			statements = append(statements, from.elems[i])
		}
	}
	for i, x := range from.elems {
		if !used[i] {
			statements = append(statements, x)
		}
	}

	root := *a.root
	root.members = make([]member, len(a.root.members))
	copy(root.members, a.root.members)
	for k, m := range root.members {
		if m.key == "Statement" {
			list := *from
			list.elems = statements
			root.members[k].value = &list
		}
	}
	return &root
}
