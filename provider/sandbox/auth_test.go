package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// rawRequest is a request sent with net/http, signed by the SDK's signer
// unless keyID is empty.
type rawRequest struct {
	method      string
	body        string
	query       string
	keyID       string
	secret      string
	service     string
	region      string
	signedAt    time.Time
	afterSigned func(r *http.Request)
}

// rawResponse is a response with its parsed error, if any.
type rawResponse struct {
	status int
	body   string
	code   string
	msg    string
}

func (f *fixture) send(t *testing.T, rr rawRequest) rawResponse {
	t.Helper()
	if rr.method == "" {
		rr.method = http.MethodPost
	}
	if rr.service == "" {
		rr.service = "iam"
	}
	if rr.region == "" {
		rr.region = "us-east-1"
	}
	if rr.signedAt.IsZero() {
		rr.signedAt = time.Now()
	}

	// Build and sign the request.
	url := f.url + "/"
	if rr.query != "" {
		url += "?" + rr.query
	}
	req, err := http.NewRequestWithContext(t.Context(), rr.method, url, strings.NewReader(rr.body))
	if err != nil {
		t.Fatal(err)
	}
	if rr.body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if rr.keyID != "" {
		sum := sha256.Sum256([]byte(rr.body))
		creds := aws.Credentials{AccessKeyID: rr.keyID, SecretAccessKey: rr.secret}
		if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), rr.service, rr.region, rr.signedAt); err != nil {
			t.Fatal(err)
		}
	}
	if rr.afterSigned != nil {
		rr.afterSigned(req)
	}

	// Send it and parse the error, if any.
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := string(must(io.ReadAll(resp.Body))(t))
	out := rawResponse{status: resp.StatusCode, body: body}
	var e struct {
		Error struct{ Code, Message string }
	}
	if xml.Unmarshal([]byte(body), &e) == nil {
		out.code, out.msg = e.Error.Code, e.Error.Message
	}
	return out
}

const listUsersBody = "Action=ListUsers&Version=2010-05-08"

func TestSignatureRejections(t *testing.T) {
	f := newFixture(t, Options{})
	keyID, secret := f.srv.Credentials()
	tests := map[string]struct {
		req     rawRequest
		status  int
		code    string
		message string
	}{
		"unsigned": {
			req:    rawRequest{body: listUsersBody},
			status: 403, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token",
		},
		"unknown key": {
			req:    rawRequest{body: listUsersBody, keyID: "AKIAUNKNOWNKEY000000", secret: secret},
			status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid.",
		},
		"wrong secret": {
			req:    rawRequest{body: listUsersBody, keyID: keyID, secret: "not-the-secret"},
			status: 403, code: "SignatureDoesNotMatch",
		},
		"body changed after signing": {
			req: rawRequest{body: listUsersBody, keyID: keyID, secret: secret, afterSigned: func(r *http.Request) {
				r.Body = io.NopCloser(strings.NewReader("Action=ListRoles&Version=2010-05-08"))
			}},
			status: 403, code: "SignatureDoesNotMatch",
		},
		"signed header changed after signing": {
			req: rawRequest{body: listUsersBody, keyID: keyID, secret: secret, afterSigned: func(r *http.Request) {
				r.Header.Set("Content-Type", "text/plain")
			}},
			status: 403, code: "SignatureDoesNotMatch",
		},
		"signed 20 minutes ago": {
			req:    rawRequest{body: listUsersBody, keyID: keyID, secret: secret, signedAt: time.Now().Add(-20 * time.Minute)},
			status: 403, code: "SignatureDoesNotMatch",
		},
		"signed 20 minutes ahead": {
			req:    rawRequest{body: listUsersBody, keyID: keyID, secret: secret, signedAt: time.Now().Add(20 * time.Minute)},
			status: 403, code: "SignatureDoesNotMatch",
		},
		"scoped to another service": {
			req:    rawRequest{body: listUsersBody, keyID: keyID, secret: secret, service: "s3"},
			status: 403, code: "SignatureDoesNotMatch",
		},
		"IAM action on STS": {
			req:    rawRequest{body: listUsersBody, keyID: keyID, secret: secret, service: "sts"},
			status: 400, code: "InvalidAction",
		},
		"unknown action": {
			req:    rawRequest{body: "Action=Frobnicate&Version=2010-05-08", keyID: keyID, secret: secret},
			status: 400, code: "InvalidAction", message: "Could not find operation Frobnicate for version 2010-05-08",
		},
		"wrong version": {
			req:    rawRequest{body: "Action=ListUsers&Version=2011-06-15", keyID: keyID, secret: secret},
			status: 400, code: "InvalidAction",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := f.send(t, tc.req)
			if got.status != tc.status || got.code != tc.code {
				t.Errorf("got %d %s (%s), want %d %s", got.status, got.code, got.msg, tc.status, tc.code)
			}
			if tc.message != "" && got.msg != tc.message {
				t.Errorf("message = %q, want %q", got.msg, tc.message)
			}
		})
	}
}

