package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	byteorder "encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
)

// sdkClient returns a plain IAM client of the AWS SDK for the sandbox, for
// the calls that iamsync's provider does not make, such as uploading an
// SSH public key.
func (h *harness) sdkClient() *iam.Client {
	keyID, secret := h.srv.Credentials()
	return iam.New(iam.Options{
		BaseEndpoint: aws.String(h.endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, ""),
	})
}

// callerWith returns the caller ARN of a request signed with the given key
// pair, which proves that a secret written by iamsync works.
func (h *harness) callerWith(keyID, secret string) (string, error) {
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		EndpointURL: h.endpoint, AccessKeyID: keyID, SecretAccessKey: secret, Region: "us-east-1",
	})
	if err != nil {
		return "", err
	}
	identity, err := p.CallerIdentity(context.Background())
	if err != nil {
		return "", err
	}
	return identity.ARN, nil
}

// keyPattern finds an access key as iamsync writes it: a profile of an AWS
// shared credentials file.
var keyPattern = regexp.MustCompile(`\[([^\]]+)\]\naws_access_key_id = (\w+)\naws_secret_access_key = (\S+)\n`)

// accessKeyIn returns the key id and secret written in text, failing the
// test when there is not exactly one.
func accessKeyIn(t *testing.T, user, text string) (id, secret string) {
	t.Helper()
	m := keyPattern.FindAllStringSubmatch(text, -1)
	if len(m) != 1 || m[0][1] != user {
		t.Fatalf("want one access key of user %s in:\n%s", user, text)
	}
	return m[0][2], m[0][3]
}

// checkSecretFile checks that path has mode 0600 and returns its content.
func checkSecretFile(t *testing.T, path string) string {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("secret file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("secret file %s has mode %o, want 600", path, mode)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkNoSecret fails when secret appears in any of the outputs.
func checkNoSecret(t *testing.T, secret string, outputs map[string]string) {
	t.Helper()
	for name, text := range outputs {
		if strings.Contains(text, secret) {
			t.Errorf("the secret appears in %s:\n%s", name, text)
		}
	}
}

// checkDebugLog fails unless log is a debug log, so that a check that a
// secret is not in it cannot pass on an empty log.
func checkDebugLog(t *testing.T, log string) {
	t.Helper()
	if !strings.Contains(log, "level=DEBUG") {
		t.Errorf("--log-level debug wrote no debug log:\n%s", log)
	}
}

// secretFreeOutputs runs plan with the debug log and plan --json on dir and
// returns their outputs, none of which may contain a secret.
func (h *harness) secretFreeOutputs(dir string) map[string]string {
	h.t.Helper()
	plan := h.run("plan", "--log-level", "debug", dir)
	jsonPlan := h.run("plan", "--json", dir)
	checkDebugLog(h.t, plan.stderr)
	return map[string]string{
		"the plan":      plan.stdout,
		"the debug log": plan.stderr,
		"the JSON plan": jsonPlan.stdout + jsonPlan.stderr,
	}
}

// TestAccessKeysDeclared manages a user's access keys. A new key's secret
// goes to a file with mode 0600. Then that key is kept by id and switched
// off, and a second key's secret goes to standard output. Last, the first
// key is no longer declared and is deleted. Keys of a user without an
// access_keys block are left alone, and no secret shows in a plan, the JSON
// plan or the debug log.
func TestAccessKeysDeclared(t *testing.T) {
	h := newHarness(t, "")
	users := func(keys string) string {
		return fmt.Sprintf(`user "u" {
  name = "u"

  access_keys {
%s  }
}

user "other" {
  name = "other"
}
`, keys)
	}

	// A new key, written to a file.
	dir := writeConfig(t, config(users("    key {\n      secret_file = \"u.key\"\n    }\n")))
	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", dir)
	checkGolden(t, "account/access-key-create.plan", plan.stdout)
	apply := h.mustRun(exitOK, "apply", "--auto-approve", "--log-level", "debug", dir)
	checkDebugLog(t, apply.stderr)
	firstID, firstSecret := accessKeyIn(t, "u", checkSecretFile(t, filepath.Join(dir, "u.key")))
	if arn, err := h.callerWith(firstID, firstSecret); err != nil || arn != accountARN+"user/u" {
		t.Errorf("the key in the secret file signs as %q (%v), want user u", arn, err)
	}
	outputs := h.secretFreeOutputs(dir)
	outputs["the apply output"], outputs["the apply debug log"] = apply.stdout, apply.stderr
	checkNoSecret(t, firstSecret, outputs)
	h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)

	// A key of a user that does not manage keys.
	otherKey := createKey(t, h, "other")

	// The first key is kept by id and switched off; a second key goes to
	// standard output.
	placeholders := strings.NewReplacer(firstID, "FIRST-KEY-ID")
	dir = writeConfig(t, config(users(fmt.Sprintf(`    key {
      id     = %q
      status = "Inactive"
    }

    key {
      secret_file = "-"
    }
`, firstID))))
	plan = h.mustRun(exitChanges, "plan", "--detailed-exitcode", dir)
	checkGolden(t, "account/access-key-rotate.plan", placeholders.Replace(plan.stdout))
	apply = h.mustRun(exitOK, "apply", "--auto-approve", "--log-level", "debug", dir)
	checkDebugLog(t, apply.stderr)
	secondID, secondSecret := accessKeyIn(t, "u", apply.stdout)
	if arn, err := h.callerWith(secondID, secondSecret); err != nil || arn != accountARN+"user/u" {
		t.Errorf("the key printed on standard output signs as %q (%v), want user u", arn, err)
	}
	if _, err := h.callerWith(firstID, firstSecret); err == nil {
		t.Errorf("the inactive key still signs requests")
	}
	checkNoSecret(t, secondSecret, map[string]string{"the apply debug log": apply.stderr})
	checkNoSecret(t, secondSecret, h.secretFreeOutputs(dir))
	creds, err := h.client().ReadUserCredentials(context.Background(), "u")
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]string{}
	for _, k := range creds.AccessKeys {
		statuses[k.ID] = k.Status
	}
	if want := map[string]string{firstID: "Inactive", secondID: "Active"}; fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("keys of user u = %v, want %v", statuses, want)
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)

	// Only the second key is declared now, so the first is deleted.
	placeholders = strings.NewReplacer(firstID, "FIRST-KEY-ID", secondID, "SECOND-KEY-ID")
	dir = writeConfig(t, config(users(fmt.Sprintf("    key {\n      id = %q\n    }\n", secondID))))
	plan = h.mustRun(exitChanges, "plan", "--detailed-exitcode", dir)
	checkGolden(t, "account/access-key-undeclared.plan", placeholders.Replace(plan.stdout))
	h.applyDir(dir)
	if got := userKeyIDs(t, h, "u"); fmt.Sprint(got) != fmt.Sprint([]string{secondID}) {
		t.Errorf("keys of user u = %q, want [%s]", got, secondID)
	}
	if got := userKeyIDs(t, h, "other"); fmt.Sprint(got) != fmt.Sprint([]string{otherKey}) {
		t.Errorf("keys of user other = %q, want its key %s untouched", got, otherKey)
	}
}

