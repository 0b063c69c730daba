package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const nonUserMessage = "Must specify userName when calling with non-User credentials"

// callerClients are IAM clients that sign as each kind of caller.
type callerClients struct {
	root, rootSession, user, userSession, roleSession, federated *iam.Client
}

// newCallerClients creates the user alice, under /eng/ with a tag and an
// access key. It returns IAM clients that sign with the root key pair, a
// session token of the root user, alice's key, a session token of alice,
// a role session that alice started and a federated user that alice made.
func newCallerClients(t *testing.T, f *fixture) callerClients {
	t.Helper()
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}}))(t)
	key := must(f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))(t).AccessKey
	asAlice, aliceSTS := f.clients(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	roleARN := f.createRole(t, "deployer", trustPolicyFor("arn:aws:iam::123456789012:user/eng/alice", ""), 0)

	rootToken := must(f.sts.GetSessionToken(ctx, &sts.GetSessionTokenInput{}))(t)
	userToken := must(aliceSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{}))(t)
	role := must(aliceSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("ci")}))(t)
	federated := must(aliceSTS.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("bob")}))(t)

	cc := callerClients{root: f.iam, user: asAlice}
	cc.rootSession, _ = f.sessionClients(rootToken.Credentials)
	cc.userSession, _ = f.sessionClients(userToken.Credentials)
	cc.roleSession, _ = f.sessionClients(role.Credentials)
	cc.federated, _ = f.sessionClients(federated.Credentials)
	return cc
}

