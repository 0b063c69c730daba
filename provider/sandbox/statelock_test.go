package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestNewRejectsUnusableStateDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "read-only")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		statePath string
		want      string
		skip      string
	}{
		"missing directory": {
			statePath: filepath.Join(dir, "nodir", "x.json"),
			want:      "directory " + filepath.Join(dir, "nodir") + " does not exist",
		},
		"file in place of the directory": {
			statePath: filepath.Join(file, "x.json"),
			want:      file + " is not a directory",
		},
		"read-only directory": {
			statePath: filepath.Join(readOnly, "x.json"),
			want:      "directory " + readOnly + " is not writable",
			skip:      skipUnlessPermissionsApply(),
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if tt.skip != "" {
				t.Skip(tt.skip)
			}
			_, err := New(Options{StatePath: tt.statePath})
			if err == nil {
				t.Fatalf("New = no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.statePath) {
				t.Errorf("New error = %q, want one naming %s and saying %q", err, tt.statePath, tt.want)
			}
		})
	}
}

// skipUnlessPermissionsApply returns why a test of a read-only directory
// cannot run here, or "".
func skipUnlessPermissionsApply() string {
	switch {
	case runtime.GOOS == "windows":
		return "directory permission bits do not stop writes on Windows"
	case os.Geteuid() == 0:
		return "root writes to read-only directories"
	}
	return ""
}

func TestFailedSaveIsLoggedWithCause(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	f := newFixture(t, Options{
		StatePath: filepath.Join(dir, "state.json"),
		Logger:    slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelError})),
	})

	// The directory goes away after New checked it.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	_, err := f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("alice")})

	wantError(t, err, "ServiceFailure", 500,
		"The request processing has failed because of an unknown error, exception or failure.")
	for _, want := range []string{"level=ERROR", `msg="sandbox state not saved"`, "action=CreateUser", "no such file or directory"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, log.String())
		}
	}
}

func TestStateFileIsHeldUntilClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newFixture(t, Options{StatePath: path})
	ok(first.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("alice")}))(t)

	// A second sandbox on the same file is rejected while the first holds it.
	_, err := New(Options{StatePath: path})
	if !errors.Is(err, ErrStateInUse) {
		t.Fatalf("second New = %v, want ErrStateInUse", err)
	}
	if want := "state file " + path + ": another sandbox is using it"; !strings.Contains(err.Error(), want) {
		t.Errorf("second New error = %q, want it to say %q", err, want)
	}

	// After Close, the file opens again, and the closed server no longer
	// changes it.
	first.srv.Close()
	second := newFixture(t, Options{StatePath: path})
	ok(second.iam.GetUser(t.Context(), &iam.GetUserInput{UserName: aws.String("alice")}))(t)
	_, err = first.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("bob")})
	wantError(t, err, "ServiceFailure", 500, "")
}

func TestNewReleasesStateFileOnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(`{"UserDetailList": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StatePath: path}); err == nil {
		t.Fatal("New with a malformed state file = no error")
	}
	if err := os.WriteFile(path, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ok(New(Options{StatePath: path}))(t)
}

// holdStateEnv names the state file that TestHoldStateInChildProcess
// holds when the test binary runs as a child of TestStateFileHeldByAnotherProcess.
const holdStateEnv = "IAMSYNC_SANDBOX_TEST_HOLD_STATE"

// TestHoldStateInChildProcess is the child process of
// TestStateFileHeldByAnotherProcess: it holds a state file until its
// standard input closes. It does nothing in a normal test run.
func TestHoldStateInChildProcess(t *testing.T) {
	path := os.Getenv(holdStateEnv)
	if path == "" {
		return
	}
	srv, err := New(Options{StatePath: path})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	os.Stdout.WriteString("holding\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	srv.Close()
}

func TestStateFileHeldByAnotherProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("state files are not locked on Windows")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	child := exec.Command(os.Args[0], "-test.run=^TestHoldStateInChildProcess$")
	child.Env = append(os.Environ(), holdStateEnv+"="+path)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "holding\n" {
		t.Fatalf("child process printed %q, want holding", line)
	}

	// The other process's sandbox holds the file.
	if _, err := New(Options{StatePath: path}); !errors.Is(err, ErrStateInUse) {
		t.Fatalf("New while another process holds the state file = %v, want ErrStateInUse", err)
	}

	// Once that process ends, the file is free.
	stdin.Close()
	if err := child.Wait(); err != nil {
		t.Fatalf("child process: %v", err)
	}
	srv := must(New(Options{StatePath: path}))(t)
	srv.Close()
}
