package sandbox

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

const testAccount = "123456789012"

// trustPolicyFor returns a trust policy of one Allow statement for
// sts:AssumeRole and sts:TagSession by the AWS principal, with an optional
// Condition element given as JSON.
func trustPolicyFor(principal, condition string) string {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal +
		`"},"Action":["sts:AssumeRole","sts:TagSession"]`
	if condition != "" {
		doc += `,"Condition":` + condition
	}
	return doc + `}]}`
}

// createRole creates a role with the trust policy and returns its ARN.
func (f *fixture) createRole(t *testing.T, name, trust string, maxSession int32) string {
	t.Helper()
	in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
	if maxSession > 0 {
		in.MaxSessionDuration = aws.Int32(maxSession)
	}
	return aws.ToString(must(f.iam.CreateRole(t.Context(), in))(t).Role.Arn)
}

// userSTS creates a user with an access key and returns an STS client
// that signs as the user.
func (f *fixture) userSTS(t *testing.T, name string) *sts.Client {
	t.Helper()
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))(t)
	key := must(f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)}))(t).AccessKey
	_, client := f.clients(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	return client
}

// enableMFA gives the user a virtual MFA device and returns its serial
// number.
func (f *fixture) enableMFA(t *testing.T, userName string) string {
	t.Helper()
	ctx := t.Context()
	device := must(f.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(userName)}))(t)
	serial := device.VirtualMFADevice.SerialNumber
	ok(f.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(userName), SerialNumber: serial,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}))(t)
	return aws.ToString(serial)
}

// sessionClients returns IAM and STS clients that sign with temporary
// credentials.
func (f *fixture) sessionClients(creds *ststypes.Credentials) (*iam.Client, *sts.Client) {
	cfg := aws.Config{
		Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(creds.AccessKeyId),
			aws.ToString(creds.SecretAccessKey), aws.ToString(creds.SessionToken)),
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	}
	iamClient := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(f.url) })
	stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(f.url) })
	return iamClient, stsClient
}

// expireSession makes the temporary credentials with the key id expire.
func (f *fixture) expireSession(accessKeyID string) {
	f.srv.mu.Lock()
	defer f.srv.mu.Unlock()
	f.srv.acct.sessions[accessKeyID].expires = time.Now().Add(-time.Second)
}

func TestAssumeRoleIssuesWorkingCredentials(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	roleARN := f.createRole(t, "deployer", trustPolicyFor("arn:aws:iam::123456789012:user/alice", ""), 0)

	out := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("ci")}))(t)
	creds := out.Credentials
	if id := aws.ToString(creds.AccessKeyId); !strings.HasPrefix(id, "ASIA") || len(id) != 20 {
		t.Errorf("AccessKeyId = %s, want ASIA and 16 more characters", id)
	}
	if aws.ToString(creds.SecretAccessKey) == "" || aws.ToString(creds.SessionToken) == "" {
		t.Error("credentials have no secret or no session token")
	}
	if got := time.Until(aws.ToTime(creds.Expiration)); got < 59*time.Minute || got > 61*time.Minute {
		t.Errorf("credentials expire in %s, want the default of one hour", got)
	}
	wantARN := "arn:aws:sts::123456789012:assumed-role/deployer/ci"
	if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") ||
		!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":ci") {
		t.Errorf("AssumedRoleUser = %s %s", aws.ToString(out.AssumedRoleUser.Arn), aws.ToString(out.AssumedRoleUser.AssumedRoleId))
	}
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize = %d without policy or tags, want none", *out.PackedPolicySize)
	}

	// The credentials sign STS and IAM requests as the role session.
	asRoleIAM, asRole := f.sessionClients(creds)
	me := must(asRole.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(me.Arn) != wantARN || aws.ToString(me.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) || aws.ToString(me.Account) != testAccount {
		t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(me.Arn), aws.ToString(me.UserId), aws.ToString(me.Account))
	}
	ok(asRoleIAM.ListUsers(ctx, &iam.ListUsersInput{}))(t)

	// The role's last use is recorded.
	role := must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")}))(t).Role
	if role.RoleLastUsed == nil || role.RoleLastUsed.LastUsedDate == nil || aws.ToString(role.RoleLastUsed.Region) != "us-east-1" {
		t.Errorf("RoleLastUsed = %+v, want a date and us-east-1", role.RoleLastUsed)
	}
}

