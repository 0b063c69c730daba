package planfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/show")

// TestShowRoundTrip saves a plan, reads it back and renders it as show
// does in its three formats. Each rendering must equal that of the plan
// before it was saved, and its golden file.
func TestShowRoundTrip(t *testing.T) {
	tests := map[string]struct {
		reason  string
		targets []string
	}{
		"account": {
			reason: "every kind of attribute value, statement changes and a blast radius survive the file",
		},
		"targeted": {
			reason: "a targeted plan keeps its targets and still says that it is partial; role ci's trust policy " +
				"names role app's new ARN, so the target brings in the replacement of role app",
			targets: []string{"role.ci"},
		},
	}
	schema := compileSchema(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := extractArchive(t, showArchive)
			p := makePlan(t, cfg, driftedAccount(), tc.targets)
			path := filepath.Join(t.TempDir(), "plan.out")
			if err := Write(path, p.input); err != nil {
				t.Fatal(err)
			}
			saved, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}

			for _, format := range []string{"txt", "json", "md"} {
				before := render(t, p.plan, format)
				after := render(t, saved.Plan, format)
				if diff := cmp.Diff(before, after); diff != "" {
					t.Errorf("%s rendering changed through the plan file (-before +after):\n%s", format, diff)
				}
				checkGolden(t, filepath.Join("testdata", "show", name+"."+format), relabel(after, cfg.Dir), tc.reason)
				if format == "json" {
					if err := validate(schema, []byte(after)); err != nil {
						t.Errorf("show --json output does not match the schema: %v", err)
					}
				}
			}
		})
	}
}

