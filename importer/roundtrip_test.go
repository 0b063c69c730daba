package importer_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/importer"
	"github.com/iamsync/iamsync/internal/testenv"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// importStyles are the option sets every round trip runs with: each layout
// and each document style at least once.
var importStyles = map[string]importer.Options{
	"by kind with jsonencode":          {},
	"by path with policy_document":     {Layout: importer.LayoutByPath, Documents: importer.DocumentsPolicyDocument},
	"by kind with policy_document":     {Documents: importer.DocumentsPolicyDocument},
	"by path with jsonencode":          {Layout: importer.LayoutByPath},
	"narrowed by path":                 {Paths: []string{"/people/", "/app/", "/service/"}},
	"narrowed by name without account": {Exclude: []string{"*bot*", "privesc1*", "*admin*"}, SkipAccountSettings: true},
}

// assertPlansClean imports the account, then plans the imported
// configuration against the same account: the plan must change nothing.
func assertPlansClean(t *testing.T, a *account, opts importer.Options) importer.Files {
	t.Helper()
	dir, files := a.importInto(t, opts)
	plan := a.plan(t, a.load(t, dir))
	if plan.HasChanges() {
		for _, name := range files.Names() {
			t.Logf("%s:\n%s", name, files[name])
		}
		t.Errorf("plan of the imported configuration has %d changes, want none:\n%s", len(plan.Changes), describeChanges(plan))
	}
	return files
}

func TestRoundTripDumps(t *testing.T) {
	for _, dump := range testenv.AuthDetailsDumps(t) {
		for style, opts := range importStyles {
			t.Run(filepath.Base(dump)+"/"+style, func(t *testing.T) {
				t.Parallel()
				assertPlansClean(t, startAccount(t, dump), opts)
			})
		}
	}
}

// TestRoundTripOrg applies the example organisation to an empty account
// and imports it back.
func TestRoundTripOrg(t *testing.T) {
	a := startAccount(t, "")
	a.apply(t, a.load(t, "../testdata/org"))
	for style, opts := range importStyles {
		t.Run(style, func(t *testing.T) {
			assertPlansClean(t, a, opts)
		})
	}
}

// TestRoundTripEdgeAccount imports an account made to hold what the
// public dumps lack. It has paths, names that are no identifiers and
// collide once sanitized, credentials, and tags on every kind, some with the
// reserved aws: prefix. Its documents include a trust policy shared by three
// roles, policy variables, ARNs of the account, and one that a
// policy_document block cannot express. It also has an instance profile
// without a role, a role that AWS reserves, and the account settings.
func TestRoundTripEdgeAccount(t *testing.T) {
	a := startAccount(t, "testdata/edge-account.json")
	for style, opts := range importStyles {
		t.Run(style, func(t *testing.T) {
			files := assertPlansClean(t, a, opts)

			// The sandbox keeps the secrets of the access keys, and none
			// may reach the configuration.
			for _, name := range files.Names() {
				if bytes.Contains(files[name], []byte("EDGEEXAMPLESECRETNOTREAL")) {
					t.Errorf("%s contains a secret access key", name)
				}
			}
		})
	}
}

// TestImportTwiceIsIdentical checks that importing the same account twice
// gives byte-identical files.
func TestImportTwiceIsIdentical(t *testing.T) {
	org := startAccount(t, "")
	org.apply(t, org.load(t, "../testdata/org"))
	accounts := map[string]*account{
		"edge account": startAccount(t, "testdata/edge-account.json"),
		"organisation": org,
	}
	for style, opts := range importStyles {
		for name, a := range accounts {
			t.Run(name+"/"+style, func(t *testing.T) {
				_, first := a.importInto(t, opts)
				_, second := a.importInto(t, opts)
				if diff := cmp.Diff(stringFiles(first), stringFiles(second)); diff != "" {
					t.Errorf("second import differs from the first (-first +second):\n%s", diff)
				}
			})
		}
	}
}

func stringFiles(files importer.Files) map[string]string {
	out := make(map[string]string, len(files))
	for name, content := range files {
		out[name] = string(content)
	}
	return out
}

