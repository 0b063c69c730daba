package planfile

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
	"github.com/iamsync/iamsync/spec"
)

// startSandbox starts an empty IAM sandbox on loopback and returns a
// provider that talks to it over HTTP with the real SDK client.
func startSandbox(t *testing.T) *awsprovider.Provider {
	t.Helper()

	// Keep the developer's AWS configuration out of the test; t.Setenv
	// restores each variable when the test ends.
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, value)
			os.Unsetenv(name)
		}
	}
	empty := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(empty, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(empty, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	keyID, secret := srv.Credentials()
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		EndpointURL: endpoint, AccessKeyID: keyID, SecretAccessKey: secret, Region: "us-east-1",
		HTTPClient: &http.Client{Transport: transport},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSandboxSavedPlan runs the pull-request workflow against the sandbox:
// plan with -out, apply the file while the account is unchanged, and apply
// an older file after the account changed, which must be refused.
func TestSandboxSavedPlan(t *testing.T) {
	ctx := context.Background()
	p := startSandbox(t)
	if err := p.CreateUser(ctx, provider.CreateUserInput{Name: "alice", Path: "/", Tags: []provider.Tag{{Key: "team", Value: "data"}}}); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "iam")
	writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(`
user "alice" {
  tags = { team = "platform" }
}

user "carol" {}

group "ops" {
  members = [user.alice.name, user.carol.name]
}
`))

	// Plan as the plan command does, and save the plan twice.
	plan := func() (Input, *planner.Plan) {
		identity, err := p.CallerIdentity(ctx)
		if err != nil {
			t.Fatal(err)
		}
		opts := spec.LoadOptions{AccountID: identity.Account, Partition: "aws"}
		cfg := specLoad(t, dir, opts)
		state, err := p.ReadState(ctx, provider.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		planOpts := planner.Options{Now: time.Now().UTC()}
		made, diags := planner.Make(cfg, state, planOpts)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return Input{Plan: made, Options: planOpts, State: state, Config: cfg, Dir: dir, LoadOptions: opts}, made
	}
	in, _ := plan()
	first := filepath.Join(t.TempDir(), "first.plan")
	second := filepath.Join(t.TempDir(), "second.plan")
	for _, path := range []string{first, second} {
		if err := Write(path, in); err != nil {
			t.Fatal(err)
		}
	}

	// Apply the first file while the account is as planned.
	saved, err := Read(first)
	if err != nil {
		t.Fatal(err)
	}
	identity, err := p.CallerIdentity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := saved.CheckAccount(identity.Account); err != nil {
		t.Fatal(err)
	}
	live, err := p.ReadState(ctx, saved.ReadOptions)
	if err != nil {
		t.Fatal(err)
	}
	prepared, diags, err := saved.Prepare(live)
	if err != nil {
		t.Fatalf("Prepare of a fresh plan: %v (%v)", err, diags)
	}
	graph, err := executor.Compile(prepared.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if result := executor.Run(ctx, graph, p, executor.Options{Dir: prepared.Config.Dir}); result.Err != nil {
		t.Fatalf("apply: %v", result.Err)
	}
	if _, after := plan(); after.HasChanges() {
		t.Errorf("the account still differs after applying the saved plan: %d changes", len(after.Changes))
	}

	// The second file was planned against the account before the apply.
	stale, err := Read(second)
	if err != nil {
		t.Fatal(err)
	}
	live, err = p.ReadState(ctx, stale.ReadOptions)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = stale.Prepare(live)
	var staleErr *StaleError
	if !errors.As(err, &staleErr) {
		t.Fatalf("Prepare of a stale plan = %v, want a *StaleError", err)
	}
	want := map[string]bool{"user alice": true, "user carol": true, "group ops": true}
	for _, name := range append(append(staleErr.Changed, staleErr.Created...), staleErr.Deleted...) {
		delete(want, name)
	}
	if len(want) > 0 {
		t.Errorf("stale plan error %q does not name %v", err, want)
	}
}
