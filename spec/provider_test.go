package spec

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

const providerConfig = `
variable "deploy_role" {
  type = string
}

provider {
  region              = "eu-west-1"
  profile             = "ops"
  allowed_account_ids = ["123456789012"]

  assume_role {
    role_arn            = "arn:aws:iam::123456789012:role/gateway"
    session_name        = "iamsync-ci"
    external_id         = "Example987"
    duration            = "2h"
    mfa_serial          = "arn:aws:iam::123456789012:mfa/alice"
    session_tags        = { team = "platform", env = "prod" }
    transitive_tag_keys = ["team"]
    policy              = file("session.json")
    policy_arns         = ["arn:aws:iam::aws:policy/IAMFullAccess"]
  }

  assume_role {
    role_arn = var.deploy_role
    duration = "45m"
  }
}

# Entities may depend on the account, which LoadProvider does not know.
policy "app" {
  name     = "app"
  document = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "arn:aws:sqs:*:${account.id}:*" }] })
}
`

const sessionPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`

func TestLoadProvider(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(providerConfig))
	writeFile(t, filepath.Join(dir, "session.json"), []byte(sessionPolicy))
	opts := LoadOptions{Variables: map[string]string{"deploy_role": "arn:aws:iam::123456789012:role/deployer"}}

	want := &Provider{
		Region: "eu-west-1", Profile: "ops", AllowedAccountIDs: []string{"123456789012"},
		AssumeRole: []*AssumeRole{
			{
				RoleARN: "arn:aws:iam::123456789012:role/gateway", SessionName: "iamsync-ci", ExternalID: "Example987",
				Duration: 2 * time.Hour, MFASerial: "arn:aws:iam::123456789012:mfa/alice",
				SessionTags: map[string]string{"team": "platform", "env": "prod"}, TransitiveTagKeys: []string{"team"},
				Policy: sessionPolicy, PolicyARNs: []string{"arn:aws:iam::aws:policy/IAMFullAccess"},
			},
			{RoleARN: "arn:aws:iam::123456789012:role/deployer", Duration: 45 * time.Minute},
		},
	}
	ignoreRanges := cmpopts.IgnoreTypes(hcl.Range{}, map[string]hcl.Range{})

	// Before connecting, without an account.
	partial, diags := LoadProvider(dir, opts)
	if diags.HasErrors() {
		t.Fatalf("LoadProvider: %s", formatDiagnostics(diags, dir))
	}
	if partial.Parser == nil || len(partial.Users)+len(partial.Policies) > 0 {
		t.Errorf("LoadProvider's Config has parser %v and %d entities, want a parser and none", partial.Parser, len(partial.Users)+len(partial.Policies))
	}
	got := partial.Provider
	if diff := cmp.Diff(want, got, ignoreRanges); diff != "" {
		t.Errorf("LoadProvider differs (-want +got):\n%s", diff)
	}
	if got.Ranges["region"].Start.Line != 7 || got.AssumeRole[1].Ranges["role_arn"].Start.Line != 24 {
		t.Errorf("ranges: region at line %d, second role_arn at line %d; want 7 and 24",
			got.Ranges["region"].Start.Line, got.AssumeRole[1].Ranges["role_arn"].Start.Line)
	}

	// Load decodes the same block into the Config.
	opts.AccountID = "123456789012"
	cfg, diags := Load(dir, opts)
	if diags.HasErrors() {
		t.Fatalf("Load: %s", formatDiagnostics(diags, dir))
	}
	if diff := cmp.Diff(want, cfg.Provider, ignoreRanges); diff != "" {
		t.Errorf("Config.Provider differs (-want +got):\n%s", diff)
	}
}

func TestLoadProviderWithoutBlock(t *testing.T) {
	cases := map[string]struct {
		config     string
		wantErrors bool
	}{
		"no provider block": {config: `user "a" { name = "a" }`},
		// Only the provider block is evaluated: a mistake elsewhere is
		// left to Load.
		"mistake outside the block": {config: `user "a" { name = 42 }`},
		"syntax error":              {config: `user "a" {`, wantErrors: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "main.hcl"), []byte(tc.config))
			cfg, diags := LoadProvider(dir, LoadOptions{})
			if diags.HasErrors() != tc.wantErrors {
				t.Errorf("errors = %t, want %t: %s", diags.HasErrors(), tc.wantErrors, formatDiagnostics(diags, dir))
			}
			if cfg.Provider != nil {
				t.Errorf("provider = %+v, want nil", cfg.Provider)
			}
		})
	}
}

func TestShortDuration(t *testing.T) {
	cases := map[string]struct {
		d    time.Duration
		want string
	}{
		"hours":   {2 * time.Hour, "2h"},
		"mixed":   {90 * time.Minute, "1h30m"},
		"minutes": {45 * time.Minute, "45m"},
		"seconds": {time.Hour + 5*time.Second, "1h0m5s"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := shortDuration(tc.d); got != tc.want {
				t.Errorf("shortDuration(%s) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

// TestSessionPolicyHasNoRiskWarnings loads a session policy of "*" on "*":
// a session policy only narrows what the role grants, so it is no broad
// grant, and the provider block has no accept_risks to silence a warning.
func TestSessionPolicyHasNoRiskWarnings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(`provider {
  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/gateway"
    policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
  }
}
`))
	for name, load := range map[string]func(string, LoadOptions) (*Config, hcl.Diagnostics){"LoadProvider": LoadProvider, "Load": Load} {
		if _, diags := load(dir, LoadOptions{AccountID: "123456789012"}); len(diags) > 0 {
			t.Errorf("%s: diagnostics %v, want none", name, diags)
		}
	}
}
