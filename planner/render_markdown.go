package planner

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/iamsync/iamsync/policydoc"
)

// DefaultMarkdownMaxChars is the size cap of RenderMarkdown when
// MarkdownOptions sets none: a little below the 65,536 characters a GitHub
// comment holds, which leaves room for what the caller adds around the plan.
const DefaultMarkdownMaxChars = 60000

// MinMarkdownMaxChars is the smallest cap RenderMarkdown applies: the
// heading, the summary table and the note on what was cut must fit.
const MinMarkdownMaxChars = 4000

// markdownNoteReserve is kept free for the note on what was cut.
const markdownNoteReserve = 400

// MarkdownOptions control the Markdown form of a plan.
type MarkdownOptions struct {
	// MaxChars caps the output's length, counted in bytes of UTF-8. That
	// count is never below the count of characters or of UTF-16 units, so
	// a cap below a limit in characters keeps the output under it. Zero
	// means DefaultMarkdownMaxChars, and a cap below MinMarkdownMaxChars is
	// raised to it.
	MaxChars int
}

// RenderMarkdown writes the plan as Markdown for a pull-request comment. It
// writes a heading, a table of the changes by type and action, and the
// deletions and replacements with what they affect. Then come the changes
// with their attributes, each changed policy document as a diff in a
// collapsible section. When the whole does not fit in MaxChars, changes are
// shown without their details, then left out, and a closing note counts
// them.
func RenderMarkdown(w io.Writer, p *Plan, opts MarkdownOptions) error {
	limit := opts.MaxChars
	if limit == 0 {
		limit = DefaultMarkdownMaxChars
	}
	m := &markdownRenderer{limit: max(limit, MinMarkdownMaxChars) - markdownNoteReserve}

	// The heading, the summary and the warnings are always shown.
	m.add(markdownHeading(p))
	m.add(markdownWarnings(p))
	if p.HasChanges() {
		m.destructive(p)
		m.details(p)
	}
	m.out.WriteString(m.cutNote())

	if _, err := io.WriteString(w, m.out.String()); err != nil {
		return fmt.Errorf("write plan as markdown: %w", err)
	}
	return nil
}

// markdownRenderer builds the Markdown within a size budget.
type markdownRenderer struct {
	out   strings.Builder
	used  int
	limit int

	// Counts of what did not fit: of the list of deletions and
	// replacements, and of the changes.
	destructiveLeft  int
	destructiveTotal int
	shortened        int
	omitted          int
}

// add appends text and counts its bytes.
func (m *markdownRenderer) add(text string) {
	m.out.WriteString(text)
	m.used += len(text)
}

// fits reports whether text fits in what is left of the budget.
func (m *markdownRenderer) fits(text string) bool {
	return m.used+len(text) <= m.limit
}

// markdownHeading returns the heading, the targets note, the summary line
// and the table of changes by type.
func markdownHeading(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### iamsync plan for account %s\n\n", mdCode(p.AccountID))
	if len(p.Targets) > 0 {
		targets := make([]string, len(p.Targets))
		for i, t := range p.Targets {
			targets[i] = mdCode(t)
		}
		fmt.Fprintf(&b, "> **Targeted plan:** it holds the changes of %s and those %s. It is partial: "+
			"changes outside the targets are not shown and will not be applied.\n\n", joinWords(targets), targetsNeed(p))
	}
	if !p.HasChanges() {
		b.WriteString(noChangesText(p) + "\n")
		return b.String()
	}
	fmt.Fprintf(&b, "**%s**\n\n", summaryLine(p))
	b.WriteString(summaryTable(p))
	return b.String()
}

// tableTypes are the rows of the summary table, in order.
var tableTypes = []Type{
	TypeUser, TypeGroup, TypeRole, TypePolicy, TypeInstanceProfile,
	TypeInlinePolicy, TypeAttachment, TypeBoundary, TypeMembership, TypeAccessKey, TypeLoginProfile,
	TypeAccountAlias, TypePasswordPolicy,
}

var tableActions = []Action{Create, Update, Replace, Delete}

