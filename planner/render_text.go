package planner

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/iamsync/iamsync/policydoc"
)

// RenderOptions control the human form of a plan.
type RenderOptions struct {
	// Color marks deletions red, creations green and updates yellow with
	// ANSI escape sequences. The caller decides from the terminal and
	// NO_COLOR.
	Color bool
}

// ANSI escape sequences.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// sensitiveMarker stands for a value that is never printed.
const sensitiveMarker = "(sensitive value)"

// RenderText writes the plan for people to read, as Terraform does: a legend
// of the action symbols, one block per change, then a summary line.
// Diagnostics are not part of it.
func RenderText(w io.Writer, p *Plan, opts RenderOptions) error {
	r := &textRenderer{color: opts.Color}
	if len(p.Targets) > 0 {
		r.line(ansiYellow, targetsNote(p))
		r.line("", "")
	}
	if !p.HasChanges() {
		r.line("", noChangesText(p))
	} else {
		r.legend(p)
		for _, c := range p.Changes {
			r.change(c)
		}
		r.line("", summaryLine(p))
	}
	if _, err := io.WriteString(w, r.out.String()); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// targetsNote returns the note that a plan is limited to its targets.
func targetsNote(p *Plan) string {
	return fmt.Sprintf("This plan is targeted: it holds the changes of %s and those %s. It is partial: "+
		"changes outside the targets are not shown and will not be applied.", joinWords(p.Targets), targetsNeed(p))
}

// targetsNeed returns "it needs" or "they need", after the targets.
func targetsNeed(p *Plan) string {
	if len(p.Targets) == 1 {
		return "it needs"
	}
	return "they need"
}

// noChangesText returns the message that the plan changes nothing.
func noChangesText(p *Plan) string {
	if len(p.Targets) > 0 {
		return "No changes. The targets match the configuration."
	}
	return "No changes. The account matches the configuration."
}

// summaryLine counts the changes by action.
func summaryLine(p *Plan) string {
	return fmt.Sprintf("Plan: %d to create, %d to update, %d to replace, %d to delete.",
		p.Count(Create), p.Count(Update), p.Count(Replace), p.Count(Delete))
}

type textRenderer struct {
	out   strings.Builder
	color bool
}

// line writes one line in the given color, or plain when color is "" or off.
func (r *textRenderer) line(color, text string) {
	if r.color && color != "" {
		text = color + text + ansiReset
	}
	r.out.WriteString(text)
	r.out.WriteByte('\n')
}

// legend explains the symbols of the actions that the plan uses.
func (r *textRenderer) legend(p *Plan) {
	r.line("", "Actions are marked with these symbols:")
	for _, a := range []Action{Create, Update, Replace, Delete} {
		if p.Count(a) > 0 {
			r.line(actionColor(a), fmt.Sprintf("%3s %s", actionSymbol(a), actionWords(a)))
		}
	}
	r.line("", "")
}

func actionSymbol(a Action) string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Replace:
		return "-/+"
	case Delete:
		return "-"
	}
	return " "
}

func actionWords(a Action) string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update in place"
	case Replace:
		return "delete, then create again"
	case Delete:
		return "delete"
	}
	return string(a)
}

func actionColor(a Action) string {
	switch a {
	case Create:
		return ansiGreen
	case Update:
		return ansiYellow
	case Replace, Delete:
		return ansiRed
	}
	return ""
}

// change writes one change block: a comment with its description, the
// address with its symbol, and its attributes.
func (r *textRenderer) change(c *Change) {
	r.line(ansiBold, "  # "+c.Description())
	attrs := shownAttrs(c)
	head := fmt.Sprintf("%3s %s", actionSymbol(c.Action), c.Address)
	if len(attrs) == 0 {
		r.line(actionColor(c.Action), head)
	} else {
		r.line(actionColor(c.Action), head+" {")
		width := 0
		for _, a := range attrs {
			width = max(width, len(a.Name))
		}
		for _, a := range attrs {
			r.attr(c, a, width)
		}
		r.line("", "    }")
	}
	if showsDependents(c) {
		r.dependents(c)
	}
	r.line("", "")
}

// dependents writes, under a replacement, what in the account names the
// entity and what happens to it.
func (r *textRenderer) dependents(c *Change) {
	if heading := dependentsHeading(c); heading != "" {
		r.line("", "    # "+heading)
	}
	for _, d := range c.Dependents {
		color := ""
		if d.Effect == EffectDangling {
			color = ansiRed
		}
		r.line(color, "    #   "+dependentSentence(d))
	}
	if note := outsideNote(c); note != "" {
		r.line("", "    # "+note)
	}
}

// shownAttrs returns the attributes a change block prints: all of them in a
// create, delete or replace, and in an update those that differ, unless none
// does.
func shownAttrs(c *Change) []Attr {
	if c.Action != Update {
		return c.Attrs
	}
	var differing []Attr
	for _, a := range c.Attrs {
		if !sameValue(a.Before, a.After) {
			differing = append(differing, a)
		}
	}
	if len(differing) == 0 {
		return c.Attrs
	}
	return differing
}

// attrSymbol returns the symbol of one attribute line and its color.
func attrSymbol(c *Change, a Attr) (string, string) {
	switch {
	case a.Name == attrPruneVersion:
		// The value names the version that is deleted.
		return "-", ansiRed
	case c.Action == Create || (a.Before == nil && a.After != nil):
		return "+", ansiGreen
	case c.Action == Delete || (a.After == nil && a.Before != nil):
		return "-", ansiRed
	case sameValue(a.Before, a.After):
		return " ", ""
	}
	return "~", ansiYellow
}