// TestReadDump reads a dump file through ReadDump, as import --from-file
// does, and checks that the result plans clean against the same dump
// served by a sandbox.
func TestReadDump(t *testing.T) {
	dump := "testdata/edge-account.json"
	state, opts, err := importer.ReadDump(t.Context(), dump, importer.Options{})
	if err != nil {
		t.Fatalf("ReadDump: %v", err)
	}
	if got := state.AccountID; got != "111122223333" {
		t.Errorf("AccountID = %q, want the dump's account 111122223333", got)
	}
	if opts.SkipAccountSettings {
		t.Errorf("ReadDump skips the account settings of a dump that holds them")
	}
	files, err := importer.Generate(state, opts)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	dir := t.TempDir()
	if err := importer.WriteDir(dir, files, false); err != nil {
		t.Fatal(err)
	}

	a := startAccount(t, dump)
	if plan := a.plan(t, a.load(t, dir)); plan.HasChanges() {
		t.Errorf("plan of the configuration imported from the dump has changes:\n%s", describeChanges(plan))
	}
	if !strings.Contains(string(files["users.hcl"]), `id     = "AKIAEDGEEXAMPLE00001"`) {
		t.Errorf("users.hcl does not declare the access key AKIAEDGEEXAMPLE00001 that the dump holds:\n%s", files["users.hcl"])
	}
}

// TestReadDumpWithoutAccountSettings checks that a plain dump, which holds
// no alias and no password policy, gives a configuration that leaves them
// alone instead of one that deletes them.
func TestReadDumpWithoutAccountSettings(t *testing.T) {
	dumps := testenv.AuthDetailsDumps(t)
	_, opts, err := importer.ReadDump(t.Context(), dumps[0], importer.Options{})
	if err != nil {
		t.Fatalf("ReadDump: %v", err)
	}
	if !opts.SkipAccountSettings {
		t.Errorf("ReadDump of %s, which has no account settings, returned options that manage them", dumps[0])
	}
}

func TestReadDumpMissingFile(t *testing.T) {
	_, _, err := importer.ReadDump(t.Context(), filepath.Join(t.TempDir(), "missing.json"), importer.Options{})
	if err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("ReadDump of a missing file: error %v, want one naming the file", err)
	}
}

// TestReadDumpRejectsOtherJSON reads JSON files that are not account
// dumps. Taking one for an empty account would write a configuration whose
// plans delete the whole account.
func TestReadDumpRejectsOtherJSON(t *testing.T) {
	tests := map[string]struct {
		content string
		want    string
	}{
		"list-users output": {
			content: `{"Users": [{"UserName": "alice", "UserId": "AIDAEXAMPLE", "Path": "/"}]}`,
			want:    `the only top-level key is "Users"`,
		},
		"unrelated object": {
			content: `{"foo": 1}`,
			want:    `the only top-level key is "foo"`,
		},
		"array": {
			content: `[{"UserName": "alice"}]`,
			want:    "the file contains a JSON array",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "users-list.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}

			_, _, err := importer.ReadDump(t.Context(), path, importer.Options{})
			var notState *sandbox.NotStateFileError
			if !errors.As(err, &notState) {
				t.Fatalf("ReadDump error = %v, want a *sandbox.NotStateFileError", err)
			}
			for _, want := range []string{"read dump " + path + ": ", `"aws iam get-account-authorization-details"`, tt.want} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("ReadDump error = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

// TestReadDumpNamesTheFile reads a dump that the sandbox cannot load: a
// policy's default version is missing from its versions. The error names
// the file given, not the private copy that the sandbox read.
func TestReadDumpNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.json")
	content := `{"Policies": [{"PolicyName": "P", "PolicyId": "ANPAEXAMPLEPOLICY0001", "Arn": "arn:aws:iam::123456789012:policy/P", "Path": "/",
		"DefaultVersionId": "v2", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false,
		"Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}]}`
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}

	_, _, err := importer.ReadDump(t.Context(), path, importer.Options{})

	if err == nil {
		t.Fatal("ReadDump succeeded, want an error")
	}
	if want := "load dump " + path + ": not a valid account dump: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ReadDump error = %q, want it to start with %q", err, want)
	}
	if strings.Contains(err.Error(), "iamsync-import-") {
		t.Errorf("ReadDump error = %q names the private copy of the dump", err)
	}
}