// render renders a plan as iamsync show does in one format.
func render(t *testing.T, p *planner.Plan, format string) string {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "txt":
		err = planner.RenderText(&b, p, planner.RenderOptions{})
	case "json":
		err = planner.RenderJSON(&b, p)
	case "md":
		err = planner.RenderMarkdown(&b, p, planner.MarkdownOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkGolden compares got with a golden file, or rewrites it with
// -update. reason is what the case shows.
func checkGolden(t *testing.T, path, got, reason string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./planfile -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs; the case shows that %s (-want +got):\n%s", path, reason, diff)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile("../docs/plan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

func validate(schema *jsonschema.Schema, data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return schema.Validate(doc)
}

// TestWriteFile checks how the file is written: mode 0600, no temporary
// file left behind, and an existing file replaced whole.
func TestWriteFile(t *testing.T) {
	cfg := extractArchive(t, showArchive)
	p := makePlan(t, cfg, driftedAccount(), nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.out")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}

	if err := Write(path, p.input); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("plan file mode = %o, want 600", mode)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after Write, want only the plan", len(entries))
	}
	if _, err := Read(path); err != nil {
		t.Errorf("the file written over an older one does not read: %v", err)
	}
}

// TestSnapshotHoldsReadFilesOnly expects the snapshot to hold the files the
// configuration read and its variables, and nothing else of the directory,
// such as a secret that an earlier apply wrote there.
func TestSnapshotHoldsReadFilesOnly(t *testing.T) {
	cfg := extractArchive(t, showArchive)
	p := makePlan(t, cfg, driftedAccount(), nil)
	path := filepath.Join(t.TempDir(), "plan.out")
	if err := Write(path, p.input); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("must-not-be-saved")) {
		t.Errorf("the plan file holds a file the configuration does not read")
	}

	saved, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range saved.Config.Files {
		files = append(files, f.Path)
	}
	if diff := cmp.Diff([]string{"main.hcl", "policies/read.json", "trust.tpl"}, files); diff != "" {
		t.Errorf("snapshot files mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"IAMSYNC_VAR_team=platform"}, saved.Config.Environ); diff != "" {
		t.Errorf("snapshot environment mismatch (-want +got):\n%s", diff)
	}
	if len(saved.Config.VarFiles) != 1 || !strings.Contains(string(saved.Config.VarFiles[0].Data), "platform") {
		t.Errorf("snapshot variables files = %+v, want the one -var-file with its content", saved.Config.VarFiles)
	}
}

// writeAndRead saves a plan of the show configuration and reads it back.
func writeAndRead(t *testing.T, state *provider.State) (*File, string) {
	t.Helper()
	cfg := extractArchive(t, showArchive)
	p := makePlan(t, cfg, state, nil)
	path := filepath.Join(t.TempDir(), "plan.out")
	if err := Write(path, p.input); err != nil {
		t.Fatal(err)
	}
	saved, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return saved, path
}

// editFile rewrites a plan file's JSON with edit.
func editFile(t *testing.T, path string, edit func(doc map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	data, err = json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestReadRejects(t *testing.T) {
	tests := map[string]struct {
		edit    func(path string)
		wantIs  error
		wantMsg string
	}{
		"unknown format version": {
			edit: func(path string) {
				editFile(t, path, func(doc map[string]any) { doc["iamsync_plan_format"] = 99 })
			},
			wantIs:  ErrUnsupportedVersion,
			wantMsg: "has format version 99, but this iamsync reads version 1",
		},
		"not a plan file": {
			edit: func(path string) {
				if err := os.WriteFile(path, []byte("Plan: 1 to create"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantMsg: "is not an iamsync plan file",
		},
		"JSON without a version": {
			edit:    func(path string) { editFile(t, path, func(doc map[string]any) { delete(doc, "iamsync_plan_format") }) },
			wantMsg: "is not an iamsync plan file",
		},
		"configuration edited": {
			edit: func(path string) {
				editFile(t, path, func(doc map[string]any) {
					doc["config"].(map[string]any)["variables"] = map[string]any{"alias": "other"}
				})
			},
			wantMsg: "does not match its fingerprint",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, path := writeAndRead(t, driftedAccount())
			tc.edit(path)
			_, err := Read(path)
			if err == nil {
				t.Fatal("Read accepts the file")
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("Read error %v is not %v", err, tc.wantIs)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("Read error %q lacks %q", err, tc.wantMsg)
			}
		})
	}
}

// TestVerify changes the live state between plan and apply. Changes that
// the planner does not compare leave the plan fresh; the others make it
// stale, and the error names what changed.
func TestVerify(t *testing.T) {
	tests := map[string]struct {
		edit      func(s *provider.State)
		wantIs    error
		wantNames []string
	}{
		"nothing changed": {
			edit: func(s *provider.State) {},
		},
		"lists in another order and new read data": {
			edit: func(s *provider.State) {
				s.Users[0], s.Users[1] = s.Users[1], s.Users[0]
				s.Roles[0].LastUsedRegion = "eu-west-1"
				s.Users[0].ID = "AIDAEXAMPLEOTHER001"
				s.Summary["Users"] = 7
				s.Policies[0].AttachmentCount = 4
				s.Caller.ARN = "arn:aws:iam::111122223333:user/someone-else"
				s.Roles[1].AssumeRolePolicy = `{"Statement": [{"Action": ["sts:AssumeRole"], "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app"]}, "Effect": "Allow"}], "Version": "2012-10-17"}`
			},
		},
		"AWS-managed policy updated by AWS": {
			edit: func(s *provider.State) { s.Policies[2].DefaultVersionID = "v100" },
		},
		"tag changed": {
			edit:      func(s *provider.State) { s.Users[0].Tags[0].Value = "security" },
			wantIs:    ErrStale,
			wantNames: []string{"user alice changed"},
		},
		"user created and role deleted": {
			edit: func(s *provider.State) {
				s.Users = append(s.Users, &provider.User{Name: "mallory", Path: "/"})
				s.Roles = s.Roles[:1]
			},
			wantIs:    ErrStale,
			wantNames: []string{"user mallory created", "role ci deleted"},
		},
		"trust policy changed in meaning": {
			edit:      func(s *provider.State) { s.Roles[1].AssumeRolePolicy = ec2Trust },
			wantIs:    ErrStale,
			wantNames: []string{"role ci changed"},
		},
		"new policy version": {
			edit: func(s *provider.State) {
				p := s.Policies[0]
				p.Versions = append(p.Versions, provider.PolicyVersion{ID: "v3", Document: ec2Trust})
			},
			wantIs:    ErrStale,
			wantNames: []string{"policy arn:aws:iam::111122223333:policy/Read changed"},
		},
		"quota raised": {
			edit:      func(s *provider.State) { s.Summary["VersionsPerPolicyQuota"] = 3 },
			wantIs:    ErrStale,
			wantNames: []string{"account quotas changed"},
		},
		"other account": {
			edit:   func(s *provider.State) { s.AccountID = "444455556666" },
			wantIs: ErrOtherAccount,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			saved, _ := writeAndRead(t, driftedAccount())
			live := driftedAccount()
			tc.edit(live)

			err := saved.Verify(live)
			if tc.wantIs == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.wantIs) {
				t.Fatalf("Verify = %v, want %v", err, tc.wantIs)
			}
			for _, name := range tc.wantNames {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("Verify error %q does not name %q", err, name)
				}
			}
		})
	}
}

// TestPrepare plans the saved configuration again and expects exactly the
// saved plan, even after the configuration directory and the variables
// file are gone.
func TestPrepare(t *testing.T) {
	cfg := extractArchive(t, showArchive)
	p := makePlan(t, cfg, driftedAccount(), nil)
	path := filepath.Join(t.TempDir(), "plan.out")
	if err := Write(path, p.input); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(cfg.Dir)); err != nil {
		t.Fatal(err)
	}

	saved, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	prepared, diags, err := saved.Prepare(driftedAccount())
	if err != nil {
		t.Fatalf("Prepare: %v (%v)", err, diags)
	}
	if diff := cmp.Diff(render(t, p.plan, "json"), render(t, prepared.Plan, "json")); diff != "" {
		t.Errorf("prepared plan differs from the saved one (-saved +prepared):\n%s", diff)
	}
	if prepared.Config.Dir != cfg.Dir {
		t.Errorf("prepared configuration's Dir = %q, want the original %q", prepared.Config.Dir, cfg.Dir)
	}
}

// TestPrepareMismatch edits the saved changes, as if an older iamsync had
// planned them differently, and expects Prepare to refuse the plan.
func TestPrepareMismatch(t *testing.T) {
	_, path := writeAndRead(t, driftedAccount())
	editFile(t, path, func(doc map[string]any) {
		changes := doc["plan"].(map[string]any)["changes"].([]any)
		for _, c := range changes {
			change := c.(map[string]any)
			if change["address"] == "user.bob" {
				change["action"] = "update"
			}
		}
	})
	saved, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = saved.Prepare(driftedAccount())
	if !errors.Is(err, ErrPlanMismatch) {
		t.Fatalf("Prepare = %v, want %v", err, ErrPlanMismatch)
	}
	if !strings.Contains(err.Error(), "user.bob") {
		t.Errorf("Prepare error %q does not name user.bob", err)
	}
}

// TestWriteChecksSnapshot expects Write to refuse a configuration that
// changed between planning and saving.
func TestWriteChecksSnapshot(t *testing.T) {
	cfg := extractArchive(t, showArchive)
	p := makePlan(t, cfg, driftedAccount(), nil)
	writeTestFile(t, filepath.Join(cfg.Dir, "policies", "read.json"),
		[]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`))

	err := Write(filepath.Join(t.TempDir(), "plan.out"), p.input)
	if err == nil || !strings.Contains(err.Error(), "policy.read") {
		t.Fatalf("Write = %v, want an error naming policy.read", err)
	}
}

func TestExtractRejectsPathsOutside(t *testing.T) {
	for name, path := range map[string]string{
		"parent beyond the configuration": "a/../../../../escape.hcl",
		"absolute":                        "/../../escape.hcl",
	} {
		t.Run(name, func(t *testing.T) {
			s := &Snapshot{Dir: "iam", Files: []SnapshotFile{{Path: path, Data: []byte("x")}}}
			tmp := t.TempDir()
			if _, _, err := s.extract(filepath.Join(tmp, "root")); err == nil {
				t.Errorf("extract writes %q", path)
			}
			if _, err := os.Stat(filepath.Join(tmp, "escape.hcl")); err == nil {
				t.Errorf("extract wrote outside its directory")
			}
		})
	}
}

// TestSnapshotFilesOutside saves a configuration that reads a file beside
// its directory, which it may with AllowFilesOutside, and plans it again
// from the snapshot alone.
func TestSnapshotFilesOutside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "iam")
	writeTestFile(t, filepath.Join(root, "shared", "read.json"),
		[]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`))
	writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(`
policy "read" {
  name     = "Read"
  document = file("../shared/read.json")
}
`))
	tc := testConfig{Dir: dir}
	opts := tc.loadOptions()
	opts.AllowFilesOutside = true
	opts.Variables = nil
	state := &provider.State{AccountID: testAccountID, Partition: "aws"}
	cfg := specLoad(t, dir, opts)
	plan, diags := planner.Make(cfg, state, planner.Options{Now: testNow})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	path := filepath.Join(root, "plan.out")
	in := Input{Plan: plan, Options: planner.Options{Now: testNow}, State: state, Config: cfg, Dir: dir, LoadOptions: opts}
	if err := Write(path, in); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(root, "shared")); err != nil {
		t.Fatal(err)
	}
	saved, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := saved.Prepare(state); err != nil {
		t.Errorf("Prepare: %v", err)
	}
}

func TestCheckPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		path    string
		wantErr string
	}{
		"new file in a folder": {path: filepath.Join(dir, "plan.iamsync")},
		"existing file":        {path: file},
		"missing folder":       {path: filepath.Join(dir, "missing", "plan.iamsync"), wantErr: "the folder " + filepath.Join(dir, "missing") + " does not exist"},
		"folder":               {path: dir, wantErr: "the path is a folder"},
		"file in place of dir": {path: filepath.Join(file, "plan.iamsync"), wantErr: file + " is not a folder"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckPath(tt.path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckPath(%q) = %v, want nil", tt.path, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckPath(%q) = %v, want an error containing %q", tt.path, err, tt.wantErr)
			}
		})
	}
}

// TestWarningAddressSurvivesTheFile checks that a warning about one change
// keeps the change's address through the plan file, as show --json writes it.
func TestWarningAddressSurvivesTheFile(t *testing.T) {
	p := &planner.Plan{AccountID: "111122223333", Warnings: []planner.Warning{
		{Summary: "Allow widened", Detail: "The policy document of policy.app allows more.", Address: "policy.app"},
		{Summary: "Account quota may be reached"},
	}}
	saved := encodePlan(p, t.TempDir())
	got, err := decodePlan(saved, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p.Warnings, got.Warnings); diff != "" {
		t.Errorf("warnings through the file (-saved +read):\n%s", diff)
	}
}