// summaryTable counts the changes by type and action, one row per type
// that has changes, and a total.
func summaryTable(p *Plan) string {
	counts := map[Type]map[Action]int{}
	for _, c := range p.Changes {
		if counts[c.Type] == nil {
			counts[c.Type] = map[Action]int{}
		}
		counts[c.Type][c.Action]++
	}

	var b strings.Builder
	b.WriteString("| Type | Create | Update | Replace | Delete |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, typ := range tableTypes {
		if counts[typ] == nil {
			continue
		}
		fmt.Fprintf(&b, "| %s |", typeNoun(typ))
		for _, a := range tableActions {
			fmt.Fprintf(&b, " %d |", counts[typ][a])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "| **Total** | **%d** | **%d** | **%d** | **%d** |\n\n",
		p.Count(Create), p.Count(Update), p.Count(Replace), p.Count(Delete))
	return b.String()
}

// destructive lists the deletions and replacements first, entities and
// account settings before what entities hold, with the blast radius of each
// replacement. A change that follows from a listed one, such as the
// membership of a deleted user, is counted under it instead of listed.
func (m *markdownRenderer) destructive(p *Plan) {
	byAddress := make(map[string]*Change, len(p.Changes))
	for _, c := range p.Changes {
		byAddress[c.Address] = c
	}
	var entities, owned []*Change
	following := map[string]int{}
	for _, c := range p.Changes {
		switch {
		case !destroys(c):
		case c.Cause != "" && destroys(byAddress[c.Cause]):
			following[c.Cause]++
		case c.Parent == nil:
			entities = append(entities, c)
		default:
			owned = append(owned, c)
		}
	}
	items := append(entities, owned...)

	for i, c := range items {
		item := destructiveItem(c, following[c.Address])
		if i == 0 {
			item = "#### Deletions and replacements\n\n" + item
		}
		if !m.fits(item) {
			m.destructiveLeft, m.destructiveTotal = len(items)-i, len(items)
			break
		}
		m.add(item)
	}
	if len(items) > 0 && m.destructiveLeft < len(items) {
		m.add("\n")
	}
}

// destroys reports whether c deletes or replaces its object.
func destroys(c *Change) bool {
	return c != nil && (c.Action == Delete || c.Action == Replace)
}

// destructiveItem is one list item of the deletions and replacements.
// following is the number of changes that follow from c.
func destructiveItem(c *Change, following int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- **%s** %s%s", c.Action, mdCode(c.Address), mdEscape(reasonClause(c)))
	if following > 0 {
		verb := "follow"
		if following == 1 {
			verb = "follows"
		}
		fmt.Fprintf(&b, " (and %s that %s from it)", countNoun(following, "change", "changes"), verb)
	}
	b.WriteString("\n")
	if showsDependents(c) {
		if heading := dependentsHeading(c); heading != "" && len(c.Dependents) == 0 {
			fmt.Fprintf(&b, "  - %s\n", mdEscape(heading))
		}
		for _, d := range c.Dependents {
			sentence := strings.TrimPrefix(dependentSentence(d), d.Address)
			fmt.Fprintf(&b, "  - %s%s\n", mdCode(d.Address), mdEscape(sentence))
		}
		if note := outsideNote(c); note != "" {
			fmt.Fprintf(&b, "  - %s\n", mdEscape(note))
		}
	}
	return b.String()
}

// reasonClause returns " because ..." for a change with a reason, or "".
func reasonClause(c *Change) string {
	if reason := c.ReasonText(); reason != "" {
		return " because " + reason
	}
	return ""
}

// details writes every change with its attributes. A change that does not
// fit is shown as one line, and once a line does not fit either, the rest
// is left out.
func (m *markdownRenderer) details(p *Plan) {
	heading := "#### Changes\n\n"
	for i, c := range p.Changes {
		if i > 0 {
			heading = ""
		}
		if full := heading + changeDetails(c); m.fits(full) {
			m.add(full)
			continue
		}
		if short := heading + changeLine(c) + "\n"; m.fits(short) {
			m.add(short)
			m.shortened++
			continue
		}
		m.omitted = len(p.Changes) - i
		return
	}
}

// changeLine is the line that opens a change: its symbol, address and
// description.
func changeLine(c *Change) string {
	return fmt.Sprintf("%s **%s** %s%s\n", mdCode(actionSymbol(c.Action)), mdCode(c.Address),
		c.Action.phrase(), mdEscape(reasonClause(c)))
}

// changeDetails is a change with its attributes: scalar values and tags as
// list items, policy documents as the statements that change and a
// collapsible diff.
func changeDetails(c *Change) string {
	var b strings.Builder
	b.WriteString(changeLine(c))
	var documents []Attr
	for _, a := range shownAttrs(c) {
		if !a.Sensitive && (isDocument(a.Before) || isDocument(a.After)) {
			documents = append(documents, a)
			continue
		}
		fmt.Fprintf(&b, "- %s: %s\n", mdCode(a.Name), attrMarkdown(c, a))
	}
	for _, a := range documents {
		b.WriteString(documentMarkdown(a))
	}
	return strings.TrimRight(b.String(), "\n") + "\n\n"
}

// attrMarkdown writes the value of a scalar or map attribute.
func attrMarkdown(c *Change, a Attr) string {
	suffix := ""
	if a.ForcesReplacement {
		suffix = " (forces replacement)"
	}
	symbol, _ := attrSymbol(c, a)
	switch {
	case a.Sensitive:
		return mdCode(sensitiveMarker) + suffix
	case isMap(a.Before) || isMap(a.After):
		return tagsMarkdown(c, a) + suffix
	case a.Name == attrPruneVersion:
		return "deleted first: " + mdCode(formatValue(a.After)) + " (IAM keeps at most five versions)" + suffix
	case a.Name == attrVersions:
		return mdCode(formatValue(a.Before)) + " (the versions besides the default, deleted before the policy)" + suffix
	case symbol == "+":
		return mdCode(formatValue(a.After)) + suffix
	case symbol == "-" || symbol == " ":
		return mdCode(formatValue(a.Before)) + suffix
	}
	return mdCode(formatValue(a.Before)) + " → " + mdCode(formatValue(a.After)) + suffix
}

// tagsMarkdown writes a map attribute key by key. An update shows only the
// keys that change.
func tagsMarkdown(c *Change, a Attr) string {
	before, _ := a.Before.(map[string]string)
	after, _ := a.After.(map[string]string)
	var parts []string
	for _, e := range mapEntries(before, after, c.Type == TypeUser || c.Type == TypeRole) {
		key := fmt.Sprintf("%q", e.key)
		switch {
		case !e.hasBefore:
			parts = append(parts, "+ "+mdCode(fmt.Sprintf("%s = %q", key, e.after)))
		case !e.hasAfter:
			parts = append(parts, "- "+mdCode(fmt.Sprintf("%s = %q", key, e.before)))
		case e.before != e.after:
			parts = append(parts, "~ "+mdCode(fmt.Sprintf("%s = %q -> %q", key, e.before, e.after)))
		case c.Action != Update:
			parts = append(parts, mdCode(fmt.Sprintf("%s = %q", key, e.after)))
		}
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, ", ")
}

// documentMarkdown writes a policy document attribute: the statements that
// change as list items, and the line diff in a collapsible section.
func documentMarkdown(a Attr) string {
	before, _ := a.Before.(*policydoc.Document)
	after, _ := a.After.(*policydoc.Document)
	if before != nil && after != nil && policydoc.Equal(before, after) {
		return fmt.Sprintf("- %s: unchanged\n", mdCode(a.Name))
	}

	var b strings.Builder
	lines := statementLines(documentChanges(a))
	trusted := newTrustLines(a)
	switch {
	case len(trusted) > 0:
		// Who may assume a new role matters most, so it is not left to the
		// collapsed diff.
		fmt.Fprintf(&b, "- %s: trust policy, in the diff below, whose statements are:\n", mdCode(a.Name))
		lines = trusted
	case len(lines) == 0:
		fmt.Fprintf(&b, "- %s: policy document, in the diff below\n", mdCode(a.Name))
	default:
		fmt.Fprintf(&b, "- %s: policy document, with these changes by statement:\n", mdCode(a.Name))
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "  - %s\n", mdCode(l.text))
	}
	diff := policydoc.Diff(before, after)
	fence := mdFence(diff)
	fmt.Fprintf(&b, "\n<details><summary>Diff of <code>%s</code></summary>\n\n%sdiff\n%s%s\n\n</details>\n\n",
		htmlEscape(a.Name), fence, diff, fence)
	return b.String()
}

