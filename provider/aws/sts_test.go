package awsprovider_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
)

// trustPolicy is a trust policy that lets the principal assume the role,
// under an optional condition written as JSON.
func trustPolicy(principal, condition string) string {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal +
		`"},"Action":["sts:AssumeRole","sts:TagSession"]`
	if condition != "" {
		doc += `,"Condition":` + condition
	}
	return doc + `}]}`
}

// newUserKey creates a user with an access key in tg's account and
// returns the user's key pair.
func newUserKey(t *testing.T, tg *target, name string) (keyID, secret string) {
	t.Helper()
	ctx := t.Context()
	if err := tg.p.CreateUser(ctx, provider.CreateUserInput{Name: name, Path: "/"}); err != nil {
		t.Fatal(err)
	}
	key, err := tg.p.CreateAccessKey(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return key.AccessKeyID, key.SecretAccessKey
}

func createTrustedRole(t *testing.T, tg *target, name, trust string) string {
	t.Helper()
	if err := tg.p.CreateRole(t.Context(), provider.CreateRoleInput{Name: name, Path: "/", AssumeRolePolicy: trust}); err != nil {
		t.Fatal(err)
	}
	return "arn:aws:iam::123456789012:role/" + name
}

func TestAssumeRoleChainActsAsLastRole(t *testing.T) {
	tg := newTarget(t)
	sandboxOnly(t, "creates users and keys")
	ctx := t.Context()
	keyID, secret := newUserKey(t, tg, "deployer")
	first := createTrustedRole(t, tg, "first", trustPolicy("arn:aws:iam::123456789012:user/deployer", ""))
	second := createTrustedRole(t, tg, "second", trustPolicy(first, `{"StringEquals":{"aws:PrincipalTag/team":"platform","sts:ExternalId":"ext-1"}}`))

	p := newProvider(t, tg, func(o *awsprovider.Options) {
		o.AccessKeyID, o.SecretAccessKey = keyID, secret
		o.AssumeRole = []awsprovider.RoleLink{
			{RoleARN: first, SessionName: "one", SessionTags: map[string]string{"team": "platform"}, TransitiveTagKeys: []string{"team"}},
			{RoleARN: second, ExternalID: "ext-1", Duration: 15 * time.Minute},
		}
	})
	id, err := p.CallerIdentity(ctx)
	if err != nil {
		t.Fatalf("CallerIdentity: %v", err)
	}
	if want := "arn:aws:sts::123456789012:assumed-role/second/" + awsprovider.DefaultSessionName; id.ARN != want {
		t.Errorf("identity = %s, want %s", id.ARN, want)
	}
	if got := p.Calls()["AssumeRole"]; got != 2 {
		t.Errorf("AssumeRole calls = %d, want 2", got)
	}
}

func TestAssumeRoleChainAsksForMFACode(t *testing.T) {
	tg := newTarget(t)
	sandboxOnly(t, "creates users and keys")
	ctx := t.Context()
	keyID, secret := newUserKey(t, tg, "alice")
	serial := "arn:aws:iam::123456789012:mfa/alice"
	enableMFA(t, tg, "alice")
	role := createTrustedRole(t, tg, "admin", trustPolicy("123456789012", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`))

	var asked []string
	p := newProvider(t, tg, func(o *awsprovider.Options) {
		o.AccessKeyID, o.SecretAccessKey = keyID, secret
		o.AssumeRole = []awsprovider.RoleLink{{RoleARN: role, MFASerial: serial}}
		o.MFATokenCode = func(s string) (string, error) {
			asked = append(asked, s)
			return "123456", nil
		}
	})
	if _, err := p.CallerIdentity(ctx); err != nil {
		t.Fatalf("CallerIdentity: %v", err)
	}
	if len(asked) != 1 || asked[0] != serial {
		t.Errorf("MFA codes asked for %v, want one for %s", asked, serial)
	}

	// Without MFA the trust policy denies, and the error names the action.
	denied := newProvider(t, tg, func(o *awsprovider.Options) {
		o.AccessKeyID, o.SecretAccessKey = keyID, secret
		o.AssumeRole = []awsprovider.RoleLink{{RoleARN: role}}
	})
	_, err := denied.CallerIdentity(ctx)
	if err == nil || !strings.Contains(err.Error(), "not authorized to perform: sts:AssumeRole") {
		t.Errorf("CallerIdentity without MFA = %v, want AccessDenied", err)
	}

	// A link with a device but no way to read codes is refused up front.
	_, err = awsprovider.New(ctx, awsprovider.Options{EndpointURL: tg.endpoint, AccessKeyID: keyID, SecretAccessKey: secret,
		AssumeRole: []awsprovider.RoleLink{{RoleARN: role, MFASerial: serial}}})
	if err == nil {
		t.Error("New with an MFA device and no MFATokenCode succeeded")
	}
}

// enableMFA assigns a virtual MFA device named after the user, with an
// SDK client of its own because the provider makes no such call.
func enableMFA(t *testing.T, tg *target, userName string) {
	t.Helper()
	ctx := t.Context()
	client := iam.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(tg.accessKeyID, tg.secretAccessKey, ""),
	}, func(o *iam.Options) { o.BaseEndpoint = aws.String(tg.endpoint) })
	device, err := client.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(userName)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(userName), SerialNumber: device.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTemporaryCredentialOperations(t *testing.T) {
	tg := newTarget(t)
	sandboxOnly(t, "creates users and keys")
	ctx := t.Context()
	keyID, secret := newUserKey(t, tg, "alice")
	role := createTrustedRole(t, tg, "reader", trustPolicy("123456789012", ""))
	asAlice := newProvider(t, tg, func(o *awsprovider.Options) { o.AccessKeyID, o.SecretAccessKey = keyID, secret })

	assumed, err := asAlice.AssumeRole(ctx, awsprovider.RoleLink{RoleARN: role, SessionName: "cli", SessionTags: map[string]string{"k": "v"}}, "")
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if assumed.ARN != "arn:aws:sts::123456789012:assumed-role/reader/cli" || assumed.PackedPolicySize == nil {
		t.Errorf("AssumeRole = %s, packed %v", assumed.ARN, assumed.PackedPolicySize)
	}

	token, err := asAlice.GetSessionToken(ctx, awsprovider.SessionTokenInput{Duration: time.Hour})
	if err != nil {
		t.Fatalf("GetSessionToken: %v", err)
	}
	if d := time.Until(token.Expiration); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("session token expires in %s, want an hour", d)
	}

	federated, err := asAlice.GetFederationToken(ctx, awsprovider.FederationTokenInput{Name: "bob", PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}})
	if err != nil {
		t.Fatalf("GetFederationToken: %v", err)
	}
	if federated.ARN != "arn:aws:sts::123456789012:federated-user/bob" {
		t.Errorf("federated ARN = %s", federated.ARN)
	}

	// Printing the credentials shows neither the secret nor the token.
	for _, text := range []string{fmt.Sprint(*assumed), fmt.Sprintf("%v", assumed), fmt.Sprintf("%#v", *assumed), fmt.Sprintf("%+v", *assumed)} {
		if strings.Contains(text, assumed.SecretAccessKey) || strings.Contains(text, assumed.SessionToken) {
			t.Errorf("printed credentials leak a secret: %s", text)
		}
	}
}

func TestCredentialReportWaitsUntilReady(t *testing.T) {
	tg := newTarget(t)
	sandboxOnly(t, "the sandbox makes the report ready at the second request")
	report, err := tg.p.CredentialReport(t.Context(), awsprovider.ReportOptions{FirstDelay: time.Millisecond})
	if err != nil {
		t.Fatalf("CredentialReport: %v", err)
	}
	if !strings.HasPrefix(string(report.Content), "user,arn,user_creation_time,") || report.GeneratedTime.IsZero() {
		t.Errorf("report = %q generated %s", report.Content, report.GeneratedTime)
	}
	if got := tg.p.Calls()["GenerateCredentialReport"]; got != 2 {
		t.Errorf("GenerateCredentialReport calls = %d, want 2", got)
	}
}

func TestCredentialReportTimesOut(t *testing.T) {
	neverReady := func(w http.ResponseWriter, action string, form url.Values) bool {
		if action != "GenerateCredentialReport" {
			return false
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">`+
			`<GenerateCredentialReportResult><State>INPROGRESS</State></GenerateCredentialReportResult>`+
			`<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GenerateCredentialReportResponse>`)
		return true
	}
	tg, _ := newInterceptedTarget(t, neverReady)
	_, err := tg.p.CredentialReport(context.Background(), awsprovider.ReportOptions{FirstDelay: time.Millisecond, Timeout: 50 * time.Millisecond})
	if !errors.Is(err, awsprovider.ErrReportTimeout) {
		t.Errorf("CredentialReport = %v, want ErrReportTimeout", err)
	}
}

// TestCredentialReportWithoutState checks that a response that names no
// report state fails at once instead of being polled until the timeout.
func TestCredentialReportWithoutState(t *testing.T) {
	noState := func(w http.ResponseWriter, action string, form url.Values) bool {
		if action != "GenerateCredentialReport" {
			return false
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">`+
			`<GenerateCredentialReportResult/></GenerateCredentialReportResponse>`)
		return true
	}
	tg, _ := newInterceptedTarget(t, noState)

	_, err := tg.p.CredentialReport(context.Background(), awsprovider.ReportOptions{FirstDelay: time.Millisecond, Timeout: time.Minute})

	if err == nil || errors.Is(err, awsprovider.ErrReportTimeout) || !strings.Contains(err.Error(), "names no report state") {
		t.Errorf("CredentialReport = %v, want an error saying the response names no report state", err)
	}
	if got := tg.p.Calls()["GenerateCredentialReport"]; got != 1 {
		t.Errorf("GenerateCredentialReport calls = %d, want 1", got)
	}
}

// TestFailedAssumeRoleIsNotRetriedAgain checks that a role the chain
// cannot assume costs the STS client's attempts once, not once for every
// attempt of the call that needed the role's credentials.
func TestFailedAssumeRoleIsNotRetriedAgain(t *testing.T) {
	var mu sync.Mutex
	requests := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		mu.Lock()
		requests[r.Form.Get("Action")]++
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>`)
	}))
	defer srv.Close()

	p, err := awsprovider.New(t.Context(), awsprovider.Options{
		Region: "us-east-1", EndpointURL: srv.URL,
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		AssumeRole:  []awsprovider.RoleLink{{RoleARN: "arn:aws:iam::123456789012:role/deploy"}},
		MaxAttempts: 3, MaxBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.CallerIdentity(t.Context())
	var assume *awsprovider.AssumeRoleError
	if !errors.As(err, &assume) {
		t.Fatalf("CallerIdentity error = %v, want an AssumeRoleError", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := map[string]int{"AssumeRole": 3}; !maps.Equal(requests, want) {
		t.Errorf("requests by action = %v, want %v", requests, want)
	}
}

// TestSilentEndpointTimesOut checks that an endpoint that accepts the
// connection but never responds fails the call once each attempt times out.
func TestSilentEndpointTimesOut(t *testing.T) {
	stop := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer silent.Close()
	defer close(stop)

	p, err := awsprovider.New(t.Context(), awsprovider.Options{
		Region: "us-east-1", EndpointURL: silent.URL,
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		MaxAttempts: 2, MaxBackoff: time.Millisecond, ResponseTimeout: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.CallerIdentity(t.Context())
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("CallerIdentity succeeded against an endpoint that never answers")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("CallerIdentity still waits 10 s after two attempts of 100 ms")
	}
}