func TestAssumeRoleDenials(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	f.userSTS(t, "bob")
	const bobOnly = "arn:aws:iam::123456789012:role/bob-only"
	f.createRole(t, "bob-only", trustPolicyFor("arn:aws:iam::123456789012:user/bob", ""), 0)
	f.createRole(t, "ec2", trustEC2Document, 0)
	denyAlice := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"},` +
		`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:*"}]}`
	f.createRole(t, "deny-alice", denyAlice, 0)

	cases := map[string]struct {
		roleARN string
		message string
	}{
		"trust names another user": {bobOnly,
			"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: " + bobOnly},
		"trust names a service only": {"arn:aws:iam::123456789012:role/ec2", ""},
		"explicit deny wins":         {"arn:aws:iam::123456789012:role/deny-alice", ""},
		"role does not exist": {"arn:aws:iam::123456789012:role/nothing",
			"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/nothing"},
		"role in another path": {"arn:aws:iam::123456789012:role/ops/bob-only", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tc.roleARN), RoleSessionName: aws.String("s1")})
			wantError(t, err, "AccessDenied", 403, tc.message)
		})
	}

	// The root user may not assume roles at all, not even with a session
	// token.
	_, err := f.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(bobOnly), RoleSessionName: aws.String("s1")})
	wantError(t, err, "AccessDenied", 403, "Roles may not be assumed by root accounts.")
	rootToken := must(f.sts.GetSessionToken(ctx, &sts.GetSessionTokenInput{}))(t)
	_, asRootSession := f.sessionClients(rootToken.Credentials)
	_, err = asRootSession.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(bobOnly), RoleSessionName: aws.String("s1")})
	wantError(t, err, "AccessDenied", 403, "Roles may not be assumed by root accounts.")
}

func TestAssumeRoleAccountPrincipal(t *testing.T) {
	f := newFixture(t, Options{})
	alice := f.userSTS(t, "alice")
	for _, principal := range []string{"123456789012", "arn:aws:iam::123456789012:root", "*"} {
		roleARN := f.createRole(t, "by-"+strings.NewReplacer(":", "-", "*", "star").Replace(principal), trustPolicyFor(principal, ""), 0)
		ok(alice.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")}))(t)
	}
	otherAccount := f.createRole(t, "other-account", trustPolicyFor("arn:aws:iam::210987654321:root", ""), 0)
	_, err := alice.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: &otherAccount, RoleSessionName: aws.String("s1")})
	wantError(t, err, "AccessDenied", 403, "")
}

func TestAssumeRoleExternalID(t *testing.T) {
	f := newFixture(t, Options{})
	alice := f.userSTS(t, "alice")
	roleARN := f.createRole(t, "vendor", trustPolicyFor("123456789012", `{"StringEquals":{"sts:ExternalId":"Example987"}}`), 0)

	cases := map[string]struct {
		externalID string
		allowed    bool
	}{
		"missing":   {"", false},
		"different": {"Example988", false},
		"matching":  {"Example987", true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")}
			if tc.externalID != "" {
				in.ExternalId = aws.String(tc.externalID)
			}
			_, err := alice.AssumeRole(t.Context(), in)
			if tc.allowed {
				ok(nil, err)(t)
			} else {
				wantError(t, err, "AccessDenied", 403, "")
			}
		})
	}
}