func TestExpiredSignatureMessage(t *testing.T) {
	f := newFixture(t, Options{})
	keyID, secret := f.srv.Credentials()
	got := f.send(t, rawRequest{body: listUsersBody, keyID: keyID, secret: secret, signedAt: time.Now().Add(-time.Hour)})
	if !strings.HasPrefix(got.msg, "Signature expired: ") || !strings.HasSuffix(got.msg, " - 15 min.)") {
		t.Errorf("message = %q, want IAM's \"Signature expired: ... - 15 min.)\"", got.msg)
	}
}

func TestSignedRequestShapes(t *testing.T) {
	f := newFixture(t, Options{})
	keyID, secret := f.srv.Credentials()

	// A signed GET with the parameters in the query string works.
	get := f.send(t, rawRequest{method: http.MethodGet, query: listUsersBody, keyID: keyID, secret: secret})
	if get.status != 200 || !strings.Contains(get.body, "<ListUsersResult>") {
		t.Errorf("GET ListUsers = %d %s", get.status, get.body)
	}

	// Responses are in IAM's envelope and namespace; STS has its own.
	post := f.send(t, rawRequest{body: listUsersBody, keyID: keyID, secret: secret})
	for _, want := range []string{`<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">`, "<Users></Users>", "<ResponseMetadata><RequestId>"} {
		if !strings.Contains(post.body, want) {
			t.Errorf("ListUsers response lacks %s: %s", want, post.body)
		}
	}
	caller := f.send(t, rawRequest{body: "Action=GetCallerIdentity&Version=2011-06-15", keyID: keyID, secret: secret, service: "sts"})
	if !strings.Contains(caller.body, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`) {
		t.Errorf("GetCallerIdentity response = %s", caller.body)
	}

	// Errors are in IAM's error shape.
	missing := f.send(t, rawRequest{body: "Action=GetUser&Version=2010-05-08&UserName=nobody", keyID: keyID, secret: secret})
	for _, want := range []string{`<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">`, "<Type>Sender</Type>", "<Code>NoSuchEntity</Code>", "<RequestId>"} {
		if !strings.Contains(missing.body, want) {
			t.Errorf("error response lacks %s: %s", want, missing.body)
		}
	}
}

func TestRegionOption(t *testing.T) {
	f := newFixture(t, Options{Region: "eu-west-1"})
	keyID, secret := f.srv.Credentials()
	if got := f.send(t, rawRequest{body: listUsersBody, keyID: keyID, secret: secret, region: "eu-west-1"}); got.status != 200 {
		t.Errorf("request signed for eu-west-1 = %d %s, want 200", got.status, got.code)
	}
	if got := f.send(t, rawRequest{body: listUsersBody, keyID: keyID, secret: secret, region: "us-east-1"}); got.code != "SignatureDoesNotMatch" {
		t.Errorf("request signed for us-east-1 = %d %s, want SignatureDoesNotMatch", got.status, got.code)
	}
}

