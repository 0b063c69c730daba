package executor

import (
	"context"
	"testing"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/policydoc"
)

// Plans in these tests are built by hand, in the shape planner.Change
// documents, so that the executor is tested apart from the planner.

const (
	docA = `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	docB = `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
)

// trustDoc returns a trust policy that trusts the given principal ARNs.
func trustDoc(principals string) string {
	return `{"Statement":[{"Effect":"Allow","Principal":{"AWS":` + principals + `},"Action":"sts:AssumeRole"}]}`
}

// arnOf returns the ARN of an entity in the test account, such as
// arnOf("policy/", "Admin").
func arnOf(kind, name string) string { return "arn:aws:iam::123456789012:" + kind + name }

// mustDoc parses a valid policy document and panics on an invalid one.
func mustDoc(text string) *policydoc.Document {
	d, err := policydoc.Parse(text)
	if err != nil {
		panic(err)
	}
	return d
}

// set, unset and change build attributes of a create, a delete and an
// update.
func set(name string, v any) planner.Attr   { return planner.Attr{Name: name, After: v} }
func unset(name string, v any) planner.Attr { return planner.Attr{Name: name, Before: v} }
func change(name string, before, after any) planner.Attr {
	return planner.Attr{Name: name, Before: before, After: after}
}

// newChange builds a change of an entity or an account setting.
func newChange(action planner.Action, typ planner.Type, address, name string, attrs ...planner.Attr) *planner.Change {
	return &planner.Change{Address: address, Type: typ, Action: action, Name: name, Attrs: attrs}
}

// newOwned builds a change of a sub-resource of the owner.
func newOwned(action planner.Action, typ planner.Type, owner planner.Ref, address, name string, attrs ...planner.Attr) *planner.Change {
	c := newChange(action, typ, address, name, attrs...)
	c.Parent = &owner
	return c
}

func userRef(name string) planner.Ref  { return planner.Ref{Type: planner.TypeUser, Name: name} }
func groupRef(name string) planner.Ref { return planner.Ref{Type: planner.TypeGroup, Name: name} }
func roleRef(name string) planner.Ref  { return planner.Ref{Type: planner.TypeRole, Name: name} }

func newPlan(changes ...*planner.Change) *planner.Plan {
	return &planner.Plan{AccountID: "123456789012", Changes: changes}
}

// compile compiles a plan that the test expects to be valid.
func compile(t *testing.T, plan *planner.Plan) *Graph {
	t.Helper()
	g, err := Compile(plan)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return g
}

// run compiles and runs a plan against client with a clock that only
// sleeps move, so that retries take no real time.
func run(t *testing.T, plan *planner.Plan, client Client, opts Options) *Result {
	t.Helper()
	if opts.Clock == nil {
		clock := newFakeTime()
		opts.Clock, opts.Sleep = clock.Now, clock.Sleep
	}
	return Run(context.Background(), compile(t, plan), client, opts)
}

// stepIDs returns the IDs of the reported steps.
func stepIDs(reports []StepReport) []string {
	var ids []string
	for _, r := range reports {
		ids = append(ids, r.Step.ID)
	}
	return ids
}
