package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
	"github.com/iamsync/iamsync/spec"
)

// inProcessSandbox starts a sandbox in the test process on the given state
// file (empty for an empty account) and returns a provider for it.
func inProcessSandbox(t testing.TB, statePath string) (*awsprovider.Provider, *sandbox.Server) {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{StatePath: statePath})
	if err != nil {
		t.Fatalf("create sandbox: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	keyID, secret := srv.Credentials()
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		EndpointURL: endpoint, AccessKeyID: keyID, SecretAccessKey: secret, Region: "us-east-1",
	})
	if err != nil {
		t.Fatalf("new provider: %v", err)
	}
	return p, srv
}

// loadConfig writes the configuration of shape and loads it.
func loadConfig(t testing.TB, shape Shape) *spec.Config {
	t.Helper()
	dir := t.TempDir()
	if err := WriteConfig(dir, shape); err != nil {
		t.Fatal(err)
	}
	cfg, diags := spec.Load(dir, spec.LoadOptions{AccountID: AccountID})
	if diags.HasErrors() {
		t.Fatalf("load generated configuration: %v", diags)
	}
	for _, d := range diags {
		t.Errorf("unexpected diagnostic: %v", d)
	}
	return cfg
}

func TestGeneratedAccountMatchesConfiguration(t *testing.T) {
	shape, err := ShapeFor(100)
	if err != nil {
		t.Fatal(err)
	}
	statePath := filepath.Join(t.TempDir(), "state.json")
	if err := WriteState(statePath, shape); err != nil {
		t.Fatal(err)
	}
	p, _ := inProcessSandbox(t, statePath)
	cfg := loadConfig(t, shape)

	live, err := p.ReadState(context.Background(), provider.ReadOptions{})
	if err != nil {
		t.Fatalf("read state: %v", err)
	}
	if got := len(live.Users) + len(live.Groups) + len(live.Roles) + len(live.Policies); got != shape.Entities() {
		t.Errorf("live account has %d entities, want %d", got, shape.Entities())
	}
	for _, pol := range live.Policies {
		if len(pol.Versions) != versionsPerPolicy {
			t.Errorf("policy %s has %d versions, want %d", pol.Name, len(pol.Versions), versionsPerPolicy)
		}
	}

	plan, diags := planner.Make(cfg, live, planner.Options{Now: time.Now()})
	if len(diags) > 0 {
		t.Fatalf("plan diagnostics: %v", diags)
	}
	for _, c := range plan.Changes {
		t.Errorf("unexpected change: %s", c.Description())
	}
}

func TestApplyShapeMakesApplyCalls(t *testing.T) {
	cfg := loadConfig(t, ApplyShape)
	p, srv := inProcessSandbox(t, "")
	live, err := p.ReadState(context.Background(), provider.ReadOptions{})
	if err != nil {
		t.Fatalf("read state: %v", err)
	}
	plan, diags := planner.Make(cfg, live, planner.Options{Now: time.Now()})
	if diags.HasErrors() {
		t.Fatalf("plan: %v", diags)
	}
	graph, err := executor.Compile(plan)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if got := len(graph.Steps()); got != ApplyCalls {
		t.Errorf("apply graph has %d steps, want %d", got, ApplyCalls)
	}

	srv.ResetCalls()
	res := executor.Run(context.Background(), graph, p, executor.Options{Parallelism: 16})
	if res.Err != nil {
		t.Fatalf("apply: %v", res.Err)
	}
	if got := srv.WriteCalls(); got != ApplyCalls {
		t.Errorf("apply made %d write calls, want %d", got, ApplyCalls)
	}
}

// Live documents stored "as iamsync sent them" must be the very text that
// the configuration's jsonencode call makes, which iamsync sends to IAM.
func TestSentTextIsJSONEncodeOutput(t *testing.T) {
	shape := Shape{Users: 8, Groups: 2, Roles: 5, Policies: 3}
	cfg := loadConfig(t, shape)
	a := newAccount(shape)

	declared := map[string]string{}
	for _, p := range cfg.Policies {
		declared["policy "+p.Name] = p.Document.String()
	}
	for _, r := range cfg.Roles {
		declared["trust "+r.Name] = r.AssumeRolePolicy.String()
		for _, ip := range r.InlinePolicies {
			declared["role inline "+r.Name] = ip.Document.String()
		}
	}
	for _, g := range cfg.Groups {
		for _, ip := range g.InlinePolicies {
			declared["group inline "+g.Name] = ip.Document.String()
		}
	}
	for _, u := range cfg.Users {
		for _, ip := range u.InlinePolicies {
			declared["user inline "+u.Name] = ip.Document.String()
		}
	}

	generated := map[string]string{}
	for _, p := range a.policies {
		generated["policy "+p.name] = p.versions[len(p.versions)-1].sentText()
	}
	for _, r := range a.roles {
		generated["trust "+r.name] = r.trust.sentText()
		if r.inlineName != "" {
			generated["role inline "+r.name] = r.inline.sentText()
		}
	}
	for _, g := range a.groups {
		generated["group inline "+g.name] = g.inline.sentText()
	}
	for _, u := range a.users {
		if u.inlineName != "" {
			generated["user inline "+u.name] = u.inline.sentText()
		}
	}
	if diff := cmp.Diff(declared, generated); diff != "" {
		t.Errorf("generated documents differ from jsonencode's (-jsonencode +generated):\n%s", diff)
	}
}