func TestAssumeRoleMFA(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	serial := f.enableMFA(t, "alice")
	f.userSTS(t, "bob")
	bobSerial := f.enableMFA(t, "bob")
	roleARN := f.createRole(t, "admin", trustPolicyFor("123456789012", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), 0)

	cases := map[string]struct {
		serial, code  string
		code403       string
		wantAllowed   bool
		messagePrefix string
	}{
		"without MFA":             {code403: "AccessDenied", messagePrefix: "User: arn:aws:iam::123456789012:user/alice is not authorized"},
		"with the user's device":  {serial: serial, code: "123456", wantAllowed: true},
		"with another's device":   {serial: bobSerial, code: "123456", code403: "AccessDenied", messagePrefix: "MultiFactorAuthentication failed"},
		"serial without the code": {serial: serial, code403: "AccessDenied", messagePrefix: "MultiFactorAuthentication failed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")}
			if tc.serial != "" {
				in.SerialNumber = aws.String(tc.serial)
			}
			if tc.code != "" {
				in.TokenCode = aws.String(tc.code)
			}
			_, err := alice.AssumeRole(ctx, in)
			if tc.wantAllowed {
				ok(nil, err)(t)
				return
			}
			wantError(t, err, tc.code403, 403, "")
			if !strings.Contains(err.Error(), tc.messagePrefix) {
				t.Errorf("error %v, want a message starting %q", err, tc.messagePrefix)
			}
		})
	}
}

func TestAssumeRoleChain(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	firstARN := f.createRole(t, "first", trustPolicyFor("arn:aws:iam::123456789012:user/alice", ""), 43200)
	secondARN := f.createRole(t, "second", trustPolicyFor(firstARN, `{"StringEquals":{"aws:PrincipalTag/team":"platform"}}`), 43200)

	// The first link may last up to the role's maximum.
	first := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &firstARN, RoleSessionName: aws.String("one"),
		DurationSeconds:   aws.Int32(7200),
		Tags:              []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}},
		TransitiveTagKeys: []string{"team"}}))(t)
	_, asFirst := f.sessionClients(first.Credentials)

	// Role chaining is limited to one hour.
	_, err := asFirst.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &secondARN, RoleSessionName: aws.String("two"), DurationSeconds: aws.Int32(3601)})
	wantError(t, err, "ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")

	// A transitive tag is inherited, and satisfies the second trust policy.
	second := must(asFirst.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &secondARN, RoleSessionName: aws.String("two")}))(t)
	_, asSecond := f.sessionClients(second.Credentials)
	me := must(asSecond.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(me.Arn) != "arn:aws:sts::123456789012:assumed-role/second/two" {
		t.Errorf("identity at the end of the chain = %s", aws.ToString(me.Arn))
	}

	// An inherited transitive tag cannot be passed again.
	_, err = asFirst.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &secondARN, RoleSessionName: aws.String("two"),
		Tags: []ststypes.Tag{{Key: aws.String("Team"), Value: aws.String("other")}}})
	wantError(t, err, "InvalidParameterValue", 400, "")

	// Without the tag the second role's condition does not hold.
	plain := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &firstARN, RoleSessionName: aws.String("plain")}))(t)
	_, asPlain := f.sessionClients(plain.Credentials)
	_, err = asPlain.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &secondARN, RoleSessionName: aws.String("two")})
	wantError(t, err, "AccessDenied", 403, "User: arn:aws:sts::123456789012:assumed-role/first/plain is not authorized to perform: sts:AssumeRole on resource: "+secondARN)
}

func TestAssumeRoleMFACarriesAlongChain(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	serial := f.enableMFA(t, "alice")
	firstARN := f.createRole(t, "first", trustPolicyFor("arn:aws:iam::123456789012:user/alice", ""), 0)
	mfaOnly := `{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`
	secondARN := f.createRole(t, "second", trustPolicyFor(firstARN, mfaOnly), 0)

	withMFA := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &firstARN, RoleSessionName: aws.String("one"),
		SerialNumber: &serial, TokenCode: aws.String("000000")}))(t)
	_, asFirst := f.sessionClients(withMFA.Credentials)
	ok(asFirst.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &secondARN, RoleSessionName: aws.String("two")}))(t)

	withoutMFA := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &firstARN, RoleSessionName: aws.String("one")}))(t)
	_, asFirst = f.sessionClients(withoutMFA.Credentials)
	_, err := asFirst.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &secondARN, RoleSessionName: aws.String("two")})
	wantError(t, err, "AccessDenied", 403, "")
}

