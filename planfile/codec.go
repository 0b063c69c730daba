package planfile

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/policydoc"
)

// savedPlan is the form a planner.Plan takes in a plan file. Unlike the
// JSON plan format, it keeps the Go type of every attribute value, so that
// the plan read back is the plan that was saved.
type savedPlan struct {
	AccountID string         `json:"account_id"`
	CreatedAt time.Time      `json:"created_at"`
	Targets   []string       `json:"targets,omitempty"`
	Changes   []savedChange  `json:"changes"`
	Warnings  []savedWarning `json:"warnings,omitempty"`
}

type savedWarning struct {
	Summary string      `json:"summary"`
	Detail  string      `json:"detail,omitempty"`
	Address string      `json:"address,omitempty"`
	Range   *savedRange `json:"range,omitempty"`
}

type savedChange struct {
	Address    string           `json:"address"`
	Type       planner.Type     `json:"type"`
	Action     planner.Action   `json:"action"`
	Reason     planner.Reason   `json:"reason,omitempty"`
	Detail     string           `json:"detail,omitempty"`
	Cause      string           `json:"cause,omitempty"`
	Name       string           `json:"name"`
	OldName    string           `json:"old_name,omitempty"`
	Parent     *savedRef        `json:"parent,omitempty"`
	Attrs      []savedAttr      `json:"attrs,omitempty"`
	DeclRange  *savedRange      `json:"decl_range,omitempty"`
	Dependents []savedDependent `json:"dependents,omitempty"`
}

type savedRef struct {
	Type planner.Type `json:"type"`
	Name string       `json:"name"`
}

type savedAttr struct {
	Name              string      `json:"name"`
	Before            *savedValue `json:"before,omitempty"`
	After             *savedValue `json:"after,omitempty"`
	ForcesReplacement bool        `json:"forces_replacement,omitempty"`
	Sensitive         bool        `json:"sensitive,omitempty"`
}

// savedValue is an attribute value with its Go type.
type savedValue struct {
	Kind  valueKind       `json:"kind"`
	Value json.RawMessage `json:"value"`
}

// valueKind names the Go types that planner.Change documents for
// attribute values.
type valueKind string

const (
	kindString   valueKind = "string"   // string
	kindInt      valueKind = "int"      // int64
	kindBool     valueKind = "bool"     // bool
	kindStrings  valueKind = "strings"  // []string
	kindTags     valueKind = "tags"     // map[string]string
	kindDocument valueKind = "document" // *policydoc.Document, saved as its text
)

// savedRange is a source range. A file inside the configuration directory
// is named relative to it, so that the range follows the directory the
// plan file names.
type savedRange struct {
	Filename string  `json:"filename"`
	InDir    bool    `json:"in_dir,omitempty"`
	Start    hcl.Pos `json:"start"`
	End      hcl.Pos `json:"end"`
}

type savedDependent struct {
	Address string                `json:"address"`
	Kind    planner.DependentKind `json:"kind"`
	Effect  planner.Effect        `json:"effect"`
	Change  string                `json:"change,omitempty"`
}

// encodePlan returns the saved form of a plan whose configuration is in dir.
func encodePlan(p *planner.Plan, dir string) savedPlan {
	sp := savedPlan{AccountID: p.AccountID, CreatedAt: p.CreatedAt, Targets: p.Targets, Changes: []savedChange{}}
	for _, c := range p.Changes {
		sp.Changes = append(sp.Changes, encodeChange(c, dir))
	}
	for _, w := range p.Warnings {
		sw := savedWarning{Summary: w.Summary, Detail: w.Detail, Address: w.Address}
		if w.Range != nil {
			sw.Range = encodeRange(*w.Range, dir)
		}
		sp.Warnings = append(sp.Warnings, sw)
	}
	return sp
}

func encodeChange(c *planner.Change, dir string) savedChange {
	sc := savedChange{
		Address: c.Address, Type: c.Type, Action: c.Action, Reason: c.Reason, Detail: c.Detail,
		Cause: c.Cause, Name: c.Name, OldName: c.OldName,
	}
	if c.Parent != nil {
		sc.Parent = &savedRef{Type: c.Parent.Type, Name: c.Parent.Name}
	}
	for _, a := range c.Attrs {
		sc.Attrs = append(sc.Attrs, savedAttr{
			Name:   a.Name,
			Before: encodeValue(c, a.Name, a.Before), After: encodeValue(c, a.Name, a.After),
			ForcesReplacement: a.ForcesReplacement, Sensitive: a.Sensitive,
		})
	}
	if c.DeclRange != nil {
		sc.DeclRange = encodeRange(*c.DeclRange, dir)
	}
	for _, d := range c.Dependents {
		sc.Dependents = append(sc.Dependents, savedDependent{Address: d.Address, Kind: d.Kind, Effect: d.Effect, Change: d.Change})
	}
	return sc
}

