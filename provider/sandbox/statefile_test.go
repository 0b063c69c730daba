package sandbox

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// populate fills an account with one of everything the state file keeps.
// It returns the access key it created.
func populate(t *testing.T, f *fixture) types.AccessKey {
	t.Helper()
	ctx := t.Context()
	c := f.iam
	policyARN := must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), Path: aws.String("/ci/"),
		PolicyDocument: aws.String(allowAllDocument), Description: aws.String("desc"),
		Tags: []types.Tag{{Key: aws.String("pk"), Value: aws.String("pv")}}}))(t).Policy.Arn
	ok(c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: policyARN, PolicyDocument: aws.String("{\n \"Statement\": {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}\n}"), SetAsDefault: true}))(t)

	ok(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/people/"), PermissionsBoundary: policyARN,
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops + dev")}}}))(t)
	key := must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))(t).AccessKey
	ok(c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-1"), PasswordResetRequired: true}))(t)
	serial := must(c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")}))(t).VirtualMFADevice.SerialNumber
	ok(c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: serial, AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("234567")}))(t)
	ok(c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("spare"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))(t)
	ok(c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("alice"), SSHPublicKeyBody: aws.String(testSSHKey(t))}))(t)
	ok(c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("alice"), CertificateBody: aws.String(testCertificate(t))}))(t)
	ok(c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("alice"), ServiceName: aws.String("codecommit.amazonaws.com")}))(t)
	ok(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("inline"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a&b<c>"}]}`)}))(t)
	ok(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)

	ok(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")}))(t)
	ok(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("alice")}))(t)
	ok(c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: policyARN}))(t)

	ok(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trustEC2Document),
		Description: aws.String("the app"), MaxSessionDuration: aws.Int32(7200)}))(t)
	ok(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))(t)
	ok(c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app"), RoleName: aws.String("app")}))(t)
	ok(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("empty")}))(t)

	ok(c.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme")}))(t)
	ok(c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(12), MaxPasswordAge: aws.Int32(90)}))(t)
	return *key
}

// snapshot reads everything that a restart must keep, through the API.
func snapshot(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	ctx := t.Context()
	c := f.iam
	alice := aws.String("alice")
	return map[string]any{
		"details":          readDetails(t, f, iam.GetAccountAuthorizationDetailsInput{}),
		"roles":            must(c.ListRoles(ctx, &iam.ListRolesInput{}))(t).Roles,
		"instanceProfiles": must(c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{}))(t).InstanceProfiles,
		"profileTags":      must(c.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("app")}))(t).Tags,
		"policyTags":       must(c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/ci/p")}))(t).Tags,
		"accessKeys":       must(c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: alice}))(t).AccessKeyMetadata,
		"loginProfile":     must(c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: alice}))(t).LoginProfile,
		"mfaDevices":       must(c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: alice}))(t).MFADevices,
		"virtualMFA":       must(c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{}))(t).VirtualMFADevices,
		"sshKeys":          must(c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: alice}))(t).SSHPublicKeys,
		"certificates":     must(c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: alice}))(t).Certificates,
		"serviceCreds":     must(c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: alice}))(t).ServiceSpecificCredentials,
		"aliases":          must(c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{}))(t).AccountAliases,
		"passwordPolicy":   must(c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}))(t).PasswordPolicy,
		"summary":          must(c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap,
	}
}

func TestStateFileSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newFixture(t, Options{StatePath: path})
	key := populate(t, first)
	before := snapshot(t, first)
	first.close(t)

	second := newFixture(t, Options{StatePath: path})
	after := snapshot(t, second)
	exportAll := cmp.Exporter(func(reflect.Type) bool { return true })
	if diff := cmp.Diff(before, after, exportAll, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("account after restart (-before +after):\n%s", diff)
	}

	// The user's access key still signs requests.
	_, asAlice := second.clients(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	me := must(asAlice.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}))(t)
	if !strings.HasSuffix(aws.ToString(me.Arn), ":user/people/alice") {
		t.Errorf("caller after restart = %s, want alice", aws.ToString(me.Arn))
	}

	// New ids do not repeat old ones, and the new policy version follows.
	v := must(second.iam.CreatePolicyVersion(t.Context(), &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/ci/p"), PolicyDocument: aws.String(allowAllDocument)}))(t)
	if got := aws.ToString(v.PolicyVersion.VersionId); got != "v3" {
		t.Errorf("version after restart = %s, want v3", got)
	}
}

func TestStateFileFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f := newFixture(t, Options{StatePath: path})
	populate(t, f)

	info := must(os.Stat(path))(t)
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("state file mode = %o, want 600 because it holds secret keys", perm)
	}
	var names []string
	for _, e := range must(os.ReadDir(filepath.Dir(path)))(t) {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"state.json", "state.json.lock"}, names); diff != "" {
		t.Errorf("state directory holds other files than the state file and its lock, such as temporary files (-want +got):\n%s", diff)
	}

	var raw map[string]json.RawMessage
	data := must(os.ReadFile(path))(t)
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("state file is not JSON: %v", err)
	}
	for _, k := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "AccountId", "AccountAliases", "PasswordPolicy", "InstanceProfiles", "VirtualMFADevices"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("state file lacks key %s", k)
		}
	}

	// A compact document is written as an object; one with white space is
	// written URL-encoded, so that its text survives exactly.
	text := string(data)
	if !strings.Contains(text, `"PolicyDocument": {`) {
		t.Errorf("compact inline policy is not written as a JSON object")
	}
	if !strings.Contains(text, `"%7B%0A%20%22Statement%22`) {
		t.Errorf("document with white space is not written URL-encoded")
	}
	if !strings.Contains(text, `"arn:aws:s3:::a&b<c>"`) {
		t.Errorf("document is HTML-escaped in the state file")
	}
}

// TestStateFileIsReplacedAtomically reads the file while writes happen:
// every read must see a whole JSON document.
func TestStateFileIsReplacedAtomically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f := newFixture(t, Options{StatePath: path})
	ok(f.iam.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 40; i++ {
			name := aws.String("u" + strings.Repeat("x", i))
			if _, err := f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: name}); err != nil {
				t.Errorf("CreateUser: %v", err)
			}
		}
		close(done)
	}()
	reads := 0
	for {
		select {
		case <-done:
			wg.Wait()
			if reads == 0 {
				t.Errorf("read the state file 0 times during the writes")
			}
			return
		default:
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read state file: %v", err)
		}
		if !json.Valid(data) {
			t.Fatalf("state file is not whole JSON while written (%d bytes)", len(data))
		}
		reads++
	}
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()

	// A file that does not exist yet is an empty account.
	f := newFixture(t, Options{StatePath: filepath.Join(dir, "new.json")})
	if users := must(f.iam.ListUsers(t.Context(), &iam.ListUsersInput{}))(t).Users; len(users) != 0 {
		t.Errorf("new account has %d users", len(users))
	}

	// A malformed file is an error of New, naming the file.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"UserDetailList": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StatePath: bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("New with a malformed state file = %v, want an error naming it", err)
	}

	// An empty file is not JSON, which is an error too, and the file stays
	// empty.
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StatePath: empty}); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("New with an empty state file = %v, want an error naming it", err)
	}
	if data := must(os.ReadFile(empty))(t); len(data) != 0 {
		t.Errorf("empty state file changed to %q", data)
	}

	// A reference to a policy that is nowhere is an error.
	dangling := filepath.Join(dir, "dangling.json")
	doc := `{"UserDetailList":[{"UserName":"u","UserId":"AIDAX","Path":"/","CreateDate":"2023-03-09 10:41:45+00:00",
		"AttachedManagedPolicies":[{"PolicyName":"gone","PolicyArn":"arn:aws:iam::123456789012:policy/gone"}]}]}`
	if err := os.WriteFile(dangling, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StatePath: dangling}); err == nil || !strings.Contains(err.Error(), "policy/gone") {
		t.Errorf("New with a dangling attachment = %v, want an error naming the policy", err)
	}
}

func TestParseFlexTime(t *testing.T) {
	tests := map[string]string{
		"2023-03-09 10:41:45+00:00":   "2023-03-09T10:41:45Z",
		"2023-01-11T11:56:48+00:00":   "2023-01-11T11:56:48Z",
		"2015-02-06T18:39:46.000Z":    "2015-02-06T18:39:46Z",
		"2019-12-18 19:10:08.5+01:00": "2019-12-18T18:10:08Z",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			got, err := parseFlexTime(in)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format("2006-01-02T15:04:05Z"); s != want {
				t.Errorf("parseFlexTime(%q) = %s, want %s", in, s, want)
			}
		})
	}
	if _, err := parseFlexTime("yesterday"); err == nil {
		t.Errorf("parseFlexTime(yesterday) = no error")
	}
}