func TestAssumeRoleParameters(t *testing.T) {
	f := newFixture(t, Options{})
	alice := f.userSTS(t, "alice")
	roleARN := f.createRole(t, "r", trustPolicyFor("123456789012", ""), 7200)
	onlyAssume := f.createRole(t, "no-tags",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}`, 0)
	var manyTags []ststypes.Tag
	for i := range 50 {
		manyTags = append(manyTags, ststypes.Tag{Key: aws.String(fmt.Sprintf("key-%02d", i)), Value: aws.String(strings.Repeat("v", 60))})
	}

	cases := map[string]struct {
		in      sts.AssumeRoleInput
		code    string
		status  int
		message string
	}{
		"duration below 900": {in: sts.AssumeRoleInput{DurationSeconds: aws.Int32(899)}, code: "ValidationError", status: 400,
			message: "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		"duration above the role's maximum": {in: sts.AssumeRoleInput{DurationSeconds: aws.Int32(7201)}, code: "ValidationError", status: 400,
			message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		"session name with a space": {in: sts.AssumeRoleInput{RoleSessionName: aws.String("a b")}, code: "ValidationError", status: 400},
		"session name too short":    {in: sts.AssumeRoleInput{RoleSessionName: aws.String("a")}, code: "ValidationError", status: 400},
		"malformed session policy":  {in: sts.AssumeRoleInput{Policy: aws.String(`{"Statement":[]}`)}, code: "MalformedPolicyDocument", status: 400},
		"tags without sts:TagSession": {in: sts.AssumeRoleInput{RoleArn: aws.String(onlyAssume), Tags: []ststypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}},
			code: "AccessDenied", status: 403,
			message: "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:TagSession on resource: " + onlyAssume},
		"transitive key without its tag": {in: sts.AssumeRoleInput{TransitiveTagKeys: []string{"team"}}, code: "InvalidParameterValue", status: 400},
		"packed size over the limit":     {in: sts.AssumeRoleInput{Tags: manyTags}, code: "PackedPolicyTooLarge", status: 400},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := tc.in
			if in.RoleArn == nil {
				in.RoleArn = aws.String(roleARN)
			}
			if in.RoleSessionName == nil {
				in.RoleSessionName = aws.String("s1")
			}
			_, err := alice.AssumeRole(t.Context(), &in)
			wantError(t, err, tc.code, tc.status, tc.message)
		})
	}

	// A session policy and tags within the limit are sized.
	out := must(alice.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1"),
		Policy: aws.String(allowAllDocument), Tags: manyTags[:2], DurationSeconds: aws.Int32(7200)}))(t)
	if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 || *out.PackedPolicySize > 100 {
		t.Errorf("PackedPolicySize = %v, want a percentage", out.PackedPolicySize)
	}
}

func TestAssumeRoleConditionsTheSandboxCannotEvaluate(t *testing.T) {
	f := newFixture(t, Options{})
	alice := f.userSTS(t, "alice")
	allowUnsupported := f.createRole(t, "allow-ip", trustPolicyFor("123456789012", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`), 0)
	denyUnsupported := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"},` +
		`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}]}`
	denyRole := f.createRole(t, "deny-vpc", denyUnsupported, 0)

	for name, roleARN := range map[string]string{"allow with unknown operator": allowUnsupported, "deny with unknown key": denyRole} {
		t.Run(name, func(t *testing.T) {
			_, err := alice.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")})
			wantError(t, err, "AccessDenied", 403, "")
		})
	}
}

