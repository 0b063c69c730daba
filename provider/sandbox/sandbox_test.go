package sandbox

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// fixture is a sandbox served over HTTP with SDK clients pointed at it.
type fixture struct {
	srv *Server
	ts  *httptest.Server
	url string
	iam *iam.Client
	sts *sts.Client
}

// newFixture starts a sandbox for the test, with clients that sign with
// the root key pair and never retry. The sandbox is closed, releasing its
// state file, when the test ends.
func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	f := &fixture{srv: srv, ts: ts, url: ts.URL}
	keyID, secret := srv.Credentials()
	f.iam, f.sts = f.clients(keyID, secret)
	return f
}

// close stops serving and closes the sandbox, so that another sandbox can
// open its state file.
func (f *fixture) close(t *testing.T) {
	t.Helper()
	f.ts.Close()
	if err := f.srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// copyState copies a state file into a folder of the test and returns the
// copy's path, so that the sandbox neither changes the original nor puts
// its lock file beside it.
func copyState(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// clients returns IAM and STS clients that sign with the given key pair.
func (f *fixture) clients(keyID, secret string) (*iam.Client, *sts.Client) {
	// Without retries, a keep-alive connection that the server closes just
	// as the client reuses it fails a test on a busy machine, so every
	// request gets a connection of its own.
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:  &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	}
	iamClient := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(f.url) })
	stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(f.url) })
	return iamClient, stsClient
}

// wantError checks that err carries IAM's error code and HTTP status, and
// the message when want has one.
func wantError(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v carries no API error code, want %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Errorf("error code = %s, want %s (error: %v)", apiErr.ErrorCode(), code, err)
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() != status {
		t.Errorf("HTTP status = %d, want %d (error: %v)", respErr.HTTPStatusCode(), status, err)
	}
	if message != "" && apiErr.ErrorMessage() != message {
		t.Errorf("message = %q, want %q", apiErr.ErrorMessage(), message)
	}
}

// must takes the results of a call and returns a function that fails the
// test on the call's error and else returns its value, as in
// must(client.GetUser(ctx, in))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// ok is must for calls whose value the test does not need.
func ok(_ any, err error) func(t *testing.T) {
	return func(t *testing.T) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	}
}

const (
	allowAllDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	trustEC2Document = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)
