package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// TestSecretsStayInTheirFiles runs the commands that handle secrets, each
// with the debug log on, and scans everything they print for the secrets
// of the sandbox. These are its root secret key, every secret access key it
// issued (as its state file stores them) and the console passwords that
// apply generated. No secret may appear anywhere but in the secret files
// the configuration names.
func TestSecretsStayInTheirFiles(t *testing.T) {
	shortenSDKBackoff(t)
	var outputs []string
	record := func(r result) result {
		outputs = append(outputs, r.stdout, r.stderr)
		return r
	}

	// Keys and a password are made, then a second key, then a plan of each
	// kind; a failing apply makes keys whose responses are lost.
	h := newHarness(t, "")
	dir := secretsDir(t)
	record(h.mustRun(exitOK, "--log-level", "debug", "apply", "--auto-approve", dir))
	writeFile(t, filepath.Join(dir, "main.hcl"), secretsConfig(true))
	record(h.mustRun(exitOK, "--log-level", "debug", "apply", "--auto-approve", dir))
	record(h.mustRun(exitOK, "--log-level", "debug", "plan", dir))
	record(h.mustRun(exitOK, "--log-level", "debug", "plan", "--json", dir))
	record(h.mustRun(exitOK, "--log-level", "debug", "validate", dir))

	failing := newHarness(t, "", withFaults(sandbox.Faults{DropRate: 1, Actions: []string{"CreateAccessKey"}}))
	failDir := secretsDir(t)
	record(failing.mustRun(exitError, "--log-level", "debug", "apply", "--auto-approve", failDir))

	// Collect the secrets, and check that the files hold theirs: the scan
	// below would find them if they were printed.
	secrets := append(stateSecrets(t, h), stateSecrets(t, failing)...)
	files := map[string]string{}
	for _, name := range []string{"keys/svc-a.ini", "keys/svc-a-2.ini", "keys/svc-b.ini", "passwords/carol.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	password := strings.TrimSpace(files["passwords/carol.txt"])
	if len(password) < 14 {
		t.Fatalf("password file holds %q, want a generated password", password)
	}
	secrets = append(secrets, password)
	inFiles := 0
	for _, secret := range secrets {
		for _, text := range files {
			if strings.Contains(text, secret) {
				inFiles++
			}
		}
	}
	if inFiles != 4 {
		t.Errorf("%d secrets found in the secret files, want the 3 keys and the password", inFiles)
	}

	for _, secret := range secrets {
		for i, out := range outputs {
			if strings.Contains(out, secret) {
				t.Errorf("output %d shows a secret (%d characters):\n%s", i, len(secret), out)
			}
		}
	}
	t.Logf("%d secrets, none in %d outputs of %d bytes", len(secrets), len(outputs), totalLen(outputs))
}

// secretsDir writes secretsConfig into a new directory, with the
// directories its secret files go to.
func secretsDir(t *testing.T) string {
	t.Helper()
	dir := writeConfig(t, map[string]string{"main.hcl": secretsConfig(false)})
	for _, sub := range []string{"keys", "passwords"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// secretsConfig is a configuration that makes access keys and a console
// password, with a second key for svc-a when rotate is set.
func secretsConfig(rotate bool) string {
	second := ""
	if rotate {
		second = `
    key {
      secret_file = "keys/svc-a-2.ini"
    }`
	}
	return `password_policy {
  minimum_password_length = 14
  require_symbols         = true
}

user "svc_a" {
  name = "svc-a"

  access_keys {
    key {
      secret_file = "keys/svc-a.ini"
    }` + second + `
  }
}

user "svc_b" {
  name = "svc-b"

  access_keys {
    key {
      secret_file = "keys/svc-b.ini"
    }
  }
}

user "carol" {
  name = "carol"

  login_profile {
    password_file = "passwords/carol.txt"
  }
}
`
}

// stateSecrets returns the sandbox's root secret and every secret in its
// state file: the values of the keys SecretAccessKey, SessionToken and
// Password, wherever they are.
func stateSecrets(t *testing.T, h *harness) []string {
	t.Helper()
	_, root := h.srv.Credentials()
	secrets := []string{root}
	data, err := os.ReadFile(h.state)
	if err != nil {
		t.Fatal(err)
	}
	var state any
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if s, ok := child.(string); ok && s != "" && (k == "SecretAccessKey" || k == "SessionToken" || k == "Password") {
					secrets = append(secrets, s)
				}
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(state)
	return secrets
}

func totalLen(texts []string) int {
	n := 0
	for _, s := range texts {
		n += len(s)
	}
	return n
}

// TestSecretFolderCheckedOnlyWhenCreating declares secret files in a folder
// that does not exist. That is an error only for a credential the plan
// creates: a key that exists already needs nowhere to write, as in a CI job
// without the secrets folder.
func TestSecretFolderCheckedOnlyWhenCreating(t *testing.T) {
	h := newHarness(t, "")
	ctx := context.Background()
	client := h.client()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "ci", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	key, err := client.CreateAccessKey(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	existing := fmt.Sprintf(`user "ci" {
  access_keys {
    key {
      id          = %q
      secret_file = "no-such-folder/ci.key"
    }
  }
}
`, key.AccessKeyID)
	h.mustRun(exitOK, "plan", "--detailed-exitcode", writeConfig(t, config(existing)))

	tests := map[string]struct {
		config string
		line   int
	}{
		"new access key": {config: fmt.Sprintf(`user "ci" {
  access_keys {
    key {
      id = %q
    }
    key {
      secret_file = "no-such-folder/ci-2.key"
    }
  }
}
`, key.AccessKeyID), line: 7},
		"new login profile": {config: existing + `
user "web" {
  login_profile {
    password_file = "no-such-folder/web.password"
  }
}
`, line: 12},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h.srv.ResetCalls()
			for _, args := range [][]string{{"plan"}, {"apply", "--auto-approve"}} {
				r := h.mustRun(exitError, append(args, writeConfig(t, config(tt.config)))...)
				for _, want := range []string{"Error: Secret file folder not found", fmt.Sprintf("main.hcl line %d", tt.line)} {
					if !strings.Contains(r.stderr, want) {
						t.Errorf("%s: output lacks %q:\n%s", args[0], want, r.stderr)
					}
				}
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Errorf("%d write calls reached the account, want none", n)
			}
		})
	}

	// A credential that a targeted plan leaves out is not checked.
	t.Run("outside the targets", func(t *testing.T) {
		dir := writeConfig(t, config(existing+`
user "later" {
  access_keys {
    key {
      secret_file = "gone/later.ini"
    }
  }
}
`))
		h.mustRun(exitOK, "plan", "--detailed-exitcode", "--target", "user.ci", dir)
		r := h.mustRun(exitError, "plan", dir)
		if !strings.Contains(r.stderr, "Error: Secret file folder not found") {
			t.Errorf("an untargeted plan does not check the new key's folder:\n%s", r.stderr)
		}
	})

	// A file that exists with content is never overwritten, so a plan that
	// creates a credential with it fails before apply.
	t.Run("file with content", func(t *testing.T) {
		dir := writeConfig(t, map[string]string{
			"main.hcl": `user "web" {
  login_profile {
    password_file = "secrets/web.password"
  }
}
`,
			"secrets/web.password": "an earlier password\n",
		})
		h.srv.ResetCalls()
		r := h.mustRun(exitError, "plan", dir)
		for _, want := range []string{"Error: Secret file already exists", "main.hcl line 3"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("plan output lacks %q:\n%s", want, r.stderr)
			}
		}
		if n := h.srv.WriteCalls(); n != 0 {
			t.Errorf("%d write calls reached the account, want none", n)
		}
	})

	// A device such as /dev/null is refused by apply, so plan refuses it.
	t.Run("device", func(t *testing.T) {
		dir := writeConfig(t, map[string]string{
			"main.hcl": `user "web" {
  login_profile {
    password_file = "/dev/null"
  }
}
`,
		})
		r := h.mustRun(exitError, "plan", dir)
		for _, want := range []string{"Error: Secret file already exists", "/dev/null already exists"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("plan output lacks %q:\n%s", want, r.stderr)
			}
		}
	})

	// A saved plan applied where the folder is missing, as in an apply job
	// without the checkout, fails with the error once and changes nothing.
	t.Run("saved plan", func(t *testing.T) {
		dir := writeConfig(t, map[string]string{
			"main.hcl": `user "web" {
  login_profile {
    password_file = "secrets/web.password"
  }
}
`,
			"secrets/.keep": "",
		})
		planFile := filepath.Join(t.TempDir(), "web.plan")
		h.mustRun(exitOK, "plan", "--out", planFile, dir)
		if err := os.RemoveAll(filepath.Join(dir, "secrets")); err != nil {
			t.Fatal(err)
		}
		h.srv.ResetCalls()
		r := h.mustRun(exitError, "apply", planFile)
		if n := strings.Count(r.stderr, "Secret file folder not found"); n != 1 {
			t.Errorf("the error is printed %d times, want once:\n%s", n, r.stderr)
		}
		if n := h.srv.WriteCalls(); n != 0 {
			t.Errorf("%d write calls reached the account, want none", n)
		}
	})
}

