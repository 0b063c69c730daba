package planner

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/iamsync/iamsync/policydoc"
)

// JSONFormatVersion is the version of the JSON plan format that RenderJSON
// writes. Its minor number grows when fields are added, its major number when
// a field changes meaning or goes away. docs/plan-json.md describes it, and
// docs/plan.schema.json is its JSON Schema.
const JSONFormatVersion = "1.5"

// jsonPlan is the JSON form of a plan.
type jsonPlan struct {
	FormatVersion string        `json:"format_version"`
	AccountID     string        `json:"account_id"`
	CreatedAt     time.Time     `json:"created_at"`
	Targets       []string      `json:"targets,omitempty"`
	Changes       []jsonChange  `json:"changes"`
	Summary       jsonSummary   `json:"summary"`
	Warnings      []jsonWarning `json:"warnings,omitempty"`
}

type jsonWarning struct {
	Summary    string   `json:"summary"`
	Detail     string   `json:"detail,omitempty"`
	Address    string   `json:"address,omitempty"`
	DeclaredAt *jsonPos `json:"declared_at,omitempty"`
}

type jsonChange struct {
	Address     string              `json:"address"`
	Type        Type                `json:"type"`
	Action      Action              `json:"action"`
	Description string              `json:"description"`
	Reason      Reason              `json:"reason,omitempty"`
	ReasonText  string              `json:"reason_text,omitempty"`
	Detail      string              `json:"detail,omitempty"`
	Cause       string              `json:"cause,omitempty"`
	Name        string              `json:"name"`
	OldName     string              `json:"old_name,omitempty"`
	Parent      *jsonRef            `json:"parent,omitempty"`
	Attributes  map[string]jsonAttr `json:"attributes"`
	DeclaredAt  *jsonPos            `json:"declared_at,omitempty"`
	Dependents  []jsonDependent     `json:"dependents,omitempty"`
}

type jsonDependent struct {
	Address string        `json:"address"`
	Kind    DependentKind `json:"kind"`
	Effect  Effect        `json:"effect"`
	Change  string        `json:"change,omitempty"`
}

type jsonRef struct {
	Type Type   `json:"type"`
	Name string `json:"name"`
}

type jsonAttr struct {
	Before            any  `json:"before"`
	After             any  `json:"after"`
	ForcesReplacement bool `json:"forces_replacement,omitempty"`
	Sensitive         bool `json:"sensitive,omitempty"`
	// StatementChanges compares the statements of a policy document that
	// exists before and after and differs.
	StatementChanges []jsonStatementChange `json:"statement_changes,omitempty"`
}

type jsonStatementChange struct {
	Change   string        `json:"change"`
	Sid      string        `json:"sid,omitempty"`
	OldIndex *int          `json:"old_index,omitempty"`
	NewIndex *int          `json:"new_index,omitempty"`
	Added    []jsonElement `json:"added,omitempty"`
	Removed  []jsonElement `json:"removed,omitempty"`
}

type jsonElement struct {
	Field string `json:"field"`
	Type  string `json:"type,omitempty"`
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
}

type jsonPos struct {
	Filename string `json:"filename"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

type jsonSummary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
}

// RenderJSON writes the plan as one JSON document, in the format that
// docs/plan-json.md describes. Policy documents are embedded as JSON
// objects, and sensitive values are replaced by a marker.
func RenderJSON(w io.Writer, p *Plan) error {
	doc := jsonPlan{
		FormatVersion: JSONFormatVersion,
		AccountID:     p.AccountID,
		CreatedAt:     p.CreatedAt.UTC(),
		Targets:       p.Targets,
		Changes:       make([]jsonChange, 0, len(p.Changes)),
		Summary: jsonSummary{
			Create:  p.Count(Create),
			Update:  p.Count(Update),
			Replace: p.Count(Replace),
			Delete:  p.Count(Delete),
		},
	}
	for _, c := range p.Changes {
		doc.Changes = append(doc.Changes, toJSONChange(c))
	}
	for _, w := range p.Warnings {
		jw := jsonWarning{Summary: w.Summary, Detail: w.Detail, Address: w.Address}
		if w.Range != nil {
			jw.DeclaredAt = &jsonPos{Filename: w.Range.Filename, Line: w.Range.Start.Line, Column: w.Range.Start.Column}
		}
		doc.Warnings = append(doc.Warnings, jw)
	}

	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write plan as JSON: %w", err)
	}
	return nil
}

func toJSONChange(c *Change) jsonChange {
	jc := jsonChange{
		Address:     c.Address,
		Type:        c.Type,
		Action:      c.Action,
		Description: c.Description(),
		Reason:      c.Reason,
		ReasonText:  c.ReasonText(),
		Detail:      c.Detail,
		Cause:       c.Cause,
		Name:        c.Name,
		OldName:     c.OldName,
		Attributes:  make(map[string]jsonAttr, len(c.Attrs)),
	}
	if c.Parent != nil {
		jc.Parent = &jsonRef{Type: c.Parent.Type, Name: c.Parent.Name}
	}
	if c.DeclRange != nil {
		jc.DeclaredAt = &jsonPos{Filename: c.DeclRange.Filename, Line: c.DeclRange.Start.Line, Column: c.DeclRange.Start.Column}
	}
	for _, a := range c.Attrs {
		ja := jsonAttr{Before: a.Before, After: a.After, ForcesReplacement: a.ForcesReplacement, Sensitive: a.Sensitive}
		if a.Sensitive {
			ja.Before, ja.After = hideValue(a.Before), hideValue(a.After)
		} else {
			ja.StatementChanges = toJSONStatementChanges(documentChanges(a))
		}
		jc.Attributes[a.Name] = ja
	}
	for _, d := range c.Dependents {
		jc.Dependents = append(jc.Dependents, jsonDependent{Address: d.Address, Kind: d.Kind, Effect: d.Effect, Change: d.Change})
	}
	return jc
}

func toJSONStatementChanges(changes []policydoc.StatementChange) []jsonStatementChange {
	var out []jsonStatementChange
	for _, sc := range changes {
		js := jsonStatementChange{Change: sc.Change.String(), Sid: sc.Sid}
		if sc.OldIndex >= 0 {
			js.OldIndex = &sc.OldIndex
		}
		if sc.NewIndex >= 0 {
			js.NewIndex = &sc.NewIndex
		}
		js.Added = toJSONElements(sc.Added)
		js.Removed = toJSONElements(sc.Removed)
		out = append(out, js)
	}
	return out
}

func toJSONElements(elements []policydoc.Element) []jsonElement {
	var out []jsonElement
	for _, e := range elements {
		out = append(out, jsonElement{Field: e.Field, Type: e.Type, Key: e.Key, Value: e.Value})
	}
	return out
}

// hideValue returns the marker for a sensitive value that is set.
func hideValue(v any) any {
	if isEmpty(v) {
		return nil
	}
	return sensitiveMarker
}
