package spec

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
)

// loadSource loads one file of HCL and fails the test on errors.
func loadSource(t *testing.T, src string) *Config {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(src))
	cfg, diags := Load(dir, LoadOptions{AccountID: "123456789012"})
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics:\n%s", formatDiagnostics(diags, dir))
	}
	return cfg
}

// modelOptions compare decoded entities without their source ranges, and
// documents by their text.
var modelOptions = cmp.Options{
	cmpopts.IgnoreTypes(hcl.Range{}, map[string]hcl.Range{}),
	cmp.Transformer("document", func(d *policydoc.Document) string {
		if d == nil {
			return "<nil>"
		}
		return d.String()
	}),
}

func date(s string) *time.Time {
	t, err := parseTimestamp(s)
	if err != nil {
		panic(err)
	}
	return &t
}

// allowAll is the text jsonencode writes for a one-statement policy: keys sorted.
const allowAll = `{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}`

func TestDecodeUser(t *testing.T) {
	cfg := loadSource(t, `
user "alice" {
  name                 = "alice"
  path                 = "/people/"
  tags                 = { team = "platform" }
  permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
  managed_policy_arns  = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  managed_policy {
    arn        = "arn:aws:iam::aws:policy/Billing"
    expires_at = "2027-01-31"
  }
  inline_policy "s3" {
    document   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
    expires_at = "2027-02-01T10:00:00+02:00"
  }
  previous_names = ["alice.smith"]
  expires_at     = "2027-06-30T18:00:00Z"
  access_keys {
    key {
      id = "AKIAIOSFODNN7EXAMPLE"
    }
  }
  login_profile {
    password_file = "-"
  }
}`)
	want := []*User{{
		Address:             Address{Type: "user", Label: "alice"},
		Name:                "alice",
		Path:                "/people/",
		Tags:                map[string]string{"team": "platform"},
		PermissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess",
		Attachments: []*Attachment{
			{PolicyARN: "arn:aws:iam::aws:policy/ReadOnlyAccess"},
			{PolicyARN: "arn:aws:iam::aws:policy/Billing", ExpiresAt: date("2027-01-31")},
		},
		InlinePolicies: []*InlinePolicy{{
			Name:      "s3",
			Document:  policydoc.MustParse(allowAll),
			ExpiresAt: date("2027-02-01T10:00:00+02:00"),
		}},
		PreviousNames: []string{"alice.smith"},
		ExpiresAt:     date("2027-06-30T18:00:00Z"),
		AccessKeys:    &AccessKeys{Keys: []*AccessKey{{ID: "AKIAIOSFODNN7EXAMPLE", Status: "Active"}}},
		LoginProfile:  &LoginProfile{Enabled: true, PasswordFile: "-"},
	}}
	if diff := cmp.Diff(want, cfg.Users, modelOptions); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

func TestDecodeGroup(t *testing.T) {
	cfg := loadSource(t, `
user "alice" {}
user "bob" {}
group "admins" {
  name    = "Admins"
  members = [user.alice.name]
  member {
    user       = "BOB"
    expires_at = "2027-01-01"
  }
  previous_names = ["admin"]
}
group "open" {}
`)
	want := []*Group{
		{
			Address: Address{Type: "group", Label: "admins"}, Name: "Admins", Path: "/",
			Members: []string{"alice", "bob"}, PreviousNames: []string{"admin"},
		},
		{Address: Address{Type: "group", Label: "open"}, Name: "open", Path: "/"},
	}
	if diff := cmp.Diff(want, cfg.Groups, modelOptions); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	wantMemberships := []*Membership{
		{User: "alice", Group: "Admins"},
		{User: "bob", Group: "Admins", ExpiresAt: date("2027-01-01")},
	}
	if diff := cmp.Diff(wantMemberships, cfg.Memberships, modelOptions); diff != "" {
		t.Errorf("memberships (-want +got):\n%s", diff)
	}
}

func TestDecodeRoleDefaults(t *testing.T) {
	cfg := loadSource(t, `
role "app" {
  assume_role_policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
}`)
	want := []*Role{{
		Address:            Address{Type: "role", Label: "app"},
		Name:               "app",
		Path:               "/",
		MaxSessionDuration: 3600,
		AssumeRolePolicy: policydoc.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	}}
	if diff := cmp.Diff(want, cfg.Roles, modelOptions); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
}

func TestDecodeForEachAndReferences(t *testing.T) {
	cfg := loadSource(t, `
locals {
  teams = { platform = "/platform/", data = "/data/" }
}
policy "team" {
  for_each    = local.teams
  name        = "Team-${each.key}"
  path        = each.value
  description = "For ${each.key}"
  document    = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
instance_profile "app" {
  role = "app-role"
  tags = { arn = policy.team["data"].arn }
}`)
	want := []*Policy{
		{
			Address: Address{Type: "policy", Label: "team", Key: "data", HasKey: true},
			Name:    "Team-data", Path: "/data/", Description: "For data", Document: policydoc.MustParse(allowAll),
		},
		{
			Address: Address{Type: "policy", Label: "team", Key: "platform", HasKey: true},
			Name:    "Team-platform", Path: "/platform/", Description: "For platform", Document: policydoc.MustParse(allowAll),
		},
	}
	if diff := cmp.Diff(want, cfg.Policies, modelOptions); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}
	wantProfiles := []*InstanceProfile{{
		Address: Address{Type: "instance_profile", Label: "app"}, Name: "app", Path: "/", Role: "app-role",
		Tags: map[string]string{"arn": "arn:aws:iam::123456789012:policy/data/Team-data"},
	}}
	if diff := cmp.Diff(wantProfiles, cfg.InstanceProfiles, modelOptions); diff != "" {
		t.Errorf("instance profiles (-want +got):\n%s", diff)
	}
	if got := cfg.Policies[0].Address.String(); got != `policy.team["data"]` {
		t.Errorf("address = %s, want policy.team[\"data\"]", got)
	}
}