// encodeValue saves one attribute value. A value of a type that
// planner.Change does not document is a bug in the planner.
func encodeValue(c *planner.Change, name string, v any) *savedValue {
	var kind valueKind
	switch v := v.(type) {
	case nil:
		return nil
	case *policydoc.Document:
		if v == nil {
			return nil
		}
		return &savedValue{Kind: kindDocument, Value: mustMarshal(v.String())}
	case string:
		kind = kindString
	case int64:
		kind = kindInt
	case bool:
		kind = kindBool
	case []string:
		kind = kindStrings
	case map[string]string:
		kind = kindTags
	default:
		panic(fmt.Sprintf("planfile: attribute %q of %s has the type %T, which planner.Change does not document", name, c.Address, v))
	}
	return &savedValue{Kind: kind, Value: mustMarshal(v)}
}

func mustMarshal(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("planfile: marshal %T: %v", v, err))
	}
	return data
}

func encodeRange(r hcl.Range, dir string) *savedRange {
	sr := &savedRange{Filename: r.Filename, Start: r.Start, End: r.End}
	if rel, ok := relativeTo(dir, r.Filename); ok {
		sr.Filename, sr.InDir = filepath.ToSlash(rel), true
	}
	return sr
}

// relativeTo returns name relative to dir when name lies inside dir.
func relativeTo(dir, name string) (string, bool) {
	rel, err := filepath.Rel(dir, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// decodePlan restores a saved plan whose configuration is in dir.
func decodePlan(sp savedPlan, dir string) (*planner.Plan, error) {
	p := &planner.Plan{AccountID: sp.AccountID, CreatedAt: sp.CreatedAt, Targets: sp.Targets}
	for _, sc := range sp.Changes {
		c, err := decodeChange(sc, dir)
		if err != nil {
			return nil, fmt.Errorf("change %s: %w", sc.Address, err)
		}
		p.Changes = append(p.Changes, c)
	}
	for _, sw := range sp.Warnings {
		w := planner.Warning{Summary: sw.Summary, Detail: sw.Detail, Address: sw.Address}
		if sw.Range != nil {
			r := decodeRange(sw.Range, dir)
			w.Range = &r
		}
		p.Warnings = append(p.Warnings, w)
	}
	return p, nil
}

// decodeRange restores a saved range, under dir when it was saved relative
// to the configuration directory.
func decodeRange(sr *savedRange, dir string) hcl.Range {
	r := hcl.Range{Filename: sr.Filename, Start: sr.Start, End: sr.End}
	if sr.InDir {
		r.Filename = filepath.Join(dir, filepath.FromSlash(sr.Filename))
	}
	return r
}

func decodeChange(sc savedChange, dir string) (*planner.Change, error) {
	c := &planner.Change{
		Address: sc.Address, Type: sc.Type, Action: sc.Action, Reason: sc.Reason, Detail: sc.Detail,
		Cause: sc.Cause, Name: sc.Name, OldName: sc.OldName,
	}
	if sc.Parent != nil {
		c.Parent = &planner.Ref{Type: sc.Parent.Type, Name: sc.Parent.Name}
	}
	for _, sa := range sc.Attrs {
		before, err := decodeValue(sa.Before)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", sa.Name, err)
		}
		after, err := decodeValue(sa.After)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", sa.Name, err)
		}
		c.Attrs = append(c.Attrs, planner.Attr{
			Name: sa.Name, Before: before, After: after,
			ForcesReplacement: sa.ForcesReplacement, Sensitive: sa.Sensitive,
		})
	}
	if sc.DeclRange != nil {
		r := decodeRange(sc.DeclRange, dir)
		c.DeclRange = &r
	}
	for _, d := range sc.Dependents {
		c.Dependents = append(c.Dependents, planner.Dependent{Address: d.Address, Kind: d.Kind, Effect: d.Effect, Change: d.Change})
	}
	return c, nil
}

// decodeValue restores an attribute value with its Go type.
func decodeValue(sv *savedValue) (any, error) {
	if sv == nil {
		return nil, nil
	}
	var err error
	switch sv.Kind {
	case kindString:
		var s string
		err = json.Unmarshal(sv.Value, &s)
		return s, err
	case kindInt:
		var n int64
		err = json.Unmarshal(sv.Value, &n)
		return n, err
	case kindBool:
		var b bool
		err = json.Unmarshal(sv.Value, &b)
		return b, err
	case kindStrings:
		var list []string
		err = json.Unmarshal(sv.Value, &list)
		return list, err
	case kindTags:
		var tags map[string]string
		err = json.Unmarshal(sv.Value, &tags)
		return tags, err
	case kindDocument:
		var text string
		if err := json.Unmarshal(sv.Value, &text); err != nil {
			return nil, err
		}
		doc, err := policydoc.Parse(text)
		if err != nil {
			return nil, fmt.Errorf("policy document: %w", err)
		}
		return doc, nil
	}
	return nil, fmt.Errorf("unknown value kind %q", sv.Kind)
}
