package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// issuedCredentials are credentials as a creds command printed them.
type issuedCredentials struct {
	keyID, secret, token string
	expiration           time.Time
}

// exportPattern matches one line of --format env.
var exportPattern = regexp.MustCompile(`(?m)^export (AWS_[A-Z_]+)='([^']*)'$`)

// parseIssued reads the credentials that a creds command printed in format.
func parseIssued(t *testing.T, format, stdout string) issuedCredentials {
	t.Helper()
	var c issuedCredentials
	switch format {
	case credsFormatEnv:
		values := map[string]string{}
		for _, m := range exportPattern.FindAllStringSubmatch(stdout, -1) {
			values[m[1]] = m[2]
		}
		if len(values) != 3 {
			t.Fatalf("env output has %d exports, want 3:\n%s", len(values), stdout)
		}
		c = issuedCredentials{keyID: values["AWS_ACCESS_KEY_ID"], secret: values["AWS_SECRET_ACCESS_KEY"], token: values["AWS_SESSION_TOKEN"]}
		expiry := regexp.MustCompile(`# The credentials expire at (\S+)\.`).FindStringSubmatch(stdout)
		if expiry == nil {
			t.Fatalf("env output does not say when the credentials expire:\n%s", stdout)
		}
		c.expiration = mustParseTime(t, expiry[1])
	case credsFormatJSON:
		var view credentialsView
		if err := json.Unmarshal([]byte(stdout), &view); err != nil {
			t.Fatalf("json output %q: %v", stdout, err)
		}
		if view.Version != jsonFormatVersion || view.Type != "credentials" {
			t.Errorf("json output has version %q and type %q", view.Version, view.Type)
		}
		c = issuedCredentials{keyID: view.AccessKeyID, secret: view.SecretAccessKey, token: view.SessionToken, expiration: view.Expiration}
	case credsFormatCredentialProcess:
		// Read it as the AWS SDK reads a credential_process's output.
		var resp processcreds.CredentialProcessResponse
		if err := json.Unmarshal([]byte(stdout), &resp); err != nil {
			t.Fatalf("credential-process output %q: %v", stdout, err)
		}
		if resp.Version != 1 || resp.Expiration == nil || resp.AccountID != "123456789012" {
			t.Errorf("credential-process output has version %d, expiration %v, account %q", resp.Version, resp.Expiration, resp.AccountID)
		}
		c = issuedCredentials{keyID: resp.AccessKeyID, secret: resp.SecretAccessKey, token: resp.SessionToken}
		if resp.Expiration != nil {
			c.expiration = *resp.Expiration
		}
	}
	if !strings.HasPrefix(c.keyID, "ASIA") || c.secret == "" || c.token == "" {
		t.Fatalf("credentials in %s output are incomplete: key %q", format, c.keyID)
	}
	return c
}

func mustParseTime(t *testing.T, text string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, text)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// identityOf returns the ARN that temporary credentials act as.
func (h *harness) identityOf(c issuedCredentials) (string, error) {
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		EndpointURL: h.endpoint, Region: "us-east-1",
		AccessKeyID: c.keyID, SecretAccessKey: c.secret, SessionToken: c.token,
	})
	if err != nil {
		return "", err
	}
	id, err := p.CallerIdentity(context.Background())
	return id.ARN, err
}