// TestStateFileSaveInterval checks that with a save interval, a change
// reaches the state file after the interval rather than with its response,
// and that Close writes a pending change.
func TestStateFileSaveInterval(t *testing.T) {
	userInFile := func(path, name string) bool {
		data, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		return strings.Contains(string(data), `"UserName": "`+name+`"`)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	f := newFixture(t, Options{StatePath: path, SaveInterval: 200 * time.Millisecond})

	must(f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("first")}))(t)
	if userInFile(path, "first") {
		t.Error("the change is in the file as soon as it is answered")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !userInFile(path, "first") {
		if time.Now().After(deadline) {
			t.Fatal("the change is not in the file 5 s after the interval began")
		}
		time.Sleep(20 * time.Millisecond)
	}

	must(f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("second")}))(t)
	f.close(t)
	if !userInFile(path, "second") {
		t.Error("Close left a waiting change out of the file")
	}
}

// TestStateFileNotAnAccount gives New JSON files that are not accounts,
// such as the output of other AWS CLI commands. Each must be an error
// that names the file and what it holds, and the file must stay as it was,
// because loading it as an empty account would overwrite it with the next
// change.
func TestStateFileNotAnAccount(t *testing.T) {
	tests := map[string]struct {
		content      string
		wantKind     string
		wantKeys     []string
		policiesOnly bool
		wantText     string
	}{
		"list-users output": {
			content:  `{"Users": [{"UserName": "alice", "UserId": "AIDAEXAMPLE", "Path": "/"}], "IsTruncated": false}`,
			wantKind: "object",
			wantKeys: []string{"IsTruncated", "Users"},
			wantText: `the top-level keys are "IsTruncated", "Users", but an account dump has UserDetailList, GroupDetailList, RoleDetailList or Policies`,
		},
		"empty list-policies output": {
			content:      `{"Policies": []}`,
			wantKind:     "object",
			wantKeys:     []string{"Policies"},
			policiesOnly: true,
			wantText:     `its only list is Policies, and no policy has a PolicyVersionList`,
		},
		"list-policies output": {
			content:      `{"Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::123456789012:policy/P", "DefaultVersionId": "v1"}]}`,
			wantKind:     "object",
			wantKeys:     []string{"Policies"},
			policiesOnly: true,
			wantText:     `as in the output of "aws iam list-policies"`,
		},
		"list-account-aliases output": {
			content:  `{"AccountAliases": ["acme-prod"], "IsTruncated": false}`,
			wantKind: "object",
			wantKeys: []string{"AccountAliases", "IsTruncated"},
			wantText: `the top-level keys are "AccountAliases", "IsTruncated", but`,
		},
		"get-account-password-policy output": {
			content:  `{"PasswordPolicy": {"MinimumPasswordLength": 14}}`,
			wantKind: "object",
			wantKeys: []string{"PasswordPolicy"},
			wantText: `the only top-level key is "PasswordPolicy", but`,
		},
		"unrelated object": {
			content:  `{"foo": 1}`,
			wantKind: "object",
			wantKeys: []string{"foo"},
			wantText: `the only top-level key is "foo", but`,
		},
		"object with many keys": {
			content:  `{"g": 1, "f": 1, "e": 1, "d": 1, "c": 1, "b": 1, "a": 1}`,
			wantKind: "object",
			wantKeys: []string{"a", "b", "c", "d", "e", "f", "g"},
			wantText: `the top-level keys are "a", "b", "c", "d", "e" and 2 more, but`,
		},
		"list-users query output": {
			content:  `[{"UserName": "alice"}]`,
			wantKind: "array",
			wantText: "the file contains a JSON array, but an account dump is a JSON object",
		},
		"null": {
			content:  "null\n",
			wantKind: "null",
			wantText: "the file contains JSON null, but",
		},
		"boolean": {
			content:  "true",
			wantKind: "boolean",
			wantText: "the file contains a JSON boolean, but",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "users.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}

			srv, err := New(Options{StatePath: path})
			if err == nil {
				srv.Close()
				t.Fatal("New = no error, want the file rejected")
			}
			var notState *NotStateFileError
			if !errors.As(err, &notState) {
				t.Fatalf("New error = %v, want a *NotStateFileError", err)
			}
			if diff := cmp.Diff(&NotStateFileError{Kind: tt.wantKind, Keys: tt.wantKeys, PoliciesOnly: tt.policiesOnly}, notState); diff != "" {
				t.Errorf("NotStateFileError (-want +got):\n%s", diff)
			}
			for _, want := range []string{path, `not in the format of "aws iam get-account-authorization-details" output`, tt.wantText} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("New error = %q, want it to contain %q", err, want)
				}
			}

			// The rejected file is left as it was, and nothing is written
			// beside it but the lock file.
			if got := string(must(os.ReadFile(path))(t)); got != tt.content {
				t.Errorf("rejected file changed to %q", got)
			}
			var names []string
			for _, e := range must(os.ReadDir(dir))(t) {
				names = append(names, e.Name())
			}
			if diff := cmp.Diff([]string{"users.json", "users.json.lock"}, names); diff != "" {
				t.Errorf("directory of the rejected file (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStateFileAccounts gives New small files that are accounts: each has
// at least one key of the format, or none at all.
func TestStateFileAccounts(t *testing.T) {
	tests := map[string]struct {
		content     string
		wantAccount string
	}{
		"empty object":              {content: `{}`, wantAccount: DefaultAccountID},
		"empty list of a dump":      {content: `{"RoleDetailList": []}`, wantAccount: DefaultAccountID},
		"null list of a dump":       {content: `{"UserDetailList": null}`, wantAccount: DefaultAccountID},
		"key in other case":         {content: `{"userdetaillist": null}`, wantAccount: DefaultAccountID},
		"sandbox key beside a list": {content: `{"AccountId": "111122223333", "RoleDetailList": []}`, wantAccount: "111122223333"},
		"dump key beside unknown":   {content: `{"RoleDetailList": [], "IsTruncated": false}`, wantAccount: DefaultAccountID},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, Options{StatePath: path})
			if got := f.srv.AccountID(); got != tt.wantAccount {
				t.Errorf("account = %s, want %s", got, tt.wantAccount)
			}
			if users := must(f.iam.ListUsers(t.Context(), &iam.ListUsersInput{}))(t).Users; len(users) != 0 {
				t.Errorf("account has %d users, want none", len(users))
			}
		})
	}
}

