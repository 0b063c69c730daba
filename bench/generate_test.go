package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
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
	return loadLayout(t, LayoutBlocks, shape)
}

// loadLayout writes the configuration of shape in a layout and loads it.
func loadLayout(t testing.TB, layout Layout, shape Shape) *spec.Config {
	t.Helper()
	dir := filepath.Join(t.TempDir(), layout.dirName())
	if err := layout.write(dir, shape); err != nil {
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

	for _, layout := range DefaultLayouts {
		t.Run(string(layout), func(t *testing.T) {
			cfg := loadLayout(t, layout, shape)
			if got := len(cfg.Users) + len(cfg.Groups) + len(cfg.Roles) + len(cfg.Policies); got != shape.Entities() {
				t.Errorf("configuration declares %d entities, want %d", got, shape.Entities())
			}
			plan, diags := planner.Make(cfg, live, planner.Options{Now: time.Now()})
			if len(diags) > 0 {
				t.Fatalf("plan diagnostics: %v", diags)
			}
			for _, c := range plan.Changes {
				t.Errorf("unexpected change: %s", c.Description())
			}
		})
	}
}

// Both layouts declare the same entities with the same documents, so that
// their figures compare the cost of the layout alone.
func TestLayoutsDeclareTheSameAccount(t *testing.T) {
	shape := Shape{Users: 12, Groups: 3, Roles: 6, Policies: 5}
	summaries := map[Layout][]string{}
	for _, layout := range DefaultLayouts {
		summaries[layout] = summarize(loadLayout(t, layout, shape))
	}
	if diff := cmp.Diff(summaries[LayoutBlocks], summaries[LayoutData]); diff != "" {
		t.Errorf("layouts declare different accounts (-blocks +data):\n%s", diff)
	}
}

// summarize lists the entities of a configuration with what a plan
// compares, one line each, sorted.
func summarize(cfg *spec.Config) []string {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	attached := func(as []*spec.Attachment) []string {
		var arns []string
		for _, a := range as {
			arns = append(arns, a.PolicyARN)
		}
		return arns
	}
	inline := func(ps []*spec.InlinePolicy) []string {
		var docs []string
		for _, p := range ps {
			docs = append(docs, p.Name+" "+p.Document.Canonical())
		}
		return docs
	}
	for _, p := range cfg.Policies {
		add("policy %s %s %q %s", p.Name, p.Path, p.Description, p.Document.Canonical())
	}
	for _, r := range cfg.Roles {
		add("role %s %s %q %d %s %v %v %v", r.Name, r.Path, r.Description, r.MaxSessionDuration,
			r.AssumeRolePolicy.Canonical(), attached(r.Attachments), inline(r.InlinePolicies), r.Tags)
	}
	for _, g := range cfg.Groups {
		add("group %s %s %v %v", g.Name, g.Path, attached(g.Attachments), inline(g.InlinePolicies))
	}
	for _, u := range cfg.Users {
		add("user %s %s %v %v %v", u.Name, u.Path, attached(u.Attachments), inline(u.InlinePolicies), u.Tags)
	}
	for _, m := range cfg.Memberships {
		add("membership %s %s", m.Group, m.User)
	}
	sort.Strings(lines)
	return lines
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
