package planner

import (
	"fmt"
	"strings"

	"github.com/iamsync/iamsync/policydoc"
)

// statementLine is one element that a document change adds to or removes
// from one statement, as renderers print it:
//
//	statement "ReadObjects": + action s3:GetObjectVersion
type statementLine struct {
	added bool
	text  string
}

// documentChanges returns the statement changes between two versions of a
// document, or nil unless both exist and differ. Creates and deletes show
// the whole document in the line diff already.
func documentChanges(a Attr) []policydoc.StatementChange {
	before, _ := a.Before.(*policydoc.Document)
	after, _ := a.After.(*policydoc.Document)
	if before == nil || after == nil || policydoc.Equal(before, after) {
		return nil
	}
	return policydoc.CompareStatements(before, after)
}

// statementLines returns one line per element that a document change adds
// or removes, statement by statement.
func statementLines(changes []policydoc.StatementChange) []statementLine {
	var lines []statementLine
	for _, sc := range changes {
		label := statementLabel(sc)
		for _, e := range sc.Removed {
			if sc.Change == policydoc.StatementRemoved && e.Field == "Sid" {
				continue
			}
			lines = append(lines, statementLine{text: label + ": - " + elementText(e)})
		}
		for _, e := range sc.Added {
			if sc.Change == policydoc.StatementAdded && e.Field == "Sid" {
				continue
			}
			lines = append(lines, statementLine{added: true, text: label + ": + " + elementText(e)})
		}
	}
	return lines
}

// statementLabel names a statement by its Sid, or by its position counted
// from 1 in the new document, or in the old one for a removed statement,
// and marks it added or removed.
func statementLabel(sc policydoc.StatementChange) string {
	label := ""
	switch {
	case sc.Sid != "":
		label = fmt.Sprintf("statement %q", sc.Sid)
	case sc.NewIndex >= 0:
		label = fmt.Sprintf("statement #%d", sc.NewIndex+1)
	default:
		// Counted in the old document, which the other labels are not.
		label = fmt.Sprintf("old statement #%d", sc.OldIndex+1)
	}
	switch sc.Change {
	case policydoc.StatementAdded:
		label += " (added)"
	case policydoc.StatementRemoved:
		label += " (removed)"
	default:
		// A statement paired by its content may have had another Sid.
		for _, e := range sc.Removed {
			if e.Field == "Sid" && e.Value != sc.Sid {
				label += fmt.Sprintf(" (was %q)", e.Value)
			}
		}
	}
	return label
}

// elementFields names the elements of a statement as the aws_iam_policy_document
// data source of the Terraform AWS provider does, in the singular.
var elementFields = map[string]string{
	"Sid":          "sid",
	"Effect":       "effect",
	"Principal":    "principal",
	"NotPrincipal": "not_principal",
	"Action":       "action",
	"NotAction":    "not_action",
	"Resource":     "resource",
	"NotResource":  "not_resource",
	"Condition":    "condition",
}

// elementText writes an element such as "action s3:GetObject" or
// "condition StringEquals aws:username = alice".
func elementText(e policydoc.Element) string {
	field, ok := elementFields[e.Field]
	if !ok {
		field = e.Field
	}
	parts := []string{field}
	if e.Type != "" {
		parts = append(parts, e.Type)
	}
	if e.Key != "" {
		parts = append(parts, e.Key, "=")
	}
	return strings.Join(append(parts, e.Value), " ")
}