// TestStateFileEmptyAccountReloads checks that the state file of an empty
// account, as the sandbox writes it, loads again.
func TestStateFileEmptyAccountReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newFixture(t, Options{StatePath: path})
	ok(first.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("alice")}))(t)
	ok(first.iam.DeleteUser(t.Context(), &iam.DeleteUserInput{UserName: aws.String("alice")}))(t)
	first.close(t)

	if err := CheckStateFile(must(os.ReadFile(path))(t)); err != nil {
		t.Errorf("CheckStateFile of the empty account's file = %v", err)
	}
	second := newFixture(t, Options{StatePath: path})
	if users := must(second.iam.ListUsers(t.Context(), &iam.ListUsersInput{}))(t).Users; len(users) != 0 {
		t.Errorf("reloaded account has %d users, want none", len(users))
	}
}

// TestTruncatedDumpRefused loads dumps that are one page of a paged
// GetAccountAuthorizationDetails result, as IAM and the AWS CLI mark them.
// Both New and CheckStateFile refuse them, because an account made from
// one page lacks the entities of the others.
func TestTruncatedDumpRefused(t *testing.T) {
	tests := map[string]struct {
		content string
		wantKey string
	}{
		"IsTruncated":             {`{"UserDetailList": [], "IsTruncated": true, "Marker": "abc"}`, "IsTruncated"},
		"CLI NextToken":           {`{"RoleDetailList": [], "NextToken": "eyJNYXJrZXIiOiBudWxsfQ=="}`, "NextToken"},
		"Marker alone":            {`{"GroupDetailList": [], "Marker": "abc"}`, "Marker"},
		"policies with a token":   {`{"Policies": [{"PolicyName": "p", "PolicyVersionList": []}], "NextToken": "x"}`, "NextToken"},
		"IsTruncated as a string": {`{"UserDetailList": [], "IsTruncated": "true"}`, "IsTruncated"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var truncated *TruncatedDumpError
			if err := CheckStateFile([]byte(tt.content)); !errors.As(err, &truncated) || truncated.Key != tt.wantKey {
				t.Errorf("CheckStateFile = %v, want a *TruncatedDumpError for %s", err, tt.wantKey)
			}
			path := filepath.Join(t.TempDir(), "dump.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			srv, err := New(Options{StatePath: path})
			if err == nil {
				srv.Close()
				t.Fatal("New = no error, want the page refused")
			}
			if !errors.As(err, &truncated) || !strings.Contains(err.Error(), "one page of a longer") {
				t.Errorf("New error = %v, want a *TruncatedDumpError", err)
			}
		})
	}

	// A whole result, with IsTruncated false, loads.
	if err := CheckStateFile([]byte(`{"UserDetailList": [], "IsTruncated": false}`)); err != nil {
		t.Errorf("CheckStateFile of a whole result = %v", err)
	}
}
