package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// validOptions are the options the valid example is loaded with: it takes
// values from a variables file, a -var argument and the environment.
func validOptions() LoadOptions {
	return LoadOptions{
		AccountID: "123456789012",
		VarFiles:  []string{"testdata/vars/valid.json"},
		Variables: map[string]string{"environment": "prod"},
		Environ:   []string{"HOME=/root", "IAMSYNC_VAR_audit_account=210987654321"},
	}
}

// TestLoadValidExample loads testdata/valid, which uses every feature of
// the language, and compares a dump of the Config with valid.golden.
func TestLoadValidExample(t *testing.T) {
	cfg, diags := Load("testdata/valid", validOptions())
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", formatDiagnostics(diags, "testdata/valid"))
	}
	if diags := CheckQuotas(cfg, DefaultQuotas()); len(diags) > 0 {
		t.Fatalf("unexpected quota diagnostics:\n%s", formatDiagnostics(diags, "testdata/valid"))
	}
	got := dumpConfig(cfg)

	const golden = "testdata/valid.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./spec -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("decoded configuration differs from %s (-want +got):\n%s", golden, diff)
	}
}

// TestLoadProjectExample checks that the example configuration at the root
// of the repository loads without errors.
func TestLoadProjectExample(t *testing.T) {
	dir := filepath.Join("..", "testdata", "org")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no example at %s: %v", dir, err)
	}
	_, diags := Load(dir, LoadOptions{})
	if diags.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", formatDiagnostics(diags, dir))
	}
}

func TestLoadEmptyDirectory(t *testing.T) {
	cfg, diags := Load(t.TempDir(), LoadOptions{})
	if !diags.HasErrors() || diags[0].Summary != "No configuration files" {
		t.Fatalf("got %v, want a No configuration files error", diags)
	}
	if cfg == nil || cfg.Parser == nil {
		t.Fatal("Load must return a Config with its Parser even on errors")
	}
}

// TestLoadNoConfigurationFiles checks the error for a directory without
// configuration files: one that holds Terraform files names them and the
// extensions iamsync reads.
func TestLoadNoConfigurationFiles(t *testing.T) {
	tests := map[string]struct {
		files []string
		want  string
	}{
		"no files": {
			want: "Run iamsync in the directory that holds the configuration, or name that directory.",
		},
		"two files": {
			files: []string{"main.tf", "users.tf.json", "notes.txt"},
			want:  "It contains main.tf and users.tf.json, but iamsync reads only files ending in .hcl or .hcl.json",
		},
		"many files": {
			files: []string{"a.tf", "b.tf", "c.tf", "d.tf", "e.tf"},
			want:  "It contains a.tf, b.tf, c.tf and 2 more Terraform files, but",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, file := range tt.files {
				writeFile(t, filepath.Join(dir, file), []byte(`user "alice" {}`))
			}

			_, diags := Load(dir, LoadOptions{})

			if len(diags) != 1 || diags[0].Summary != "No configuration files" {
				t.Fatalf("got %v, want one No configuration files error", diags)
			}
			if !strings.Contains(diags[0].Detail, tt.want) {
				t.Errorf("detail %q lacks %q", diags[0].Detail, tt.want)
			}
		})
	}
}

