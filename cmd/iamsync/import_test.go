package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	again := h.mustRun(exitError, "import", "--layout", "path", dir)
	if !strings.Contains(again.stderr, "give --overwrite to replace them") {
		t.Errorf("second import does not point at --overwrite:\n%s", again.stderr)
	}
	h.mustRun(exitOK, "import", "--overwrite", "--layout", "path", "--documents", "policy_document", dir)
}

// TestImportOverwriteOtherLayout imports with one layout, then with the
// other and --overwrite. The second import must write nothing, because the
// first one's files would declare every entity a second time, and must
// name those files.
func TestImportOverwriteOtherLayout(t *testing.T) {
	h := newHarness(t, edgeAccount)
	dir := filepath.Join(t.TempDir(), "imported")
	h.mustRun(exitOK, "import", "--layout", "kind", dir)
	before := readFiles(t, dir)

	r := h.mustRun(exitError, "import", "--overwrite", "--layout", "path", dir)
	for _, want := range []string{
		"declare blocks of the kinds import writes: groups.hcl, instance_profiles.hcl, policies.hcl, roles.hcl, users.hcl",
		"move or delete them",
		"--overwrite replaces only the files that import writes",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if diff := cmp.Diff(before, readFiles(t, dir)); diff != "" {
		t.Errorf("rejected import changed the directory (-before +after):\n%s", diff)
	}
	h.mustRun(exitOK, "validate", dir)
}

// readFiles returns the contents of the files in dir, keyed by name.
func readFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	return files
}

// TestImportFromFile imports a dump without any account and checks that
// the files plan clean against the account the dump describes.
func TestImportFromFile(t *testing.T) {
	h := newHarness(t, edgeAccount)
	dir := filepath.Join(t.TempDir(), "imported")

	r := h.mustRun(exitOK, "import", "--from-file", edgeAccount, dir)
	if want := "plan it against that account: iamsync plan " + dir; !strings.Contains(r.stdout, want) {
		t.Errorf("closing hint lacks %q:\n%s", want, r.stdout)
	}
	if !strings.Contains(r.stdout, "lacks role\ndescriptions and maximum session durations") {
		t.Errorf("closing hint does not warn that a dump lacks what plans compare of roles:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "should report no changes") {
		t.Errorf("closing hint promises a clean plan, which a dump without role details does not give:\n%s", r.stdout)
	}
	users, err := os.ReadFile(filepath.Join(dir, "users.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(users), "EDGEEXAMPLESECRETNOTREAL") {
		t.Errorf("users.hcl holds a secret access key from the dump:\n%s", users)
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)
}

// TestImportFromFileRejectsOtherJSON imports a file of "aws iam
// list-users" output. Taken for an empty account, it would give a
// configuration whose plans delete every entity of the real account.
func TestImportFromFileRejectsOtherJSON(t *testing.T) {
	h := newHarness(t, "")
	dump := filepath.Join(t.TempDir(), "users-list.json")
	if err := os.WriteFile(dump, []byte(`{"Users": [{"UserName": "alice", "Path": "/"}], "IsTruncated": false}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "imported")

	r := h.mustRun(exitError, "import", "--from-file", dump, dir)
	for _, want := range []string{
		"read dump " + dump + ": ",
		`not in the format of "aws iam get-account-authorization-details" output`,
		`the top-level keys are "IsTruncated", "Users"`,
		"write a dump with: aws iam get-account-authorization-details",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("rejected import created %s: %v", dir, err)
	}
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

// TestImportFromFileWithRoleSettings imports a dump whose roles have their
// descriptions and maximum session durations, as a tool that completes a
// dump from ListRoles writes it: the closing message does not warn that
// they are missing.
func TestImportFromFileWithRoleSettings(t *testing.T) {
	dump := filepath.Join(t.TempDir(), "dump.json")
	content := `{"RoleDetailList": [{"RoleName": "app", "Path": "/", "RoleId": "AROAEXAMPLEAPP000001",
		"Arn": "arn:aws:iam::123456789012:role/app", "CreateDate": "2024-01-01T00:00:00Z",
		"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
		"Description": "the app", "MaxSessionDuration": 7200,
		"RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []}]}`
	if err := os.WriteFile(dump, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, "")
	r := h.mustRun(exitOK, "import", "--from-file", dump, filepath.Join(t.TempDir(), "imported"))
	if strings.Contains(r.stdout, "maximum session durations") {
		t.Errorf("closing message warns of role settings that the dump has:\n%s", r.stdout)
	}
}
