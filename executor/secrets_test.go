package executor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

func newAccessKey(user, secretFile string) *planner.Change {
	return newOwned(planner.Create, planner.TypeAccessKey, userRef(user), "user."+user+".access_key[0]", "",
		set("status", "Active"), set("secret_file", secretFile))
}

func newLoginProfile(user, passwordFile string, reset bool) *planner.Change {
	return newOwned(planner.Create, planner.TypeLoginProfile, userRef(user), "user."+user+".login_profile", "",
		set("enabled", true), set("password_reset_required", reset), set("password_file", passwordFile))
}

// checkSecretFile checks a secret file's mode and returns its content.
func checkSecretFile(t *testing.T, path string) string {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("secret file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("secret file mode = %o, want 600", mode)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkNoLeak checks that the secret appears nowhere in the result or the
// hook's events.
func checkNoLeak(t *testing.T, secret string, res *Result, hook *recordingHook) {
	t.Helper()
	text := fmt.Sprintf("%+v %v %v", res, res.Err, hook.recorded())
	if strings.Contains(text, secret) {
		t.Errorf("secret %q leaked into the result or the hook: %s", secret, text)
	}
}

func TestAccessKeySecretToFile(t *testing.T) {
	dir := t.TempDir()
	client := newFakeClient()
	hook := &recordingHook{}
	stdout := &strings.Builder{}

	// A missing directory stops the apply before any call.
	res := run(t, newPlan(newAccessKey("alice", "keys/alice.ini")), client, Options{Dir: dir, Stdout: stdout, Hook: hook})
	if res.Err == nil {
		t.Fatal("Run succeeded with a missing secret directory")
	}
	if len(client.recorded()) != 0 {
		t.Fatalf("calls made despite the missing directory: %v", client.recorded())
	}

	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	res = run(t, newPlan(newAccessKey("alice", "keys/alice.ini")), client, Options{Dir: dir, Stdout: stdout, Hook: hook})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}
	got := checkSecretFile(t, filepath.Join(dir, "keys/alice.ini"))
	want := "[alice]\naws_access_key_id = AKIAFAKE0001\naws_secret_access_key = fake-secret-0001\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secret file (-want +got):\n%s", diff)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout got %q, want nothing", stdout.String())
	}
	checkNoLeak(t, "fake-secret-0001", res, hook)
}

func TestAccessKeySecretToStdout(t *testing.T) {
	client := newFakeClient()
	stdout := &strings.Builder{}

	res := run(t, newPlan(newAccessKey("alice", "-"), newAccessKey("bob", "-")), client, Options{Parallelism: 1, Stdout: stdout})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}
	want := "[alice]\naws_access_key_id = AKIAFAKE0001\naws_secret_access_key = fake-secret-0001\n" +
		"[bob]\naws_access_key_id = AKIAFAKE0002\naws_secret_access_key = fake-secret-0002\n"
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

func TestSecretPreflight(t *testing.T) {
	tests := map[string]struct {
		changes []*planner.Change
		setup   func(dir string)
		stdout  bool
		wantErr string
	}{
		"existing file": {
			changes: []*planner.Change{newAccessKey("alice", "alice.ini")},
			setup: func(dir string) {
				os.WriteFile(filepath.Join(dir, "alice.ini"), []byte("old secret"), 0o600)
			},
			stdout:  true,
			wantErr: "already exists",
		},
		"no stdout for -": {
			changes: []*planner.Change{newLoginProfile("alice", "-", true)},
			wantErr: "no output writer",
		},
		"one file spelled two ways": {
			changes: []*planner.Change{newAccessKey("alice", "shared.ini"), newAccessKey("bob", "here/shared.ini")},
			setup: func(dir string) {
				// here is the configuration directory itself.
				os.Symlink(dir, filepath.Join(dir, "here"))
			},
			wantErr: "is also the secret file of",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(dir)
			}
			opts := Options{Dir: dir}
			if tt.stdout {
				opts.Stdout = &strings.Builder{}
			}
			// A step that needs no secret shows that nothing runs at all.
			changes := append(users(1), tt.changes...)
			client := newFakeClient()

			res := run(t, newPlan(changes...), client, opts)

			if res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantErr) {
				t.Fatalf("Err = %v, want one containing %q", res.Err, tt.wantErr)
			}
			if calls := client.recorded(); len(calls) != 0 {
				t.Errorf("calls made: %v", calls)
			}
			if len(res.NotRun) != len(changes) {
				t.Errorf("%d steps not run, want %d", len(res.NotRun), len(changes))
			}
		})
	}
	t.Run("existing file kept", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "alice.ini")
		os.WriteFile(path, []byte("old secret"), 0o644)
		run(t, newPlan(newAccessKey("alice", "alice.ini")), newFakeClient(), Options{Dir: dir})
		if data, _ := os.ReadFile(path); string(data) != "old secret" {
			t.Errorf("existing file now holds %q", data)
		}
	})
}

// TestEmptySecretFileIsReused checks that the empty file that a stopped
// apply leaves behind receives the secret of the next apply, and that a
// link to an empty file does not.
func TestEmptySecretFileIsReused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alice.ini")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	res := run(t, newPlan(newAccessKey("alice", "alice.ini")), newFakeClient(), Options{Dir: dir})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}
	if text := checkSecretFile(t, path); !strings.Contains(text, "aws_access_key_id = AKIAFAKE0001") {
		t.Errorf("secret file holds %q, want the new key", text)
	}

	t.Run("link to an empty file", func(t *testing.T) {
		empty := filepath.Join(dir, "empty")
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(empty, filepath.Join(dir, "bob.ini")); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
		res := run(t, newPlan(newAccessKey("bob", "bob.ini")), newFakeClient(), Options{Dir: dir})
		if res.Err == nil || !strings.Contains(res.Err.Error(), "already exists") {
			t.Errorf("Err = %v, want the secret file to exist already", res.Err)
		}
	})
}