// newTrustLines returns, for a trust policy that is created, one line per
// effect, principal, action and condition of its statements; nil for any
// other attribute.
func newTrustLines(a Attr) []statementLine {
	after, _ := a.After.(*policydoc.Document)
	if a.Name != "assume_role_policy" || a.Before != nil || after == nil {
		return nil
	}
	var lines []statementLine
	for _, sc := range policydoc.CompareStatements(nil, after) {
		for _, e := range sc.Added {
			switch e.Field {
			case "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Condition":
				lines = append(lines, statementLine{added: true, text: statementLabel(sc) + ": " + elementText(e)})
			}
		}
	}
	return lines
}

// cutNote returns the note that counts what did not fit, or "".
func (m *markdownRenderer) cutNote() string {
	if m.destructiveLeft == 0 && m.shortened == 0 && m.omitted == 0 {
		return ""
	}
	var parts []string
	if m.destructiveLeft > 0 {
		parts = append(parts, fmt.Sprintf("%d of the %d deletions and replacements not listed", m.destructiveLeft, m.destructiveTotal))
	}
	if m.shortened > 0 {
		parts = append(parts, fmt.Sprintf("%s shown without details", countNoun(m.shortened, "change", "changes")))
	}
	if m.omitted > 0 {
		parts = append(parts, fmt.Sprintf("%s not shown", countNoun(m.omitted, "change", "changes")))
	}
	return fmt.Sprintf("\n> **The plan is cut to fit a comment:** %s. Run `iamsync show` on the saved plan, "+
		"or `iamsync plan`, for the full plan.\n", strings.Join(parts, ", "))
}