// TestLoadWarnsOfVariablesFilesByName checks that the files Terraform reads
// variable values from by their names get a warning, unless -var-file
// names them, and that their values are not used.
func TestLoadWarnsOfVariablesFilesByName(t *testing.T) {
	tests := map[string]struct {
		files    []string
		varFiles []string
		want     []string
	}{
		"terraform.tfvars":           {files: []string{"terraform.tfvars"}, want: []string{"terraform.tfvars"}},
		"auto files":                 {files: []string{"a.auto.tfvars", "b.auto.tfvars.json", "terraform.tfvars.json"}, want: []string{"a.auto.tfvars", "b.auto.tfvars.json", "terraform.tfvars.json"}},
		"given with -var-file":       {files: []string{"terraform.tfvars"}, varFiles: []string{"terraform.tfvars"}},
		"other names are not warned": {files: []string{"prod.tfvars", "vars.json"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "main.hcl"), []byte("variable \"team\" {\n  default = \"a\"\n}\nuser \"alice\" {\n  tags = { team = var.team }\n}\n"))
			var varFiles []string
			for _, file := range tt.files {
				content := "team = \"b\"\n"
				if strings.HasSuffix(file, ".json") {
					content = `{"team": "b"}`
				}
				writeFile(t, filepath.Join(dir, file), []byte(content))
			}
			for _, file := range tt.varFiles {
				varFiles = append(varFiles, filepath.Join(dir, file))
			}

			cfg, diags := Load(dir, LoadOptions{VarFiles: varFiles})

			var warned []string
			for _, d := range diags {
				if d.Severity != hcl.DiagWarning || d.Summary != "Variables file not read" {
					t.Errorf("unexpected diagnostic: %v", d)
					continue
				}
				path := strings.Fields(d.Detail)[0]
				warned = append(warned, filepath.Base(path))
				if !strings.Contains(d.Detail, "pass -var-file "+path+".") {
					t.Errorf("warning does not say how to read the file: %s", d.Detail)
				}
			}
			if diff := cmp.Diff(tt.want, warned); diff != "" {
				t.Errorf("warned files (-want +got):\n%s", diff)
			}
			wantTeam := "a"
			if len(tt.varFiles) > 0 {
				wantTeam = "b"
			}
			if got := cfg.Users[0].Tags["team"]; got != wantTeam {
				t.Errorf("tag team = %q, want %q", got, wantTeam)
			}
		})
	}
}

func TestLoadSkipsBackupFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(`user "alice" {}`))
	writeFile(t, filepath.Join(dir, "main.hcl~"), []byte(`this is not HCL {`))
	writeFile(t, filepath.Join(dir, ".hidden.hcl"), []byte(`this is not HCL {`))
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte(`this is not HCL {`))
	cfg, diags := Load(dir, LoadOptions{})
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if len(cfg.Users) != 1 {
		t.Fatalf("got %d users, want 1", len(cfg.Users))
	}
}

// dumpConfig renders a Config as text for golden comparison. Ranges are
// left out, except where they are the point of the field.
func dumpConfig(cfg *Config) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("account_id %s partition %s", cfg.AccountID, cfg.Partition)
	p("scope paths=%q exclude=%q account_settings=%t", cfg.Scope.PathPrefixes, cfg.Scope.ExcludeNames, cfg.Scope.AccountSettings)
	if a := cfg.Account; a != nil {
		p("account alias=%q", a.Alias)
	}
	if pp := cfg.PasswordPolicy; pp != nil {
		p("password_policy %+v", *pp.withoutRanges())
	}
	for _, u := range cfg.Users {
		p("%s name=%q path=%q expires=%s boundary=%q previous=%q", u.Address, u.Name, u.Path, timeText(u.ExpiresAt),
			u.PermissionsBoundary, u.PreviousNames)
		dumpTags(p, u.Tags)
		dumpPolicies(p, u.Attachments, u.InlinePolicies)
		if u.AccessKeys != nil {
			for _, k := range u.AccessKeys.Keys {
				p("  access_key id=%q status=%s secret_file=%q", k.ID, k.Status, k.SecretFile)
			}
		}
		if lp := u.LoginProfile; lp != nil {
			p("  login_profile enabled=%t reset=%t password_file=%q", lp.Enabled, lp.PasswordResetRequired, lp.PasswordFile)
		}
	}
	for _, g := range cfg.Groups {
		members := "unset"
		if g.Members != nil {
			members = fmt.Sprintf("%q", g.Members)
		}
		p("%s name=%q path=%q members=%s previous=%q", g.Address, g.Name, g.Path, members, g.PreviousNames)
		dumpPolicies(p, g.Attachments, g.InlinePolicies)
	}
	for _, r := range cfg.Roles {
		p("%s name=%q path=%q description=%q max_session=%d boundary=%q", r.Address, r.Name, r.Path, r.Description,
			r.MaxSessionDuration, r.PermissionsBoundary)
		p("  trust %s", r.AssumeRolePolicy)
		dumpTags(p, r.Tags)
		dumpPolicies(p, r.Attachments, r.InlinePolicies)
	}
	for _, pol := range cfg.Policies {
		p("%s name=%q path=%q description=%q arn=%s", pol.Address, pol.Name, pol.Path, pol.Description,
			pol.ARN(cfg.Partition, cfg.AccountID))
		p("  document %s", pol.Document)
		dumpTags(p, pol.Tags)
	}
	for _, ip := range cfg.InstanceProfiles {
		p("%s name=%q path=%q role=%q", ip.Address, ip.Name, ip.Path, ip.Role)
		dumpTags(p, ip.Tags)
	}
	for _, m := range cfg.Memberships {
		p("membership %s in %s expires=%s", m.User, m.Group, timeText(m.ExpiresAt))
	}
	return b.String()
}