func TestCallerIdentity(t *testing.T) {
	f := newFixture(t, Options{AccountID: "210987654321", AccessKeyID: "AKIAROOTKEYFORTESTS0", SecretAccessKey: "root-secret"})
	ctx := t.Context()
	root := must(f.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(root.Account) != "210987654321" || aws.ToString(root.Arn) != "arn:aws:iam::210987654321:root" || aws.ToString(root.UserId) != "210987654321" {
		t.Errorf("root identity = %s %s %s", aws.ToString(root.Account), aws.ToString(root.Arn), aws.ToString(root.UserId))
	}

	// The default key pair is not accepted when another is configured.
	_, stsDefault := f.clients(DefaultAccessKeyID, DefaultSecretAccessKey)
	_, err := stsDefault.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "InvalidClientTokenId", 403, "")

	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/eng/")}))(t)
	key := must(f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")}))(t).AccessKey
	_, asBob := f.clients(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	bob := must(asBob.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(bob.Arn) != "arn:aws:iam::210987654321:user/eng/bob" {
		t.Errorf("bob's identity = %s", aws.ToString(bob.Arn))
	}
}

// TestUnsignedSTSActionsAreNotServed checks that the STS actions that
// clients send unsigned get InvalidAction, as actions the sandbox does not
// serve, and not an authentication error.
func TestUnsignedSTSActionsAreNotServed(t *testing.T) {
	f := newFixture(t, Options{})
	keyID, secret := f.srv.Credentials()
	const webIdentity = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci" +
		"&RoleSessionName=run&WebIdentityToken=header.payload.signature"
	const saml = "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci" +
		"&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp&SAMLAssertion=PHNhbWw%2B"

	tests := map[string]struct {
		req     rawRequest
		message string
	}{
		"web identity unsigned": {req: rawRequest{body: webIdentity},
			message: "Could not find operation AssumeRoleWithWebIdentity for version 2011-06-15"},
		"SAML unsigned": {req: rawRequest{body: saml},
			message: "Could not find operation AssumeRoleWithSAML for version 2011-06-15"},
		"web identity signed": {req: rawRequest{body: webIdentity, keyID: keyID, secret: secret, service: "sts"},
			message: "Could not find operation AssumeRoleWithWebIdentity for version 2011-06-15"},
		"web identity without a version": {req: rawRequest{body: "Action=AssumeRoleWithWebIdentity&WebIdentityToken=x"},
			message: "Could not find operation AssumeRoleWithWebIdentity for version 2011-06-15"},
		"web identity in a GET": {req: rawRequest{method: http.MethodGet, query: webIdentity},
			message: "Could not find operation AssumeRoleWithWebIdentity for version 2011-06-15"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := f.send(t, tc.req)
			if got.status != 400 || got.code != "InvalidAction" || got.msg != tc.message {
				t.Errorf("got %d %s %q, want 400 InvalidAction %q", got.status, got.code, got.msg, tc.message)
			}
			if !strings.Contains(got.body, `xmlns="`+stsNamespace+`"`) {
				t.Errorf("error is not in STS's namespace: %s", got.body)
			}
		})
	}

	// The SDK, which sends the call unsigned, gets the same error.
	_, err := f.sts.AssumeRoleWithWebIdentity(t.Context(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/ci"), RoleSessionName: aws.String("run"),
		WebIdentityToken: aws.String("header.payload.signature")})
	wantError(t, err, "InvalidAction", 400, "Could not find operation AssumeRoleWithWebIdentity for version 2011-06-15")

	// Other unsigned requests still fail authentication.
	if got := f.send(t, rawRequest{body: "Action=GetCallerIdentity&Version=2011-06-15"}); got.code != "MissingAuthenticationToken" {
		t.Errorf("unsigned GetCallerIdentity = %d %s, want MissingAuthenticationToken", got.status, got.code)
	}
}