// countNoun writes a count with the singular or plural noun.
func countNoun(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, plural)
}

// mdCode writes s as an inline code span, with a fence of backticks longer
// than any run of backticks in s.
func mdCode(s string) string {
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdFence returns a code block fence longer than any run of backticks in
// the block's text, and at least three backticks long.
func mdFence(text string) string {
	return strings.Repeat("`", max(3, longestRun(text, '`')+1))
}

// longestRun returns the length of the longest run of r in s.
func longestRun(s string, r rune) int {
	longest, run := 0, 0
	for _, c := range s {
		if c == r {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// mdEscaper escapes the characters that Markdown or the HTML inside it
// would interpret in plain text.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "|", `\|`, "~", `\~`,
)

// mdEscape writes plain text so that Markdown shows it as it is.
func mdEscape(s string) string { return mdEscaper.Replace(s) }

// htmlEscaper escapes text inside HTML tags.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// maxMarkdownWarnings bounds the warnings a comment lists; the rest are
// counted.
const maxMarkdownWarnings = 20

// markdownWarnings lists the plan's warnings, which a reviewer must see
// before approving.
func markdownWarnings(p *Plan) string {
	if len(p.Warnings) == 0 {
		return ""
	}
	// Warnings about the whole plan, which have no source location, come
	// first: they explain the rest.
	warnings := slices.Clone(p.Warnings)
	sort.SliceStable(warnings, func(i, j int) bool { return warnings[i].Range == nil && warnings[j].Range != nil })

	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", countNoun(len(warnings), "warning", "warnings"))
	for i, w := range warnings {
		if i == maxMarkdownWarnings {
			fmt.Fprintf(&b, "- and %d more; the text plan lists them all\n", len(warnings)-i)
			break
		}
		where := ""
		if w.Range != nil {
			where = fmt.Sprintf(" (%s)", mdCode(fmt.Sprintf("%s:%d", w.Range.Filename, w.Range.Start.Line)))
		}
		fmt.Fprintf(&b, "- :warning: **%s**%s: %s\n", mdEscape(w.Summary), where, mdEscape(w.Detail))
	}
	b.WriteString("\n")
	return b.String()
}
