package awsprovider_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// loopbackOnly is an HTTP client that refuses every host but loopback, so
// that a credential provider of the SDK's chain that ignores the endpoint
// override cannot reach AWS.
func loopbackOnly(t *testing.T) *http.Client {
	base := newHTTPClient(t)
	transport := base.Transport
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if ip := net.ParseIP(r.URL.Hostname()); ip == nil || !ip.IsLoopback() {
			return nil, errors.New("test refuses a request to " + r.URL.Host)
		}
		return transport.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestWebIdentityFromEnvironment checks that iamsync leaves web identity, as
// GitHub Actions sets it up, to the SDK's chain: with AWS_ROLE_ARN and
// AWS_WEB_IDENTITY_TOKEN_FILE and no keys, the SDK calls
// AssumeRoleWithWebIdentity with the token and signs with what it returns.
// The sandbox has no OIDC providers, so the test responds to that call
// itself with the sandbox's root key pair.
func TestWebIdentityFromEnvironment(t *testing.T) {
	sandboxOnly(t, "answers AssumeRoleWithWebIdentity itself")
	var mu sync.Mutex
	var seen url.Values
	rootKey, rootSecret := sandbox.DefaultAccessKeyID, sandbox.DefaultSecretAccessKey
	answer := func(w http.ResponseWriter, action string, form url.Values) bool {
		if action != "AssumeRoleWithWebIdentity" {
			return false
		}
		mu.Lock()
		seen = form
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>`+
			`<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken></SessionToken>`+
			`<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>`+
			`<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/github/run</Arn><AssumedRoleId>AROAGITHUB:run</AssumedRoleId></AssumedRoleUser>`+
			`</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
			rootKey, rootSecret)
		return true
	}
	tg, _ := newInterceptedTarget(t, answer)

	// Set up the environment as the GitHub Actions credential step does.
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("header.payload.signature"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile)
	t.Setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/github")
	t.Setenv("AWS_ROLE_SESSION_NAME", "run")
	// The SDK builds the client of its web identity provider before it
	// reads AWS_ENDPOINT_URL (aws-sdk-go-v2 config v1.33), so only the
	// STS-specific variable points that client at the sandbox.
	t.Setenv("AWS_ENDPOINT_URL_STS", tg.endpoint)
	t.Setenv("AWS_REGION", "us-east-1")

	p, err := awsprovider.New(t.Context(), awsprovider.Options{EndpointURL: tg.endpoint, HTTPClient: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	id, err := p.CallerIdentity(t.Context())
	if err != nil {
		t.Fatalf("CallerIdentity with web identity: %v", err)
	}
	if id.ARN != "arn:aws:iam::123456789012:root" {
		t.Errorf("identity = %s, want the key pair that web identity returned", id.ARN)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen.Get("WebIdentityToken") != "header.payload.signature" || seen.Get("RoleArn") != "arn:aws:iam::123456789012:role/github" {
		t.Errorf("AssumeRoleWithWebIdentity form = %v", seen)
	}
}