func (pp *PasswordPolicy) withoutRanges() *PasswordPolicy {
	c := *pp
	c.DeclRange, c.Ranges = hcl.Range{}, nil
	return &c
}

func dumpTags(p func(string, ...any), tags map[string]string) {
	if tags == nil {
		return
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k+"="+tags[k])
	}
	p("  tags {%s}", strings.Join(pairs, ", "))
}

func dumpPolicies(p func(string, ...any), attachments []*Attachment, inline []*InlinePolicy) {
	for _, a := range attachments {
		p("  attachment %s expires=%s", a.PolicyARN, timeText(a.ExpiresAt))
	}
	for _, ip := range inline {
		p("  inline %q expires=%s %s", ip.Name, timeText(ip.ExpiresAt), ip.Document)
	}
}

func timeText(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// TestLoadDisplayDir loads a copy of a configuration and expects ranges,
// diagnostics and parsed files to name the original directory.
func TestLoadDisplayDir(t *testing.T) {
	copyDir := t.TempDir()
	writeFile(t, filepath.Join(copyDir, "main.hcl"), []byte(`
user "alice" {}

policy "p" {
  document = file("policies/p.json")
}

role "app" {
  assume_role_policy = templatefile("trust.tpl", { service = "ec2" })
}
`))
	writeFile(t, filepath.Join(copyDir, "policies", "p.json"), []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Bogus": 1}]}`))
	writeFile(t, filepath.Join(copyDir, "trust.tpl"), []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "${service}.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`))

	const shown = "iam"
	cfg, diags := Load(copyDir, LoadOptions{DisplayDir: shown})

	var filenames []string
	for _, d := range diags {
		if d.Subject != nil {
			filenames = append(filenames, d.Subject.Filename)
		}
	}
	if diff := cmp.Diff([]string{filepath.Join(shown, "policies", "p.json")}, filenames); diff != "" {
		t.Errorf("diagnostic file names mismatch (-want +got):\n%s\n%s", diff, formatDiagnostics(diags, ""))
	}
	if cfg.Dir != shown {
		t.Errorf("Config.Dir = %q, want %q", cfg.Dir, shown)
	}
	if got, want := cfg.Users[0].DeclRange.Filename, filepath.Join(shown, "main.hcl"); got != want {
		t.Errorf("user declared in %q, want %q", got, want)
	}
	if _, ok := cfg.Parser.Files()[filepath.Join(shown, "main.hcl")]; !ok {
		t.Errorf("parser files %v lack %s, which snippets need", keys(cfg.Parser.Files()), filepath.Join(shown, "main.hcl"))
	}
}

// TestLoadReadFiles expects Config.ReadFiles to list the configuration
// files and every file that a file function read, found or listed, and
// nothing else in the directory.
func TestLoadReadFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(`
locals {
  extra = fileexists("extra.json") ? 1 : 0
  none  = fileexists("missing.json") ? 1 : 0
  docs  = fileset("policies", "*.json")
}

policy "p" {
  for_each = local.docs
  name     = trimsuffix(each.key, ".json")
  document = file("policies/${each.key}")
}

role "app" {
  assume_role_policy = templatefile("./trust.tpl", { service = "ec2" })
}
`))
	writeFile(t, filepath.Join(dir, "users.hcl"), []byte(`user "alice" {}`))
	doc := []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`)
	writeFile(t, filepath.Join(dir, "policies", "a.json"), doc)
	writeFile(t, filepath.Join(dir, "policies", "b.json"), doc)
	writeFile(t, filepath.Join(dir, "extra.json"), []byte(`{}`))
	writeFile(t, filepath.Join(dir, "trust.tpl"), []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "${service}.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`))
	writeFile(t, filepath.Join(dir, "secrets", "key.json"), []byte(`{"SecretAccessKey": "not read"}`))
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("not read"))

	cfg, diags := Load(dir, LoadOptions{})
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics:\n%s", formatDiagnostics(diags, dir))
	}
	want := []string{"extra.json", "main.hcl", "policies/a.json", "policies/b.json", "trust.tpl", "users.hcl"}
	if diff := cmp.Diff(want, cfg.ReadFiles); diff != "" {
		t.Errorf("ReadFiles mismatch (-want +got):\n%s", diff)
	}
}