// TestSecretFileNeverOverwritten declares an inactive key whose secret file
// already exists. Apply stops before its first call, because IAM returns a
// secret only once and an earlier one in the file would be lost. With the
// file moved away, the key is created, switched off and its secret written.
func TestSecretFileNeverOverwritten(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, config(`user "u" {
  name = "u"

  access_keys {
    key {
      status      = "Inactive"
      secret_file = "u.key"
    }
  }
}
`))
	path := filepath.Join(dir, "u.key")
	if err := os.WriteFile(path, []byte("an earlier secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	r := h.run("apply", "--auto-approve", dir)
	if r.code != exitError || !strings.Contains(unwrap(r.stderr), "already exists") {
		t.Errorf("apply: exit code %d, want 1 with the existing secret file named:\n%s", r.code, r.stderr)
	}
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls reached the account, want none: %v", n, h.srv.Calls())
	}
	if data, _ := os.ReadFile(path); string(data) != "an earlier secret\n" {
		t.Errorf("the existing secret file was changed to %q", data)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	h.applyDir(dir)
	id, _ := accessKeyIn(t, "u", checkSecretFile(t, path))
	creds, err := h.client().ReadUserCredentials(context.Background(), "u")
	if err != nil {
		t.Fatal(err)
	}
	if len(creds.AccessKeys) != 1 || creds.AccessKeys[0].ID != id || creds.AccessKeys[0].Status != "Inactive" {
		t.Errorf("keys of user u = %+v, want the inactive key %s", creds.AccessKeys, id)
	}
}

// TestUnknownAccessKeyIDIsDiagnostic declares a key id that the user does
// not hold, which iamsync cannot create.
func TestUnknownAccessKeyIDIsDiagnostic(t *testing.T) {
	h := newHarness(t, "")
	h.applyConfig(config(`user "u" {
  name = "u"
}
`))
	dir := writeConfig(t, config(`user "u" {
  name = "u"

  access_keys {
    key {
      id = "AKIAIOSFODNN7NOTHERE"
    }
  }
}
`))
	r := h.run("plan", dir)
	if r.code != exitError || !strings.Contains(r.stderr, "Error: Access key not found") || !strings.Contains(r.stderr, "main.hcl line 5") {
		t.Errorf("plan: exit code %d, want 1 with Access key not found at main.hcl line 5:\n%s", r.code, r.stderr)
	}
}

// checkPassword checks that a generated password meets the password policy
// of TestConsoleAccess.
func checkPassword(t *testing.T, password string) {
	t.Helper()
	classes := map[string]func(rune) bool{
		"an upper-case letter": unicode.IsUpper,
		"a lower-case letter":  unicode.IsLower,
		"a digit":              unicode.IsDigit,
		"a symbol":             func(r rune) bool { return strings.ContainsRune("!@#$%^&*()_+-=[]{}|'", r) },
	}
	if len(password) < 24 {
		t.Errorf("the password has %d characters, want at least 24", len(password))
	}
	for name, isClass := range classes {
		if !strings.ContainsFunc(password, isClass) {
			t.Errorf("the password has no %s", name)
		}
	}
}

// TestConsoleAccess turns a user's console access on with a generated
// password written to a file with mode 0600, changes whether a new password
// is required, turns it off, and on again with the password on standard
// output. The password never shows in a plan or the debug log.
func TestConsoleAccess(t *testing.T) {
	h := newHarness(t, "")
	user := func(profile string) string {
		return `password_policy {
  minimum_password_length      = 24
  require_symbols              = true
  require_numbers              = true
  require_uppercase_characters = true
  require_lowercase_characters = true
}

user "u" {
  name = "u"

  login_profile {
` + profile + `  }
}
`
	}
	liveProfile := func() *provider.LoginProfile {
		t.Helper()
		creds, err := h.client().ReadUserCredentials(context.Background(), "u")
		if err != nil {
			t.Fatal(err)
		}
		return creds.LoginProfile
	}

	dir := writeConfig(t, config(user("    password_file           = \"u.password\"\n    password_reset_required = true\n")))
	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", dir)
	checkGolden(t, "account/console-access-on.plan", plan.stdout)
	apply := h.mustRun(exitOK, "apply", "--auto-approve", "--log-level", "debug", dir)
	checkDebugLog(t, apply.stderr)
	text := checkSecretFile(t, filepath.Join(dir, "u.password"))
	password := strings.TrimSuffix(text, "\n")
	if strings.ContainsAny(password, "\n ") {
		t.Fatalf("the password file contains more than the password: %q", text)
	}
	checkPassword(t, password)
	outputs := h.secretFreeOutputs(dir)
	outputs["the apply output"], outputs["the apply debug log"] = apply.stdout, apply.stderr
	checkNoSecret(t, password, outputs)
	if lp := liveProfile(); lp == nil || !lp.PasswordResetRequired {
		t.Errorf("login profile = %+v, want one that requires a new password", lp)
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)

	h.change("console-access-no-reset.plan", config(user("    password_file           = \"u.password\"\n    password_reset_required = false\n")))
	if lp := liveProfile(); lp == nil || lp.PasswordResetRequired {
		t.Errorf("login profile = %+v, want one that does not require a new password", lp)
	}

	h.change("console-access-off.plan", config(user("    enabled = false\n")))
	if lp := liveProfile(); lp != nil {
		t.Errorf("login profile = %+v, want none", lp)
	}

	dir = writeConfig(t, config(user("    password_file = \"-\"\n")))
	h.mustRun(exitChanges, "plan", "--detailed-exitcode", dir)
	apply = h.mustRun(exitOK, "apply", "--auto-approve", "--log-level", "debug", dir)
	checkDebugLog(t, apply.stderr)
	m := regexp.MustCompile(`\[u\]\nconsole_password = (\S+)\n`).FindStringSubmatch(apply.stdout)
	if m == nil {
		t.Fatalf("apply printed no password:\n%s", apply.stdout)
	}
	checkPassword(t, m[1])
	checkNoSecret(t, m[1], map[string]string{"the apply debug log": apply.stderr})
	if lp := liveProfile(); lp == nil {
		t.Errorf("console access was not turned on again")
	}
}

// testSSHKey returns a new ed25519 public key in OpenSSH format.
func testSSHKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var blob []byte
	for _, field := range [][]byte{[]byte("ssh-ed25519"), pub} {
		blob = byteorder.BigEndian.AppendUint32(blob, uint32(len(field)))
		blob = append(blob, field...)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " test@iamsync"
}

// testCertificate returns a new self-signed certificate in PEM form.
func testCertificate(t *testing.T) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "iamsync test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// userHoldings are the things IAM rejects DeleteUser for, each
// added to a user behind iamsync's back with the SDK.
var userHoldings = map[string]func(ctx context.Context, t *testing.T, c *iam.Client, user string) error{
	"login profile": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: &user, Password: aws.String("Correct-Horse-Battery-9")})
		return err
	},
	"access keys": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		for range 2 {
			if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &user}); err != nil {
				return err
			}
		}
		return nil
	},
	"signing certificate": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: &user, CertificateBody: aws.String(testCertificate(t))})
		return err
	},
	"SSH public key": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: &user, SSHPublicKeyBody: aws.String(testSSHKey(t))})
		return err
	},
	"service-specific credential": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: &user, ServiceName: aws.String("codecommit.amazonaws.com")})
		return err
	},
	"virtual MFA device": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		device, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(user)})
		if err != nil {
			return err
		}
		_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
			UserName: &user, SerialNumber: device.VirtualMFADevice.SerialNumber,
			AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321"),
		})
		return err
	},
	"hardware MFA device": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
			UserName: &user, SerialNumber: aws.String("GAHT" + strings.ToUpper(user) + "0001"),
			AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321"),
		})
		return err
	},
	"inline policy": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
			UserName: &user, PolicyName: aws.String("read"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		})
		return err
	},
	"attached policy": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &user, PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		return err
	},
	"group membership": func(ctx context.Context, t *testing.T, c *iam.Client, user string) error {
		_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: &user, GroupName: aws.String("staff")})
		return err
	},
}