// attr writes one attribute of a change block, names padded to width.
func (r *textRenderer) attr(c *Change, a Attr, width int) {
	symbol, color := attrSymbol(c, a)
	lead := fmt.Sprintf("      %s %-*s", symbol, width, a.Name)
	suffix := ""
	if a.ForcesReplacement {
		suffix = " # forces replacement"
	}

	switch {
	case a.Sensitive:
		r.line(color, lead+" = "+sensitiveMarker+suffix)
	case isDocument(a.Before) || isDocument(a.After):
		r.document(lead, color, suffix, a)
	case isMap(a.Before) || isMap(a.After):
		r.tags(c, lead, color, suffix, a)
	case symbol == "+":
		r.line(color, lead+" = "+formatValue(a.After)+suffix)
	case a.Name == attrPruneVersion:
		r.line(color, lead+" = "+formatValue(a.After)+" # deleted first: IAM keeps at most five versions"+suffix)
	case a.Name == attrVersions:
		r.line(color, lead+" = "+formatValue(a.Before)+" # the versions besides the default, deleted before the policy"+suffix)
	case symbol == "-" || symbol == " ":
		r.line(color, lead+" = "+formatValue(a.Before)+suffix)
	default:
		r.line(color, lead+" = "+formatValue(a.Before)+" -> "+formatValue(a.After)+suffix)
	}
}

// document writes a policy document attribute as a line diff of the
// pretty-printed JSON. An unchanged document is not repeated.
func (r *textRenderer) document(lead, color, suffix string, a Attr) {
	before, _ := a.Before.(*policydoc.Document)
	after, _ := a.After.(*policydoc.Document)
	if before != nil && after != nil && policydoc.Equal(before, after) {
		r.line(color, lead+" = (unchanged)"+suffix)
		return
	}
	r.line(color, strings.TrimRight(lead, " ")+suffix)
	for _, l := range statementLines(documentChanges(a)) {
		lineColor := ansiRed
		if l.added {
			lineColor = ansiGreen
		}
		r.line(lineColor, "          "+l.text)
	}
	diff := strings.TrimSuffix(policydoc.Diff(before, after), "\n")
	for _, l := range strings.Split(diff, "\n") {
		lineColor := ""
		switch {
		case strings.HasPrefix(l, "+ "):
			lineColor = ansiGreen
		case strings.HasPrefix(l, "- "):
			lineColor = ansiRed
		}
		r.line(lineColor, "          "+l)
	}
}

// tags writes a map attribute key by key. In an update or replace only the
// keys that change are shown. Keys of users and roles are matched
// case-insensitively, as IAM compares them.
func (r *textRenderer) tags(c *Change, lead, color, suffix string, a Attr) {
	before, _ := a.Before.(map[string]string)
	after, _ := a.After.(map[string]string)
	foldKeys := c.Type == TypeUser || c.Type == TypeRole
	entries := mapEntries(before, after, foldKeys)

	// An update shows only the keys that change, and aligns only those.
	shown := func(e mapEntry) bool {
		return c.Action != Update || !e.hasBefore || !e.hasAfter || e.before != e.after
	}
	width := 0
	for _, e := range entries {
		if shown(e) {
			width = max(width, len(fmt.Sprintf("%q", e.key)))
		}
	}
	r.line(color, lead+" = {"+suffix)
	for _, e := range entries {
		key := fmt.Sprintf("%-*s", width, fmt.Sprintf("%q", e.key))
		switch {
		case !e.hasBefore:
			r.line(ansiGreen, "          + "+key+" = "+fmt.Sprintf("%q", e.after))
		case !e.hasAfter:
			r.line(ansiRed, "          - "+key+" = "+fmt.Sprintf("%q", e.before))
		case e.before != e.after:
			r.line(ansiYellow, "          ~ "+key+" = "+fmt.Sprintf("%q -> %q", e.before, e.after))
		case c.Action != Update:
			r.line("", "            "+key+" = "+fmt.Sprintf("%q", e.after))
		}
	}
	r.line("", "        }")
}

// mapEntry is one key of a map attribute before and after.
type mapEntry struct {
	key                 string
	before, after       string
	hasBefore, hasAfter bool
}

// mapEntries pairs the keys of two maps, sorted by key. With foldKeys, keys
// that differ only in case are one entry under the new spelling.
func mapEntries(before, after map[string]string, foldKeys bool) []mapEntry {
	norm := func(k string) string {
		if foldKeys {
			return fold(k)
		}
		return k
	}
	byKey := map[string]*mapEntry{}
	for k, v := range before {
		byKey[norm(k)] = &mapEntry{key: k, before: v, hasBefore: true}
	}
	for k, v := range after {
		e := byKey[norm(k)]
		if e == nil {
			e = &mapEntry{}
			byKey[norm(k)] = e
		}
		e.key, e.after, e.hasAfter = k, v, true
	}
	entries := make([]mapEntry, 0, len(byKey))
	for _, e := range byKey {
		entries = append(entries, *e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	return entries
}

// formatValue formats a scalar or list attribute value as HCL writes it.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", v)
	case []string:
		quoted := make([]string, len(v))
		for i, s := range v {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(quoted, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// sameValue reports whether two attribute values are the same; documents are
// compared by meaning.
func sameValue(a, b any) bool {
	da, aDoc := a.(*policydoc.Document)
	db, bDoc := b.(*policydoc.Document)
	if aDoc || bDoc {
		return aDoc && bDoc && policydoc.Equal(da, db)
	}
	return reflect.DeepEqual(a, b)
}

func isDocument(v any) bool {
	d, ok := v.(*policydoc.Document)
	return ok && d != nil
}

func isMap(v any) bool {
	_, ok := v.(map[string]string)
	return ok
}