func TestGetUserWithoutName(t *testing.T) {
	f := newFixture(t, Options{})
	cc := newCallerClients(t, f)
	alice := must(f.iam.GetUser(t.Context(), &iam.GetUserInput{UserName: aws.String("alice")}))(t).User
	lastSignIn := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	f.srv.mu.Lock()
	f.srv.acct.root.passwordLastUsed = &lastSignIn
	rootUser := &types.User{UserId: aws.String(testAccount), Arn: aws.String("arn:aws:iam::123456789012:root"),
		CreateDate: aws.Time(f.srv.acct.created), PasswordLastUsed: &lastSignIn}
	f.srv.mu.Unlock()

	tests := map[string]struct {
		client *iam.Client
		want   *types.User
	}{
		"root key pair":           {client: cc.root, want: rootUser},
		"session token of root":   {client: cc.rootSession, want: rootUser},
		"user's access key":       {client: cc.user, want: alice},
		"session token of a user": {client: cc.userSession, want: alice},
		"role session":            {client: cc.roleSession},
		"federated user":          {client: cc.federated},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := tc.client.GetUser(t.Context(), &iam.GetUserInput{})
			if tc.want == nil {
				wantError(t, err, "ValidationError", 400, nonUserMessage)
				return
			}
			got := must(out, err)(t).User
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(types.User{}, types.Tag{})); diff != "" {
				t.Errorf("GetUser without UserName (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListAccessKeysWithoutName(t *testing.T) {
	f := newFixture(t, Options{})
	cc := newCallerClients(t, f)
	aliceKeys := must(f.iam.ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{UserName: aws.String("alice")}))(t).AccessKeyMetadata
	f.srv.mu.Lock()
	rootKeys := []types.AccessKeyMetadata{{AccessKeyId: aws.String(DefaultAccessKeyID), Status: types.StatusTypeActive,
		CreateDate: aws.Time(f.srv.acct.created)}}
	f.srv.mu.Unlock()

	tests := map[string]struct {
		client *iam.Client
		want   []types.AccessKeyMetadata
	}{
		"root key pair":           {client: cc.root, want: rootKeys},
		"session token of root":   {client: cc.rootSession, want: rootKeys},
		"user's access key":       {client: cc.user, want: aliceKeys},
		"session token of a user": {client: cc.userSession, want: aliceKeys},
		"role session":            {client: cc.roleSession},
		"federated user":          {client: cc.federated},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := tc.client.ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{})
			if tc.want == nil {
				wantError(t, err, "ValidationError", 400, nonUserMessage)
				return
			}
			got := must(out, err)(t).AccessKeyMetadata
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(types.AccessKeyMetadata{})); diff != "" {
				t.Errorf("ListAccessKeys without UserName (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRootAccessKeyListingHidesSecret(t *testing.T) {
	f := newFixture(t, Options{})
	keyID, secret := f.srv.Credentials()
	got := f.send(t, rawRequest{body: "Action=ListAccessKeys&Version=2010-05-08", keyID: keyID, secret: secret})
	if got.status != 200 || !strings.Contains(got.body, "<AccessKeyId>"+keyID+"</AccessKeyId>") {
		t.Fatalf("ListAccessKeys as root = %d %s, want the root key pair", got.status, got.body)
	}
	if strings.Contains(got.body, secret) || strings.Contains(got.body, "<UserName>") {
		t.Errorf("ListAccessKeys as root returns a secret or a user name: %s", got.body)
	}
}

func TestListMFADevicesWithoutName(t *testing.T) {
	f := newFixture(t, Options{})
	cc := newCallerClients(t, f)
	serial := f.enableMFA(t, "alice")
	aliceDevices := []types.MFADevice{{UserName: aws.String("alice"), SerialNumber: &serial}}

	tests := map[string]struct {
		client *iam.Client
		want   []types.MFADevice
	}{
		"root key pair":           {client: cc.root, want: []types.MFADevice{}},
		"session token of root":   {client: cc.rootSession, want: []types.MFADevice{}},
		"user's access key":       {client: cc.user, want: aliceDevices},
		"session token of a user": {client: cc.userSession, want: aliceDevices},
		"role session":            {client: cc.roleSession},
		"federated user":          {client: cc.federated},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := tc.client.ListMFADevices(t.Context(), &iam.ListMFADevicesInput{})
			if tc.want == nil {
				wantError(t, err, "ValidationError", 400, nonUserMessage)
				return
			}
			got := must(out, err)(t).MFADevices
			ignore := cmpopts.IgnoreFields(types.MFADevice{}, "EnableDate")
			if diff := cmp.Diff(tc.want, got, ignore, cmpopts.IgnoreUnexported(types.MFADevice{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ListMFADevices without UserName (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUserCredentialActionsWithoutName covers the actions that default to
// the calling user, most of which require the name from the root user.
func TestUserCredentialActionsWithoutName(t *testing.T) {
	f := newFixture(t, Options{})
	cc := newCallerClients(t, f)
	ctx := t.Context()
	ok(f.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-1")}))(t)

	getLoginProfile := func(c *iam.Client) error {
		_, err := c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
		return err
	}
	listSSHKeys := func(c *iam.Client) error {
		_, err := c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{})
		return err
	}
	listCertificates := func(c *iam.Client) error {
		_, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
		return err
	}
	nullName := "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"

	tests := map[string]struct {
		call    func(*iam.Client) error
		client  *iam.Client
		message string // empty when the call succeeds
	}{
		"GetLoginProfile by a user":                 {call: getLoginProfile, client: cc.user},
		"GetLoginProfile by a user's session":       {call: getLoginProfile, client: cc.userSession},
		"GetLoginProfile by a role session":         {call: getLoginProfile, client: cc.roleSession, message: nonUserMessage},
		"GetLoginProfile by a federated user":       {call: getLoginProfile, client: cc.federated, message: nonUserMessage},
		"GetLoginProfile by root":                   {call: getLoginProfile, client: cc.root, message: nullName},
		"ListSSHPublicKeys by a user's session":     {call: listSSHKeys, client: cc.userSession},
		"ListSSHPublicKeys by a role session":       {call: listSSHKeys, client: cc.roleSession, message: nonUserMessage},
		"ListSSHPublicKeys by root":                 {call: listSSHKeys, client: cc.root, message: nullName},
		"ListSigningCertificates by root":           {call: listCertificates, client: cc.root},
		"ListSigningCertificates by a role session": {call: listCertificates, client: cc.roleSession, message: nonUserMessage},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.call(tc.client)
			if tc.message == "" {
				ok(nil, err)(t)
				return
			}
			wantError(t, err, "ValidationError", 400, tc.message)
		})
	}
}

func TestCreateAccessKeyInSessionOfUser(t *testing.T) {
	f := newFixture(t, Options{})
	cc := newCallerClients(t, f)
	created := must(cc.userSession.CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{}))(t).AccessKey
	if got := aws.ToString(created.UserName); got != "alice" {
		t.Errorf("CreateAccessKey in alice's session token made a key of %q, want alice", got)
	}
	_, err := cc.roleSession.CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	wantError(t, err, "ValidationError", 400, nonUserMessage)
}
