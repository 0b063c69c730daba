package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// edgeAccount is an account state that holds paths, credentials, tags and
// shared documents; the importer package's tests describe it.
const edgeAccount = "../../importer/testdata/edge-account.json"

// TestImportThenPlanClean imports an account and plans the result against
// it: the plan must report no changes.
func TestImportThenPlanClean(t *testing.T) {
	h := newHarness(t, edgeAccount)
	dir := filepath.Join(t.TempDir(), "imported")

	out := h.mustRun(exitOK, "import", "--layout", "path", "--documents", "policy_document", dir)
	if !strings.Contains(out.stdout, "Imported account 111122223333 into "+dir) {
		t.Errorf("import did not report what it imported:\n%s", out.stdout)
	}
	plan := h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)
	if !strings.Contains(plan.stdout, "No changes.") {
		t.Errorf("plan of the imported configuration is not clean:\n%s", plan.stdout)
	}

	// A second import into the same directory replaces nothing unasked.
	again := h.mustRun(exitError, "import", dir)
	if !strings.Contains(again.stderr, "--overwrite") {
		t.Errorf("second import does not point at --overwrite:\n%s", again.stderr)
	}
	h.mustRun(exitOK, "import", "--overwrite", "--layout", "path", "--documents", "policy_document", dir)
}

// TestImportFromFile imports a dump without any account and checks that
// the files plan clean against the account the dump describes.
func TestImportFromFile(t *testing.T) {
	h := newHarness(t, edgeAccount)
	dir := filepath.Join(t.TempDir(), "imported")

	h.mustRun(exitOK, "import", "--from-file", edgeAccount, dir)
	users, err := os.ReadFile(filepath.Join(dir, "users.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(users), "EDGEEXAMPLESECRETNOTREAL") {
		t.Errorf("users.hcl holds a secret access key from the dump:\n%s", users)
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)
}

func TestImportRejectsBadFlags(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"layout":         {[]string{"--layout", "flat"}, `invalid --layout "flat"`},
		"documents":      {[]string{"--documents", "json"}, `invalid --documents "json"`},
		"relative path":  {[]string{"--path", "people/"}, `invalid path prefix "people/"`},
		"exclude syntax": {[]string{"--exclude", "[a-"}, `invalid exclude pattern "[a-"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "")
			r := h.mustRun(exitError, append([]string{"import"}, append(tt.args, t.TempDir())...)...)
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r.stderr)
			}
		})
	}
}
