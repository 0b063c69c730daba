package importer_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/importer"
	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
	"github.com/iamsync/iamsync/spec"
)

func TestMain(m *testing.M) {
	if err := isolateFromAWSConfiguration(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// isolateFromAWSConfiguration hides the developer's AWS configuration, so
// that no profile, region or endpoint in the environment changes what the
// tests do and no test can reach the instance metadata service.
func isolateFromAWSConfiguration() error {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") {
			os.Unsetenv(name)
		}
	}
	dir, err := os.MkdirTemp("", "iamsync-importer-test")
	if err != nil {
		return fmt.Errorf("isolate tests from aws configuration: %w", err)
	}
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return nil
}

// account is a sandbox account and a provider that reads and changes it
// through the AWS SDK over HTTP.
type account struct {
	p  *awsprovider.Provider
	id string
}

// startAccount starts a sandbox on loopback, loaded from a copy of the
// state file at statePath when it is not empty, and stops it when the test
// ends. The copy leaves the original untouched, since the sandbox writes
// its state file after every change.
func startAccount(t *testing.T, statePath string) *account {
	t.Helper()
	var opts sandbox.Options
	if statePath != "" {
		opts.StatePath = filepath.Join(t.TempDir(), "state.json")
		copyTestFile(t, statePath, opts.StatePath)
	}
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("create sandbox: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})

	// Idle connections must close before the sandbox's graceful shutdown,
	// which would otherwise wait for them.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	accessKeyID, secretAccessKey := srv.Credentials()
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		Region:          awsprovider.DefaultRegion,
		EndpointURL:     endpoint,
		AccessKeyID:     accessKeyID,
		SecretAccessKey: secretAccessKey,
		HTTPClient:      &http.Client{Transport: transport},
	})
	if err != nil {
		t.Fatalf("create provider: %v", err)
	}
	return &account{p: p, id: srv.AccountID()}
}

func copyTestFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// load decodes the configuration in dir for the account, failing the test
// on errors.
func (a *account) load(t *testing.T, dir string) *spec.Config {
	t.Helper()
	cfg, diags := spec.Load(dir, spec.LoadOptions{AccountID: a.id})
	logDiagnostics(t, "load "+dir, diags)
	if diags.HasErrors() {
		t.FailNow()
	}
	return cfg
}

// plan reads the account as plan does for cfg and plans cfg against it.
func (a *account) plan(t *testing.T, cfg *spec.Config) *planner.Plan {
	t.Helper()
	state, err := a.p.ReadState(context.Background(), readOptionsFor(cfg))
	if err != nil {
		t.Fatalf("read state: %v", err)
	}
	plan, diags := planner.Make(cfg, state, planner.Options{Now: time.Now()})
	logDiagnostics(t, "plan", diags)
	if diags.HasErrors() {
		t.FailNow()
	}
	return plan
}

// apply plans cfg and carries the plan out.
func (a *account) apply(t *testing.T, cfg *spec.Config) {
	t.Helper()
	graph, err := executor.Compile(a.plan(t, cfg))
	if err != nil {
		t.Fatalf("compile plan: %v", err)
	}
	result := executor.Run(context.Background(), graph, a.p, executor.Options{Stdout: io.Discard})
	if result.Err != nil {
		t.Fatalf("apply: %v", result.Err)
	}
}

// readOptionsFor requests the per-entity reads that comparing cfg needs,
// as the plan command does.
func readOptionsFor(cfg *spec.Config) provider.ReadOptions {
	opts := provider.ReadOptions{SkipAccountSettings: !cfg.Scope.AccountSettings}
	for _, u := range cfg.Users {
		if u.AccessKeys != nil || u.LoginProfile != nil {
			opts.CredentialsOf = append(opts.CredentialsOf, u.Name)
		}
	}
	for _, p := range cfg.Policies {
		if p.Tags != nil {
			opts.PolicyTagsOf = append(opts.PolicyTagsOf, p.ARN(cfg.Partition, cfg.AccountID))
		}
	}
	for _, ip := range cfg.InstanceProfiles {
		if ip.Tags != nil {
			opts.InstanceProfileTagsOf = append(opts.InstanceProfileTagsOf, ip.Name)
		}
	}
	return opts
}

// importInto reads the account, generates its configuration and writes it
// into a new directory, which it returns.
func (a *account) importInto(t *testing.T, opts importer.Options) (string, importer.Files) {
	t.Helper()
	state, err := importer.Read(context.Background(), a.p, opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	files, err := importer.Generate(state, opts)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	dir := t.TempDir()
	if err := importer.WriteDir(dir, files, false); err != nil {
		t.Fatalf("WriteDir: %v", err)
	}
	return dir, files
}

// logDiagnostics logs every diagnostic, so that a failure shows them all.
func logDiagnostics(t *testing.T, stage string, diags hcl.Diagnostics) {
	t.Helper()
	for _, d := range diags {
		severity := "warning"
		if d.Severity == hcl.DiagError {
			severity = "error"
		}
		where := ""
		if d.Subject != nil {
			where = d.Subject.String() + ": "
		}
		t.Logf("%s: %s%s: %s: %s", stage, where, severity, d.Summary, d.Detail)
	}
}

// describeChanges lists a plan's changes, one a line.
func describeChanges(p *planner.Plan) string {
	var b strings.Builder
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "  %s %s", c.Action, c.Address)
		if c.Reason != "" {
			fmt.Fprintf(&b, " (%s)", c.Reason)
		}
		for _, attr := range c.Attrs {
			if attr.Sensitive {
				fmt.Fprintf(&b, "\n      %s: (sensitive)", attr.Name)
				continue
			}
			fmt.Fprintf(&b, "\n      %s: %v -> %v", attr.Name, attr.Before, attr.After)
		}
		b.WriteString("\n")
	}
	return b.String()
}