// credsCases are one creds command of each kind, with the identity their
// credentials act as and how long they last.
var credsCases = map[string]struct {
	args     []string
	identity string
	lifetime time.Duration
}{
	"session token": {
		args:     []string{"creds", "session-token", "--duration", "2h", "--mfa-serial", deployerMFA, "--mfa-code", "123456"},
		identity: "arn:aws:iam::123456789012:user/deployer", lifetime: 2 * time.Hour,
	},
	"assume role": {
		args: []string{"creds", "assume-role", gatewayRole, "--session-name", "ci-run", "--tag", "team=platform",
			"--transitive-tag-key", "team", "--duration", "30m"},
		identity: "arn:aws:sts::123456789012:assumed-role/gateway/ci-run", lifetime: 30 * time.Minute,
	},
	"federation token": {
		args:     []string{"creds", "federation-token", "bob", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess", "--tag", "team=platform"},
		identity: "arn:aws:sts::123456789012:federated-user/bob", lifetime: 12 * time.Hour,
	},
}

func TestCredsPrintWorkingCredentials(t *testing.T) {
	h := newReachHarness(t)
	for name, tc := range credsCases {
		for _, format := range credsFormats {
			t.Run(name+" as "+format, func(t *testing.T) {
				r := h.mustRun(exitOK, append(tc.args, "--format", format)...)
				issued := parseIssued(t, format, r.stdout)
				if got := time.Until(issued.expiration); got < tc.lifetime-time.Minute || got > tc.lifetime+time.Minute {
					t.Errorf("credentials expire in %s, want %s", got.Round(time.Second), tc.lifetime)
				}
				arn, err := h.identityOf(issued)
				if err != nil {
					t.Fatalf("the printed credentials do not work: %v", err)
				}
				if arn != tc.identity {
					t.Errorf("the credentials act as %s, want %s", arn, tc.identity)
				}
			})
		}
	}
}

func TestCredsSecretsOnlyOnStdout(t *testing.T) {
	var sandboxLog bytes.Buffer
	h := newHarness(t, reachAccount, func(o *sandbox.Options) {
		o.Logger = slog.New(slog.NewTextHandler(&sandboxLog, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	t.Setenv("AWS_ACCESS_KEY_ID", deployerKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", deployerSecret)

	for name, tc := range credsCases {
		for _, format := range credsFormats {
			t.Run(name+" as "+format, func(t *testing.T) {
				sandboxLog.Reset()
				r := h.mustRun(exitOK, append([]string{"--log-level", "debug"}, append(tc.args, "--format", format)...)...)
				issued := parseIssued(t, format, r.stdout)
				if !strings.Contains(r.stderr, "level=") {
					t.Errorf("stderr has no debug log, so the test would prove nothing:\n%s", r.stderr)
				}
				for what, secret := range map[string]string{"secret access key": issued.secret, "session token": issued.token, "deployer's secret": deployerSecret} {
					if strings.Contains(r.stderr, secret) {
						t.Errorf("the %s is on stderr:\n%s", what, r.stderr)
					}
					if strings.Contains(sandboxLog.String(), secret) {
						t.Errorf("the %s is in the sandbox's log", what)
					}
				}
			})
		}
	}

	// A failed request prints no secret either.
	r := h.mustRun(exitError, "--log-level", "debug", "creds", "assume-role", vendorRole, "--format", "json")
	if r.stdout != "" || strings.Contains(r.stderr, deployerSecret) {
		t.Errorf("failed creds printed stdout %q, stderr:\n%s", r.stdout, r.stderr)
	}
}

func TestCredsAssumeRoleOptions(t *testing.T) {
	h := newReachHarness(t)
	policy := filepath.Join(t.TempDir(), "session.json")
	if err := os.WriteFile(policy, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct {
		args   []string
		code   int
		stderr string
	}{
		"external id":            {args: []string{vendorRole, "--external-id", "Example987"}, code: exitOK},
		"missing external id":    {args: []string{vendorRole}, code: exitError, stderr: "AccessDenied"},
		"MFA from flags":         {args: []string{breakglassRole, "--mfa-serial", deployerMFA, "--mfa-code", "123456"}, code: exitOK},
		"MFA missing":            {args: []string{breakglassRole}, code: exitError, stderr: "AccessDenied"},
		"code without device":    {args: []string{breakglassRole, "--mfa-code", "123456"}, code: exitError, stderr: "--mfa-code needs --mfa-serial"},
		"session policy":         {args: []string{gatewayRole, "--policy", policy}, code: exitOK},
		"missing policy file":    {args: []string{gatewayRole, "--policy", policy + ".missing"}, code: exitError, stderr: "read session policy"},
		"malformed tag":          {args: []string{gatewayRole, "--tag", "team"}, code: exitError, stderr: `invalid --tag "team": write KEY=VALUE`},
		"unknown format":         {args: []string{gatewayRole, "--format", "yaml"}, code: exitError, stderr: `invalid --format "yaml"`},
		"duration beyond a role": {args: []string{gatewayRole, "--duration", "2h"}, code: exitError, stderr: "exceeds the MaxSessionDuration"},
		"not a role ARN":         {args: []string{"notanarn"}, code: exitError, stderr: `invalid role ARN "notanarn"`},
		"duration below STS's":   {args: []string{gatewayRole, "--duration", "5m"}, code: exitError, stderr: "invalid --duration 5m0s: AssumeRole accepts from 15m to 12h"},
		"duration beyond STS's":  {args: []string{gatewayRole, "--duration", "13h"}, code: exitError, stderr: "invalid --duration 13h0m0s: AssumeRole accepts from 15m to 12h"},
		"duration of zero":       {args: []string{gatewayRole, "--duration", "0"}, code: exitError, stderr: "invalid --duration 0s: AssumeRole accepts from 15m to 12h"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := h.mustRun(tc.code, append([]string{"creds", "assume-role"}, tc.args...)...)
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tc.stderr)
			}
		})
	}
}

// TestCredsFlagsCheckedOffline gives the creds commands and plan values of
// a form that STS rejects. With the endpoint on a closed port, only a
// check made before connecting can report them.
func TestCredsFlagsCheckedOffline(t *testing.T) {
	newHarness(t, "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://"+ln.Addr().String())
	ln.Close()
	const role = "arn:aws:iam::123456789012:role/deploy"
	dir := writeConfig(t, config("user \"a\" {}\n"))

	tests := map[string]struct {
		args []string
		want string
	}{
		"session name with a space": {args: []string{"creds", "assume-role", role, "--session-name", "bad name"}, want: "invalid --session-name"},
		"one-character external id": {args: []string{"creds", "assume-role", role, "--external-id", "a"}, want: "invalid --external-id"},
		"short MFA code":            {args: []string{"creds", "session-token", "--mfa-serial", "arn:aws:iam::123456789012:mfa/a", "--mfa-code", "12"}, want: "invalid --mfa-code"},
		"MFA serial with a space":   {args: []string{"creds", "session-token", "--mfa-serial", "not a serial"}, want: "invalid --mfa-serial"},
		"federated name with !":     {args: []string{"creds", "federation-token", "bad name!"}, want: "invalid NAME"},
		"plan with a bad role ARN":  {args: []string{"plan", "--assume-role", "notanarn", dir}, want: "invalid --assume-role"},
		"plan with a bad session":   {args: []string{"plan", "--session-name", "x", dir}, want: "invalid --session-name"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr); code != exitError {
				t.Errorf("exit code %d, want 1\n%s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) || strings.Contains(stderr.String(), "connection") {
				t.Errorf("stderr = %q, want %q and no connection error", stderr.String(), tt.want)
			}
		})
	}
}

// TestCredsFromInProcessSandboxWarn checks that credentials issued by a
// sandbox that --sandbox starts in the command's own process come with a
// warning that they die with the command, on stderr only.
func TestCredsFromInProcessSandboxWarn(t *testing.T) {
	h := newHarness(t, "")
	state := filepath.Join(t.TempDir(), "inproc.json")
	const warning = "Warning: these credentials are those of the sandbox started in-process by --sandbox"

	r := h.mustRun(exitOK, "creds", "session-token", "--sandbox", state, "--format", "json")
	if !strings.Contains(r.stderr, warning) {
		t.Errorf("stderr lacks the warning:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout, "Warning") {
		t.Errorf("the warning is on stdout, among the credentials:\n%s", r.stdout)
	}

	r = h.mustRun(exitOK, "creds", "session-token", "--format", "json")
	if strings.Contains(r.stderr, warning) {
		t.Errorf("credentials of a separate sandbox got the warning:\n%s", r.stderr)
	}
}