func TestTemporaryCredentialsExpireAndDie(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	roleARN := f.createRole(t, "r", trustPolicyFor("123456789012", ""), 0)

	out := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900)}))(t)
	_, asRole := f.sessionClients(out.Credentials)
	ok(asRole.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)

	// The SDK signs with its own clock, which the allowed skew of 15
	// minutes keeps from moving past the shortest session, so the session
	// is made to expire instead.
	f.expireSession(aws.ToString(out.Credentials.AccessKeyId))
	_, err := asRole.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "ExpiredToken", 403, "The security token included in the request is expired")

	// Deleting the role ends its sessions.
	again := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")}))(t)
	_, asRole = f.sessionClients(again.Credentials)
	ok(f.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")}))(t)
	_, err = asRole.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "InvalidClientTokenId", 403, "")

	// A token that does not belong to the key is rejected.
	forged := *again.Credentials
	forged.SessionToken = aws.String("forged")
	_, asForged := f.sessionClients(&forged)
	_, err = asForged.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "InvalidClientTokenId", 403, "")
}

func TestGetSessionToken(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	serial := f.enableMFA(t, "alice")

	out := must(alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: &serial, TokenCode: aws.String("123456")}))(t)
	if got := time.Until(aws.ToTime(out.Credentials.Expiration)); got < 11*time.Hour || got > 13*time.Hour {
		t.Errorf("session token expires in %s, want the default of 12 hours", got)
	}
	_, asSession := f.sessionClients(out.Credentials)
	me := must(asSession.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(me.Arn) != "arn:aws:iam::123456789012:user/alice" {
		t.Errorf("session token identity = %s, want the user", aws.ToString(me.Arn))
	}

	// The session's MFA satisfies a trust policy that requires it.
	roleARN := f.createRole(t, "admin", trustPolicyFor("123456789012", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), 0)
	ok(asSession.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")}))(t)

	cases := map[string]struct {
		client  *sts.Client
		in      sts.GetSessionTokenInput
		code    string
		status  int
		message string
	}{
		"from session credentials": {client: asSession, code: "AccessDenied", status: 403, message: "Cannot call GetSessionToken with session credentials"},
		"root beyond 36 hours": {client: f.sts, in: sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)}, code: "ValidationError", status: 400,
			message: "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
		"root below 15 minutes": {client: f.sts, in: sts.GetSessionTokenInput{DurationSeconds: aws.Int32(899)}, code: "ValidationError", status: 400,
			message: "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		"user beyond 36 hours": {client: alice, in: sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)}, code: "ValidationError", status: 400},
		"unknown MFA device": {client: alice, in: sts.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::123456789012:mfa/nobody"), TokenCode: aws.String("123456")},
			code: "AccessDenied", status: 403, message: "MultiFactorAuthentication failed with invalid MFA one time pass code."},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tc.client.GetSessionToken(ctx, &tc.in)
			wantError(t, err, tc.code, tc.status, tc.message)
		})
	}
}