// TestForEachErrorsNameTheirInstances checks that an error raised for
// several entries of a for_each value is reported once, naming each entry's
// instance, and that an error of one entry names that entry alone.
func TestForEachErrorsNameTheirInstances(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(`
locals {
  users = {
    ana = { team = "a?" }
    bo  = { team = "ok" }
    cy  = { team = "c?" }
  }
  roles = { one = "", two = "" }
}

user "dev" {
  for_each = local.users
  name     = each.key
  tags     = { team = each.value.team }
}

role "svc" {
  for_each           = local.roles
  name               = "${each.key}!"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
`))
	_, diags := Load(dir, LoadOptions{})
	var tagErrors, nameErrors []string
	for _, d := range diags {
		switch d.Summary {
		case "Invalid tag value":
			tagErrors = append(tagErrors, d.Detail)
		case "Invalid role name":
			nameErrors = append(nameErrors, d.Detail)
		}
	}
	if len(tagErrors) != 1 || !strings.HasSuffix(tagErrors[0], `In user.dev["ana"] and user.dev["cy"].`) {
		t.Errorf("tag errors = %q, want one that ends naming both bad users", tagErrors)
	}
	// The names differ, so each role has an error of its own.
	if len(nameErrors) != 2 {
		t.Fatalf("name errors = %q, want one for each role", nameErrors)
	}
	for i, key := range []string{"one", "two"} {
		if want := `In role.svc["` + key + `"].`; !strings.HasSuffix(nameErrors[i], want) {
			t.Errorf("name error %d = %q, want it to end with %q", i, nameErrors[i], want)
		}
	}
}

// TestForEachErrorsWithDifferentValuesFold checks that one line of a
// for_each block failing with a different value in each instance is
// reported maxSimilar times, the last naming the other instances.
func TestForEachErrorsWithDifferentValuesFold(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(`
locals {
  paths = { a = "x1", b = "x2", c = "x3", d = "x4", e = "x5", f = "/ok/" }
}

user "dev" {
  for_each = local.paths
  name     = each.key
  path     = each.value
}

group "ops" {
  path = "bad"
}
`))
	_, diags := Load(dir, LoadOptions{})
	var details []string
	for _, d := range diags {
		if d.Summary == "Invalid path" {
			details = append(details, d.Detail)
		}
	}
	// Three for the users, and the group's, which is not an instance.
	if len(details) != maxSimilar+1 {
		t.Fatalf("path errors = %q, want %d", details, maxSimilar+1)
	}
	for i, key := range []string{"a", "b"} {
		if want := `In user.dev["` + key + `"].`; !strings.HasSuffix(details[i], want) {
			t.Errorf("path error %d = %q, want it to end with %q", i, details[i], want)
		}
	}
	want := `In user.dev["c"]. The same error, with other values, is in 2 more instances: user.dev["d"] and user.dev["e"].`
	if !strings.HasSuffix(details[2], want) {
		t.Errorf("path error 2 = %q, want it to end with %q", details[2], want)
	}
	if !strings.Contains(details[3], `"bad"`) {
		t.Errorf("path error 3 = %q, want the group's", details[3])
	}
}
