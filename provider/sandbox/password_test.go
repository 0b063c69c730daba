package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const alicePassword = "Correct-Horse-1"

func TestChangePassword(t *testing.T) {
	tests := map[string]struct {
		// caller picks the client that calls ChangePassword.
		caller      func(cc callerClients) *iam.Client
		old, new    string
		policy      *iam.UpdateAccountPasswordPolicyInput
		noProfile   bool
		code        string // empty when the call succeeds
		status      int
		message     string
		messagePart string
	}{
		"by the user":                    {caller: func(cc callerClients) *iam.Client { return cc.user }, old: alicePassword, new: "Battery-Staple-2"},
		"in a session token of the user": {caller: func(cc callerClients) *iam.Client { return cc.userSession }, old: alicePassword, new: "Battery-Staple-2"},
		"wrong old password": {caller: func(cc callerClients) *iam.Client { return cc.user }, old: "Wrong-Horse-1", new: "Battery-Staple-2",
			code: "AccessDenied", status: 403, message: "The old password is incorrect."},
		"new password breaks the default policy": {caller: func(cc callerClients) *iam.Client { return cc.user }, old: alicePassword, new: "short",
			code: "PasswordPolicyViolation", status: 400, messagePart: "Password should have at least 8 characters"},
		"new password breaks the account's policy": {caller: func(cc callerClients) *iam.Client { return cc.user }, old: alicePassword, new: "Battery-Staple-2",
			policy: &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(20)},
			code:   "PasswordPolicyViolation", status: 400, message: "Password should have at least 20 characters"},
		"user without a login profile": {caller: func(cc callerClients) *iam.Client { return cc.user }, old: alicePassword, new: "Battery-Staple-2",
			noProfile: true, code: "NoSuchEntity", status: 404, message: "Login Profile for User alice cannot be found."},
		"root user":      {caller: func(cc callerClients) *iam.Client { return cc.root }, old: alicePassword, new: "Battery-Staple-2", code: "InvalidUserType", status: 400},
		"role session":   {caller: func(cc callerClients) *iam.Client { return cc.roleSession }, old: alicePassword, new: "Battery-Staple-2", code: "InvalidUserType", status: 400},
		"federated user": {caller: func(cc callerClients) *iam.Client { return cc.federated }, old: alicePassword, new: "Battery-Staple-2", code: "InvalidUserType", status: 400},
		"empty new password": {caller: func(cc callerClients) *iam.Client { return cc.user }, old: alicePassword, new: "", code: "ValidationError", status: 400,
			message: "1 validation error detected: Value '' at 'newPassword' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			ctx := t.Context()
			cc := newCallerClients(t, f)
			if !tc.noProfile {
				ok(f.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(alicePassword),
					PasswordResetRequired: true}))(t)
			}
			if tc.policy != nil {
				ok(f.iam.UpdateAccountPasswordPolicy(ctx, tc.policy))(t)
			}

			_, err := tc.caller(cc).ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(tc.old), NewPassword: aws.String(tc.new)})
			if tc.code != "" {
				wantError(t, err, tc.code, tc.status, tc.message)
				if err != nil && !strings.Contains(err.Error(), tc.messagePart) {
					t.Errorf("error %v, want a message with %q", err, tc.messagePart)
				}
				return
			}
			ok(nil, err)(t)

			// The new password replaced the old one, and is no longer to be reset.
			_, err = cc.user.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(tc.old), NewPassword: aws.String("Third-Time-3")})
			wantError(t, err, "AccessDenied", 403, "The old password is incorrect.")
			ok(cc.user.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(tc.new), NewPassword: aws.String("Third-Time-3")}))(t)
			profile := must(f.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("alice")}))(t).LoginProfile
			if profile.PasswordResetRequired {
				t.Error("PasswordResetRequired is still set after ChangePassword")
			}
		})
	}
}

func TestChangePasswordAfterUpdateLoginProfile(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	cc := newCallerClients(t, f)
	ok(f.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(alicePassword)}))(t)
	ok(f.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Reset-By-Admin-4")}))(t)

	_, err := cc.user.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(alicePassword), NewPassword: aws.String("Battery-Staple-2")})
	wantError(t, err, "AccessDenied", 403, "The old password is incorrect.")
	ok(cc.user.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String("Reset-By-Admin-4"), NewPassword: aws.String("Battery-Staple-2")}))(t)
}

// TestPasswordInStateFile checks that the state file keeps a hash of the
// password, not the password. A login profile without a hash, as in a dump
// of a real account, accepts no old password until UpdateLoginProfile sets
// a new password.
func TestPasswordInStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newFixture(t, Options{StatePath: path})
	populate(t, first)
	first.close(t)
	data := string(must(os.ReadFile(path))(t))
	if strings.Contains(data, alicePassword) || !strings.Contains(data, `"PasswordHash": "pbkdf2-sha256$`) {
		t.Fatalf("state file holds the password or no hash of it")
	}

	// The hash survives a restart.
	second := newFixture(t, Options{StatePath: path})
	key := must(second.iam.CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))(t).AccessKey
	asAlice, _ := second.clients(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	ok(asAlice.ChangePassword(t.Context(), &iam.ChangePasswordInput{OldPassword: aws.String(alicePassword), NewPassword: aws.String("Battery-Staple-2")}))(t)
	second.close(t)

	// Without a hash, no old password matches.
	start := strings.Index(data, `"PasswordHash": "`)
	end := start + len(`"PasswordHash": "`) + strings.Index(data[start+len(`"PasswordHash": "`):], `"`) + 1
	withoutHash := strings.Replace(data, data[start:end], `"PasswordHash": ""`, 1)
	dumpPath := filepath.Join(t.TempDir(), "dump.json")
	if err := os.WriteFile(dumpPath, []byte(withoutHash), 0o600); err != nil {
		t.Fatal(err)
	}
	dump := newFixture(t, Options{StatePath: dumpPath})
	key = must(dump.iam.CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))(t).AccessKey
	asAlice, _ = dump.clients(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	_, err := asAlice.ChangePassword(t.Context(), &iam.ChangePasswordInput{OldPassword: aws.String(alicePassword), NewPassword: aws.String("Battery-Staple-2")})
	wantError(t, err, "AccessDenied", 403, "The old password is incorrect.")
	ok(dump.iam.UpdateLoginProfile(t.Context(), &iam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Reset-By-Admin-4")}))(t)
	ok(asAlice.ChangePassword(t.Context(), &iam.ChangePasswordInput{OldPassword: aws.String("Reset-By-Admin-4"), NewPassword: aws.String("Battery-Staple-2")}))(t)
}