func TestDecodeSettings(t *testing.T) {
	cfg := loadSource(t, `
scope {
  paths   = ["/people/"]
  exclude = ["CI-*"]
  account_settings = false
}
account {}
password_policy {
  require_symbols = true
}`)
	wantScope := Scope{PathPrefixes: []string{"/people/"}, ExcludeNames: []string{"CI-*"}}
	if diff := cmp.Diff(wantScope, cfg.Scope, modelOptions); diff != "" {
		t.Errorf("scope (-want +got):\n%s", diff)
	}
	if !cfg.Scope.Excludes("ci-runner") {
		t.Error("exclusion patterns must match without case")
	}
	if diff := cmp.Diff(&Account{}, cfg.Account, modelOptions); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
	wantPolicy := &PasswordPolicy{MinimumPasswordLength: 6, RequireSymbols: true}
	if diff := cmp.Diff(wantPolicy, cfg.PasswordPolicy, modelOptions); diff != "" {
		t.Errorf("password policy (-want +got):\n%s", diff)
	}
}

func TestDecodeWithoutSettingsUsesDefaults(t *testing.T) {
	cfg := loadSource(t, `user "alice" {}`)
	if diff := cmp.Diff(DefaultScope(), cfg.Scope, modelOptions); diff != "" {
		t.Errorf("scope (-want +got):\n%s", diff)
	}
	if cfg.Account != nil || cfg.PasswordPolicy != nil {
		t.Error("account and password policy must be nil when not declared")
	}
	if cfg.AccountID != "123456789012" || cfg.Partition != "aws" {
		t.Errorf("account %s partition %s", cfg.AccountID, cfg.Partition)
	}
}

func TestDecodeLifecycle(t *testing.T) {
	cfg := loadSource(t, `
variable "protect" {
  type    = bool
  default = true
}

user "alice" {
  lifecycle {
    prevent_destroy = true
  }
}

group "ops" {
  lifecycle {
    prevent_destroy = var.protect
  }
}

role "app" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  lifecycle {}
}

policy "p" {
  document = jsonencode({ Version = "2012-10-17", Statement = [] })
  lifecycle {
    prevent_destroy = false
  }
}

instance_profile "web" {}
`)
	got := map[string]bool{
		"user":             cfg.Users[0].Lifecycle.PreventDestroy,
		"group":            cfg.Groups[0].Lifecycle.PreventDestroy,
		"role":             cfg.Roles[0].Lifecycle.PreventDestroy,
		"policy":           cfg.Policies[0].Lifecycle.PreventDestroy,
		"instance_profile": cfg.InstanceProfiles[0].Lifecycle.PreventDestroy,
	}
	want := map[string]bool{"user": true, "group": true, "role": false, "policy": false, "instance_profile": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("prevent_destroy mismatch (-want +got):\n%s", diff)
	}

	// The diagnostics of a protected entity point at prevent_destroy.
	user := cfg.Users[0].Lifecycle
	if user.PreventDestroyRange.Start.Line != 9 || user.DeclRange.Start.Line != 8 {
		t.Errorf("user lifecycle ranges: block at line %d, prevent_destroy at line %d; want 8 and 9",
			user.DeclRange.Start.Line, user.PreventDestroyRange.Start.Line)
	}
	if role := cfg.Roles[0].Lifecycle; role.PreventDestroyRange != role.DeclRange {
		t.Errorf("role without prevent_destroy: PreventDestroyRange %v, want the block's range %v",
			role.PreventDestroyRange, role.DeclRange)
	}
	if profile := cfg.InstanceProfiles[0].Lifecycle; profile != (Lifecycle{}) {
		t.Errorf("instance profile without lifecycle block: got %+v, want the zero value", profile)
	}
}
