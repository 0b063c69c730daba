package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/provider/sandbox"
)

// runServe runs `iamsync sandbox serve` with a context that is already
// cancelled, so that it starts, prints its banner and stops.
func runServe(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := Run(ctx, append([]string{"sandbox", "serve"}, args...), strings.NewReader(""), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// isolateSandboxRun keeps the SDK away from the machine's AWS
// configuration, for commands that start their own sandbox.
func isolateSandboxRun(t *testing.T) {
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("NO_COLOR", "1")
}

func TestSandboxServeBanner(t *testing.T) {
	r := runServe(t, "--addr", "127.0.0.1:0", "--log-level", "info")

	if r.code != exitOK {
		t.Fatalf("exit code %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"  export AWS_ENDPOINT_URL=http://127.0.0.1:",
		"  export AWS_REGION=us-east-1\n",
		// AWS CLI v1 reads only this one.
		"  export AWS_DEFAULT_REGION=us-east-1\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("banner lacks %q:\n%s", want, r.stdout)
		}
	}
	// The sandbox logs through the command's --log-level.
	if !strings.Contains(r.stderr, `msg="sandbox started"`) {
		t.Errorf("log with --log-level info lacks the sandbox's start:\n%s", r.stderr)
	}
}

func TestSandboxServeOnBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	r := runServe(t, "--addr", busy.Addr().String())

	if r.code != exitError {
		t.Fatalf("exit code %d, want %d\n%s%s", r.code, exitError, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stderr, "start sandbox"); n != 1 {
		t.Errorf("error says start sandbox %d times, want once:\n%s", n, r.stderr)
	}
	for _, want := range []string{"address already in use", "choose another port with --addr"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestSandboxStateFileInUse(t *testing.T) {
	isolateSandboxRun(t)
	state := filepath.Join(t.TempDir(), "state.json")
	holder, err := sandbox.New(sandbox.Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	config := writeConfig(t, map[string]string{"main.hcl": "user \"alice\" {\n  name = \"alice\"\n}\n"})

	tests := map[string]struct {
		run  func() result
		want []string
	}{
		"serve": {
			run:  func() result { return runServe(t, "--addr", "127.0.0.1:0", "--state", state) },
			want: []string{"state file " + state + ": another sandbox is using it", "--state"},
		},
		"apply": {
			run: func() result {
				var stdout, stderr bytes.Buffer
				code := Run(context.Background(), []string{"apply", "--auto-approve", "--sandbox", state, config}, strings.NewReader(""), &stdout, &stderr)
				return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
			},
			want: []string{"state file " + state + ": another sandbox is using it", "--endpoint-url"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := tt.run()
			if r.code != exitError {
				t.Fatalf("exit code %d, want %d\n%s%s", r.code, exitError, r.stdout, r.stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("error lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
	if _, err := os.Stat(state); err == nil {
		t.Errorf("the rejected commands wrote the state file")
	}
}

func TestApplySandboxInMissingDirectory(t *testing.T) {
	isolateSandboxRun(t)
	missing := filepath.Join(t.TempDir(), "nodir")
	config := writeConfig(t, map[string]string{"main.hcl": "user \"alice\" {\n  name = \"alice\"\n}\n"})
	var stdout, stderr bytes.Buffer

	code := Run(context.Background(), []string{"apply", "--auto-approve", "--sandbox", filepath.Join(missing, "x.json"), config},
		strings.NewReader(""), &stdout, &stderr)

	if code != exitError {
		t.Fatalf("exit code %d, want %d\n%s%s", code, exitError, stdout.String(), stderr.String())
	}
	if want := "directory " + missing + " does not exist"; !strings.Contains(stderr.String(), want) {
		t.Errorf("error lacks %q:\n%s", want, stderr.String())
	}
	if strings.Contains(stdout.String(), "alice") {
		t.Errorf("apply reported changes although it could not start its sandbox:\n%s", stdout.String())
	}
}

func TestPlanSandboxLogs(t *testing.T) {
	isolateSandboxRun(t)
	state := filepath.Join(t.TempDir(), "state.json")
	config := writeConfig(t, map[string]string{"main.hcl": "user \"alice\" {\n  name = \"alice\"\n}\n"})
	var stdout, stderr bytes.Buffer

	code := Run(context.Background(), []string{"plan", "--log-level", "debug", "--sandbox", state, config},
		strings.NewReader(""), &stdout, &stderr)

	if code != exitOK {
		t.Fatalf("exit code %d, want 0\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), `msg="sandbox request"`) {
		t.Errorf("debug log lacks the in-process sandbox's requests:\n%s", stderr.String())
	}
}

// TestSandboxServeIgnoredAccountID restarts a sandbox on a state file with
// another --account-id: the file's account stays, and a warning says so.
// A stop is no error.
func TestSandboxServeIgnoredAccountID(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(state, []byte(`{"AccountId":"111122223333","UserDetailList":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}

	r := runServe(t, "--addr", "127.0.0.1:0", "--state", state, "--account-id", "999988887777", "--log-level", "info")
	if r.code != exitOK {
		t.Fatalf("exit code %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	if want := "Warning: --account-id 999988887777 is ignored: the state file " + state + " already holds account 111122223333."; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stderr, "level=ERROR") {
		t.Errorf("a normal stop logs an error:\n%s", r.stderr)
	}
}

func TestIsLoopback(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1:4599": true,
		"127.0.0.2:0":    true,
		"[::1]:4599":     true,
		"localhost:4599": true,
		"0.0.0.0:4599":   false,
		":4599":          false,
		"[::]:4599":      false,
		"10.1.2.3:4599":  false,
		"sandbox:4599":   false,
		"127.0.0.1":      false,
	}
	for addr, want := range tests {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %t, want %t", addr, got, want)
		}
	}
}