// TestKeySwitchedOffOutsideExplained deactivates, outside iamsync, a key
// that an id-less block declares Active by its secret file. The plan
// creates a new key into that file, which holds the old key's secret, so it
// fails, and the error must name the status change and what to do.
func TestKeySwitchedOffOutsideExplained(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, map[string]string{
		"main.hcl": `user "alice" {
  access_keys {
    key {
      secret_file = "alice.ini"
    }
  }
}
`,
	})
	h.mustRun(exitOK, "apply", "--auto-approve", dir)
	keys, err := h.client().ListAccessKeys(t.Context(), "alice")
	if err != nil || len(keys) != 1 {
		t.Fatalf("ListAccessKeys = %v, %v; want one key", keys, err)
	}
	if err := h.client().UpdateAccessKey(t.Context(), "alice", keys[0].ID, "Inactive"); err != nil {
		t.Fatal(err)
	}

	r := h.mustRun(exitError, "plan", dir)

	out := strings.Join(strings.Fields(r.stderr), " ")
	for _, want := range []string{
		"Error: Key status changed outside iamsync",
		"alice.ini holds the secret of key " + keys[0].ID + ", which is Inactive in the account",
		`declare it with id = "` + keys[0].ID + `"`,
		`set status = "Inactive"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, r.stderr)
		}
	}
}