func TestGetFederationToken(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")

	out := must(alice.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("bob"), Policy: aws.String(allowAllDocument),
		DurationSeconds: aws.Int32(3600)}))(t)
	if aws.ToString(out.FederatedUser.Arn) != "arn:aws:sts::123456789012:federated-user/bob" || aws.ToString(out.FederatedUser.FederatedUserId) != "123456789012:bob" {
		t.Errorf("FederatedUser = %s %s", aws.ToString(out.FederatedUser.Arn), aws.ToString(out.FederatedUser.FederatedUserId))
	}
	if out.PackedPolicySize == nil {
		t.Error("PackedPolicySize missing for a request with a policy")
	}
	_, asFederated := f.sessionClients(out.Credentials)
	me := must(asFederated.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(me.Arn) != "arn:aws:sts::123456789012:federated-user/bob" || aws.ToString(me.UserId) != "123456789012:bob" {
		t.Errorf("federated identity = %s %s", aws.ToString(me.Arn), aws.ToString(me.UserId))
	}

	cases := map[string]struct {
		client *sts.Client
		in     sts.GetFederationTokenInput
		code   string
		status int
	}{
		"from session credentials": {client: asFederated, in: sts.GetFederationTokenInput{Name: aws.String("carol")}, code: "AccessDenied", status: 403},
		"name too long":            {client: alice, in: sts.GetFederationTokenInput{Name: aws.String(strings.Repeat("n", 33))}, code: "ValidationError", status: 400},
		"malformed policy":         {client: alice, in: sts.GetFederationTokenInput{Name: aws.String("carol"), Policy: aws.String("{")}, code: "MalformedPolicyDocument", status: 400},
		"eleven policy ARNs": {client: alice, in: sts.GetFederationTokenInput{Name: aws.String("carol"),
			PolicyArns: make([]ststypes.PolicyDescriptorType, 11)}, code: "ValidationError", status: 400},
	}
	for i := range cases["eleven policy ARNs"].in.PolicyArns {
		cases["eleven policy ARNs"].in.PolicyArns[i].Arn = aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tc.client.GetFederationToken(ctx, &tc.in)
			wantError(t, err, tc.code, tc.status, "")
		})
	}

	// A federated user may not assume roles.
	roleARN := f.createRole(t, "r", trustPolicyFor("*", ""), 0)
	_, err := asFederated.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")})
	wantError(t, err, "AccessDenied", 403, "")
}

// TestRootTokenDurationIsCut checks that the root user's session and
// federation tokens last at most an hour for any valid DurationSeconds.
// A user's tokens last as long as the request sets.
func TestRootTokenDurationIsCut(t *testing.T) {
	f := newFixture(t, Options{})
	alice := f.userSTS(t, "alice")
	sessionToken := func(client *sts.Client, seconds int32) func(t *testing.T) time.Time {
		return func(t *testing.T) time.Time {
			in := &sts.GetSessionTokenInput{}
			if seconds > 0 {
				in.DurationSeconds = aws.Int32(seconds)
			}
			return aws.ToTime(must(client.GetSessionToken(t.Context(), in))(t).Credentials.Expiration)
		}
	}
	federationToken := func(client *sts.Client, seconds int32) func(t *testing.T) time.Time {
		return func(t *testing.T) time.Time {
			in := &sts.GetFederationTokenInput{Name: aws.String("bob")}
			if seconds > 0 {
				in.DurationSeconds = aws.Int32(seconds)
			}
			return aws.ToTime(must(client.GetFederationToken(t.Context(), in))(t).Credentials.Expiration)
		}
	}

	tests := map[string]struct {
		issue func(t *testing.T) time.Time
		want  time.Duration
	}{
		"root session token of two hours":     {issue: sessionToken(f.sts, 7200), want: time.Hour},
		"root session token of 36 hours":      {issue: sessionToken(f.sts, 129600), want: time.Hour},
		"root session token by default":       {issue: sessionToken(f.sts, 0), want: time.Hour},
		"root session token of 15 minutes":    {issue: sessionToken(f.sts, 900), want: 15 * time.Minute},
		"root federation token of two hours":  {issue: federationToken(f.sts, 7200), want: time.Hour},
		"root federation token by default":    {issue: federationToken(f.sts, 0), want: time.Hour},
		"user session token of two hours":     {issue: sessionToken(alice, 7200), want: 2 * time.Hour},
		"user federation token of 36 hours":   {issue: federationToken(alice, 129600), want: 36 * time.Hour},
		"user session token by default":       {issue: sessionToken(alice, 0), want: 12 * time.Hour},
		"user federation token of 15 minutes": {issue: federationToken(alice, 900), want: 15 * time.Minute},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := time.Until(tc.issue(t))
			if got < tc.want-time.Minute || got > tc.want+time.Minute {
				t.Errorf("credentials expire in %s, want %s", got.Round(time.Second), tc.want)
			}
		})
	}
}