func TestSecretFileRemovedWhenCallFails(t *testing.T) {
	tests := map[string]struct {
		change *planner.Change
		prefix string
	}{
		"access key":    {newAccessKey("alice", "secret.txt"), "CreateAccessKey"},
		"login profile": {newLoginProfile("alice", "secret.txt", false), "CreateLoginProfile"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			client := newFakeClient()
			client.failOn(tt.prefix, -1, iamError(provider.CodeLimitExceeded, "Cannot exceed quota"))

			res := run(t, newPlan(tt.change), client, Options{Dir: dir})

			if res.Err == nil {
				t.Fatal("Run succeeded, want the call's error")
			}
			if _, err := os.Stat(filepath.Join(dir, "secret.txt")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("secret file after a failed call: %v, want it removed", err)
			}
		})
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestSecretUnwritableUndoesCredential(t *testing.T) {
	tests := map[string]struct {
		change   *planner.Change
		wantUndo string
	}{
		"access key":    {newAccessKey("alice", "-"), "DeleteAccessKey alice AKIAFAKE0001"},
		"login profile": {newLoginProfile("alice", "-", false), "DeleteLoginProfile alice"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			client := newFakeClient()

			res := run(t, newPlan(tt.change), client, Options{Stdout: failingWriter{}})

			if res.Err == nil || !strings.Contains(res.Err.Error(), "deleted again") {
				t.Errorf("Err = %v, want one saying the credential was deleted again", res.Err)
			}
			calls := client.recorded()
			if len(calls) < 2 || !strings.HasPrefix(calls[len(calls)-2], "Create") || calls[len(calls)-1] != tt.wantUndo {
				t.Errorf("calls = %q, want the create, then %q", calls, tt.wantUndo)
			}
		})
	}
}

func TestLoginProfilePassword(t *testing.T) {
	dir := t.TempDir()
	client := newFakeClient()
	hook := &recordingHook{}
	plan := newPlan(
		newLoginProfile("alice", "alice.password", true),
		newChange(planner.Create, planner.TypePasswordPolicy, "password_policy", "",
			set("minimum_password_length", int64(48)), set("require_symbols", true)),
	)

	res := run(t, plan, client, Options{Dir: dir, Hook: hook})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	// The file holds the password that was sent, which the plan's password
	// policy accepts.
	password := strings.TrimSuffix(checkSecretFile(t, filepath.Join(dir, "alice.password")), "\n")
	if len(password) < 48 {
		t.Errorf("password has %d characters, want at least 48", len(password))
	}
	want := "CreateLoginProfile alice password=" + password + " reset=true"
	if calls := client.recorded(); calls[len(calls)-1] != want {
		t.Errorf("last call = %q, want %q", calls[len(calls)-1], want)
	}
	checkNoLeak(t, password, res, hook)
}

func TestGeneratePassword(t *testing.T) {
	tests := map[string]struct {
		policy  *provider.PasswordPolicy
		wantLen int
	}{
		"IAM default":       {nil, defaultPasswordLength},
		"short minimum":     {&provider.PasswordPolicy{MinimumPasswordLength: 6}, defaultPasswordLength},
		"long minimum":      {&provider.PasswordPolicy{MinimumPasswordLength: 128}, 128},
		"every requirement": {&provider.PasswordPolicy{MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true}, defaultPasswordLength},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 50 {
				p, err := generatePassword(tt.policy)
				if err != nil {
					t.Fatal(err)
				}
				if len(p) != tt.wantLen {
					t.Fatalf("password %q has %d characters, want %d", p, len(p), tt.wantLen)
				}
				for _, class := range []string{upperChars, lowerChars, digitChars, symbolChars} {
					if !strings.ContainsAny(p, class) {
						t.Fatalf("password %q has no character of %q", p, class)
					}
				}
				if strings.Trim(p, upperChars+lowerChars+digitChars+symbolChars) != "" {
					t.Fatalf("password %q has a character IAM does not accept", p)
				}
				if seen[p] {
					t.Fatalf("password %q generated twice", p)
				}
				seen[p] = true
			}
		})
	}
}

func TestSecretWithoutDestinationDropped(t *testing.T) {
	dir := t.TempDir()
	client := newFakeClient()
	stdout := &strings.Builder{}
	plan := newPlan(
		newOwned(planner.Create, planner.TypeAccessKey, userRef("alice"), "user.alice.access_key[0]", "", set("status", "Active")),
		newOwned(planner.Create, planner.TypeLoginProfile, userRef("alice"), "user.alice.login_profile", "", set("enabled", true)),
	)

	res := run(t, plan, client, Options{Dir: dir, Stdout: stdout})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	want := []string{"CreateAccessKey alice", "CreateLoginProfile alice", "ListAccessKeys alice"}
	var got []string
	for _, line := range client.recorded() {
		got = append(got, strings.Join(strings.Fields(line)[:2], " "))
	}
	if diff := cmp.Diff(want, sortedCopy(got)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout got %q, want nothing", stdout.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}

// TestSecretFileOfThisRunNotReused opens one destination twice in a run.
// The file the first open created is empty until its secret arrives, and
// must not pass for the leftover of a stopped apply.
func TestSecretFileOfThisRunNotReused(t *testing.T) {
	sink := &secretSink{dir: t.TempDir()}
	first, err := sink.open("alice.ini")
	if err != nil {
		t.Fatal(err)
	}
	defer first.discard()
	if _, err := sink.open("alice.ini"); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second open: %v, want the file to exist already", err)
	}
}
