package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/internal/testenv"
	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// harness runs the iamsync command line against an IAM sandbox served over
// HTTP on loopback, the way a user runs it against AWS: the real SDK client,
// SigV4-signed requests, credentials from the environment.
type harness struct {
	t        *testing.T
	srv      *sandbox.Server
	endpoint string
	state    string
}

// newHarness starts a sandbox whose state file is a copy of seed (an empty
// account when seed is empty) and points the AWS environment at it.
func newHarness(t *testing.T, seed string, opts ...func(*sandbox.Options)) *harness {
	t.Helper()
	state := filepath.Join(t.TempDir(), "state.json")
	if seed != "" {
		data, err := os.ReadFile(seed)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(state, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	options := sandbox.Options{StatePath: state}
	for _, opt := range opts {
		opt(&options)
	}
	srv, err := sandbox.New(options)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() { srv.Close() })

	// The SDK reads these as it would on a user's machine. Shared files and
	// the instance metadata service are switched off so that nothing but
	// the sandbox is ever contacted.
	keyID, secret := srv.Credentials()
	t.Setenv("AWS_ACCESS_KEY_ID", keyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("NO_COLOR", "1")

	return &harness{t: t, srv: srv, endpoint: endpoint, state: state}
}

// withCatalogue makes the sandbox strict about AWS-managed policies.
func withCatalogue(t *testing.T) func(*sandbox.Options) {
	path := testenv.ManagedPolicyCatalogue(t)
	return func(o *sandbox.Options) { o.CataloguePath = path }
}

// result is what one run of the command line printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// run runs iamsync with args and returns its output and exit code.
func (h *harness) run(args ...string) result {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// mustRun runs iamsync and fails the test unless it exits with want.
func (h *harness) mustRun(want int, args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.code != want {
		h.t.Fatalf("iamsync %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// client returns an SDK-backed provider for changing the account behind
// iamsync's back and for reading it.
func (h *harness) client() *awsprovider.Provider {
	h.t.Helper()
	keyID, secret := h.srv.Credentials()
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		EndpointURL: h.endpoint, AccessKeyID: keyID, SecretAccessKey: secret, Region: "us-east-1",
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

// readState reads the whole account through the SDK.
func (h *harness) readState() *provider.State {
	h.t.Helper()
	state, err := h.client().ReadState(context.Background(), provider.ReadOptions{})
	if err != nil {
		h.t.Fatalf("read state: %v", err)
	}
	return state
}

// randomID matches the ids the sandbox makes up at random: those of access
// keys, SSH public keys and service-specific credentials, after their
// prefix, and those of signing certificates.
var randomID = regexp.MustCompile(`\b(?:(AKIA|APKA|ACCA)[0-9A-Z]{16,17}|[0-9A-Z]{32})\b`)

// maskIDs replaces each random id in s with # signs, keeping its prefix.
func maskIDs(s string) string {
	return randomID.ReplaceAllStringFunc(s, func(id string) string {
		keep := 0
		if m := randomID.FindStringSubmatch(id); m[1] != "" {
			keep = len(m[1])
		}
		return id[:keep] + strings.Repeat("#", len(id)-keep)
	})
}

// checkGolden compares got with the golden file testdata/name, rewriting
// it with -update. Random ids are masked first.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	got = maskIDs(got)
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// writeConfig writes files into a new configuration directory.
func writeConfig(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