// TestDeleteUserRemovesDependents gives a user, behind iamsync's back,
// each thing that IAM rejects DeleteUser for, checks that the sandbox
// rejects DeleteUser then, and applies a configuration without the
// user, which must delete it. Virtual MFA devices must be gone too, because
// a leftover device takes the name that a later user's device would get.
func TestDeleteUserRemovesDependents(t *testing.T) {
	group := "group \"staff\" {\n  name = \"staff\"\n}\n"
	withUser := config(group + "\nuser \"u\" {\n  name = \"u\"\n}\n")
	ctx := context.Background()

	run := func(t *testing.T, holdings []string) *harness {
		h := newHarness(t, "")
		h.applyConfig(withUser)
		client := h.sdkClient()
		for _, name := range holdings {
			if err := userHoldings[name](ctx, t, client, "u"); err != nil {
				t.Fatalf("give user u a %s: %v", name, err)
			}
		}
		if _, err := client.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u")}); provider.ErrorCode(err) != provider.CodeDeleteConflict {
			t.Fatalf("DeleteUser of a user with a %s: %v, want DeleteConflict", strings.Join(holdings, ", "), err)
		}
		return h
	}
	check := func(t *testing.T, h *harness) {
		t.Helper()
		if h.readState().User("u") != nil {
			t.Errorf("user u is still in the account")
		}
		devices, err := h.sdkClient().ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range devices.VirtualMFADevices {
			t.Errorf("virtual MFA device %s is left", aws.ToString(d.SerialNumber))
		}
	}

	var all []string
	for name := range userHoldings {
		all = append(all, name)
		t.Run(name, func(t *testing.T) {
			h := run(t, []string{name})
			h.applyConfig(config(group))
			check(t, h)
		})
	}

	t.Run("everything at once", func(t *testing.T) {
		h := run(t, all)
		h.change("user-delete-everything.plan", config(group))
		check(t, h)
	})
}

// giveCredentials gives users, behind iamsync's back, the credentials that
// GetAccountAuthorizationDetails does not show: login profile, access keys,
// MFA devices, SSH key, signing certificate and service-specific
// credential. The first user gets every kind and the others one kind each,
// in turn, because the sandbox saves its state file after every change,
// which makes each call on a large account slow.
func giveCredentials(t *testing.T, h *harness, users []*provider.User) {
	t.Helper()
	kinds := []string{"login profile", "access keys", "signing certificate", "SSH public key",
		"service-specific credential", "virtual MFA device", "hardware MFA device"}
	ctx := context.Background()
	client := h.sdkClient()
	for i, u := range users {
		given := kinds[i%len(kinds) : i%len(kinds)+1]
		if i == 0 {
			given = kinds
		}
		for _, kind := range given {
			if err := userHoldings[kind](ctx, t, client, u.Name); err != nil {
				t.Fatalf("give user %s a %s: %v", u.Name, kind, err)
			}
		}
	}
}
