package planfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

const testAccountID = "111122223333"

var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testConfig is a configuration extracted from a txtar archive: the files
// under config/ go to Dir, vars.json to VarFile.
type testConfig struct {
	Dir     string
	VarFile string
}

func extractArchive(t *testing.T, path string) testConfig {
	t.Helper()
	archive, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	tc := testConfig{Dir: filepath.Join(root, "config")}
	for _, f := range archive.Files {
		target := filepath.Join(root, filepath.FromSlash(f.Name))
		writeTestFile(t, target, f.Data)
		if f.Name == "vars.json" {
			tc.VarFile = target
		}
	}
	return tc
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// loadOptions are those the plan command would pass for tc: a -var, a
// -var-file and the environment.
func (tc testConfig) loadOptions() spec.LoadOptions {
	opts := spec.LoadOptions{
		AccountID: testAccountID,
		Partition: "aws",
		Variables: map[string]string{"alias": "acme-prod"},
		Environ:   []string{"HOME=/root", "IAMSYNC_VAR_unused=ignored", "IAMSYNC_VAR_team=platform"},
	}
	if tc.VarFile != "" {
		opts.VarFiles = []string{tc.VarFile}
	}
	return opts
}

// planned is one plan with everything Write needs.
type planned struct {
	input Input
	plan  *planner.Plan
}

// makePlan loads tc, plans it against state as the plan command does and
// fails the test on errors.
func makePlan(t *testing.T, tc testConfig, state *provider.State, targets []string) planned {
	t.Helper()
	opts := tc.loadOptions()
	cfg, diags := spec.Load(tc.Dir, opts)
	if diags.HasErrors() {
		t.Fatalf("configuration does not load: %v", diags)
	}
	planOpts := planner.Options{Now: testNow, Targets: targets}
	plan, diags := planner.Make(cfg, state, planOpts)
	if diags.HasErrors() {
		t.Fatalf("configuration does not plan: %v", diags)
	}
	return planned{plan: plan, input: Input{
		Plan: plan, Options: planOpts, State: state, Config: cfg, Dir: tc.Dir, LoadOptions: opts,
		ReadOptions: provider.ReadOptions{PolicyTagsOf: []string{"arn:aws:iam::111122223333:policy/Read"}},
	}}
}

const (
	ec2Trust = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`
	appTrust = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "sts:AssumeRole"}]}`
)

// driftedAccount is the account of testdata/show/account.txtar, drifted
// from the configuration in every kind of value.
func driftedAccount() *provider.State {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	return &provider.State{
		AccountID:       testAccountID,
		Partition:       "aws",
		Caller:          provider.Identity{Account: testAccountID, ARN: "arn:aws:iam::111122223333:user/ci-bot", UserID: "AIDAEXAMPLECALLER001"},
		Aliases:         []string{"acme-old"},
		PasswordPolicy:  &provider.PasswordPolicy{MinimumPasswordLength: 8, RequireNumbers: true},
		Summary:         map[string]int32{"VersionsPerPolicyQuota": 5, "Users": 2},
		RoleDetailsRead: true,
		Users: []*provider.User{
			{Name: "alice", Path: "/", ID: "AIDAEXAMPLEALICE001", ARN: "arn:aws:iam::111122223333:user/alice", CreateDate: day(1),
				Tags: []provider.Tag{{Key: "team", Value: "data"}}, Groups: []string{"ops"}},
			{Name: "bob", Path: "/", ID: "AIDAEXAMPLEBOB00001", ARN: "arn:aws:iam::111122223333:user/bob", CreateDate: day(2),
				Groups:         []string{"ops"},
				InlinePolicies: []provider.InlinePolicy{{Name: "own", Document: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}`}}},
		},
		Groups: []*provider.Group{{Name: "ops", Path: "/", ID: "AGPAEXAMPLEOPS00001", ARN: "arn:aws:iam::111122223333:group/ops"}},
		Roles: []*provider.Role{
			{Name: "app", Path: "/", ID: "AROAEXAMPLEAPP00001", ARN: "arn:aws:iam::111122223333:role/app", AssumeRolePolicy: ec2Trust,
				MaxSessionDuration: 3600, AttachedPolicies: []string{"arn:aws:iam::111122223333:policy/Read"}, InstanceProfiles: []string{"app"}},
			{Name: "ci", Path: "/", ID: "AROAEXAMPLECI000001", ARN: "arn:aws:iam::111122223333:role/ci", AssumeRolePolicy: appTrust,
				MaxSessionDuration: 3600},
		},
		Policies: []*provider.ManagedPolicy{
			{Name: "Read", Path: "/", ARN: "arn:aws:iam::111122223333:policy/Read", DefaultVersionID: "v2", AttachmentCount: 1,
				Tags: []provider.Tag{{Key: "team", Value: "data"}},
				Versions: []provider.PolicyVersion{
					{ID: "v1", CreateDate: day(1), Document: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`},
					{ID: "v2", IsDefault: true, CreateDate: day(2), Document: `{"Version": "2012-10-17", "Statement": [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}`},
				}},
			{Name: "Old", Path: "/", ARN: "arn:aws:iam::111122223333:policy/Old", DefaultVersionID: "v1",
				Versions: []provider.PolicyVersion{{ID: "v1", IsDefault: true, CreateDate: day(3), Document: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}`}}},
			{Name: "ReadOnlyAccess", Path: "/", ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess", DefaultVersionID: "v99"},
		},
		InstanceProfiles: []*provider.InstanceProfile{{Name: "app", Path: "/", ARN: "arn:aws:iam::111122223333:instance-profile/app", Roles: []string{"app"}}},
	}
}

// showArchive is the configuration of the show golden cases.
var showArchive = filepath.Join("testdata", "show", "account.txtar")

// relabel replaces the temporary configuration directory in rendered
// output with a fixed name.
func relabel(out, dir string) string {
	return strings.ReplaceAll(out, dir, "iam")
}

// specLoad loads a configuration and fails the test on errors.
func specLoad(t *testing.T, dir string, opts spec.LoadOptions) *spec.Config {
	t.Helper()
	cfg, diags := spec.Load(dir, opts)
	if diags.HasErrors() {
		t.Fatalf("configuration does not load: %v", diags)
	}
	return cfg
}
