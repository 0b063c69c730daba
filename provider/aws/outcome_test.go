package awsprovider_test

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// faultyProvider returns a provider that makes at most three attempts per
// call, four when throttled, against a sandbox with faults, with the sandbox.
func faultyProvider(t *testing.T, faults sandbox.Faults) (*awsprovider.Provider, *sandbox.Server) {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	keyID, secret := srv.Credentials()
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		EndpointURL: ts.URL, AccessKeyID: keyID, SecretAccessKey: secret, Region: "us-east-1",
		MaxAttempts: 3, MaxThrottledAttempts: 4, MaxBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, srv
}

// TestUncertainAttemptsReported checks which failed attempts the provider
// reports as uncertain, and that CreateAccessKey and CreatePolicyVersion
// are not repeated after one.
func TestUncertainAttemptsReported(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:policy/P"
	tests := map[string]struct {
		faults        sandbox.Faults
		call          func(ctx context.Context, p *awsprovider.Provider) error
		wantUncertain int64
		wantFaults    int
	}{
		"dropped create, repeated": {
			faults:        sandbox.Faults{DropRate: 1, Actions: []string{"CreateGroup"}},
			call:          func(ctx context.Context, p *awsprovider.Provider) error { return p.CreateGroup(ctx, "g", "/") },
			wantUncertain: 3, wantFaults: 3,
		},
		"server error, repeated": {
			faults:        sandbox.Faults{ErrorRate: 1, Actions: []string{"CreateGroup"}},
			call:          func(ctx context.Context, p *awsprovider.Provider) error { return p.CreateGroup(ctx, "g", "/") },
			wantUncertain: 3, wantFaults: 3,
		},
		"throttled, repeated and certain": {
			faults: sandbox.Faults{ThrottleRate: 1, Actions: []string{"CreateAccessKey"}},
			call: func(ctx context.Context, p *awsprovider.Provider) error {
				_, err := p.CreateAccessKey(ctx, "u")
				return err
			},
			wantUncertain: 0, wantFaults: 4,
		},
		"dropped access key, not repeated": {
			faults: sandbox.Faults{DropRate: 1, Actions: []string{"CreateAccessKey"}},
			call: func(ctx context.Context, p *awsprovider.Provider) error {
				_, err := p.CreateAccessKey(ctx, "u")
				return err
			},
			wantUncertain: 1, wantFaults: 1,
		},
		"failed policy version, not repeated": {
			faults: sandbox.Faults{ErrorRate: 1, Actions: []string{"CreatePolicyVersion"}},
			call: func(ctx context.Context, p *awsprovider.Provider) error {
				_, err := p.CreatePolicyVersion(ctx, arn, readerV1, true)
				return err
			},
			wantUncertain: 1, wantFaults: 1,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, srv := faultyProvider(t, tt.faults)
			ctx := context.Background()
			if err := p.CreateUser(ctx, provider.CreateUserInput{Name: "u"}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.CreatePolicy(ctx, provider.CreatePolicyInput{Name: "P", Document: readerV1}); err != nil {
				t.Fatal(err)
			}

			var uncertain atomic.Int64
			err := tt.call(provider.WithUncertainObserver(ctx, func() { uncertain.Add(1) }), p)

			if err == nil {
				t.Fatal("call succeeded, want the injected fault")
			}
			if got := uncertain.Load(); got != tt.wantUncertain {
				t.Errorf("%d attempts reported uncertain, want %d (error: %v)", got, tt.wantUncertain, err)
			}
			if got := srv.FaultCounts().Total(); got != tt.wantFaults {
				t.Errorf("%d attempts met a fault, want %d", got, tt.wantFaults)
			}
		})
	}
}

// countingClient counts the requests it sends through the default
// transport.
type countingClient struct {
	requests atomic.Int64
}

func (c *countingClient) Do(req *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	return http.DefaultClient.Do(req)
}

// TestUnsentAttemptsRepeated checks that attempts whose request never left
// the client count as certain, so that even CreateAccessKey, which is not
// repeated after an uncertain attempt, is repeated after them.
func TestUnsentAttemptsRepeated(t *testing.T) {
	tests := map[string]func(t *testing.T) string{
		"connection refused": func(t *testing.T) string {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			l.Close()
			return "http://" + l.Addr().String()
		},
		"TLS handshake failed": func(t *testing.T) string {
			// The server's certificate is one the client does not trust.
			ts := httptest.NewUnstartedServer(http.NotFoundHandler())
			ts.Config.ErrorLog = log.New(io.Discard, "", 0)
			ts.StartTLS()
			t.Cleanup(ts.Close)
			return ts.URL
		},
	}
	for name, endpoint := range tests {
		t.Run(name, func(t *testing.T) {
			client := &countingClient{}
			p, err := awsprovider.New(context.Background(), awsprovider.Options{
				EndpointURL: endpoint(t), AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Region: "us-east-1",
				HTTPClient: client, MaxAttempts: 3, MaxBackoff: time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}

			var uncertain atomic.Int64
			ctx := provider.WithUncertainObserver(context.Background(), func() { uncertain.Add(1) })
			_, err = p.CreateAccessKey(ctx, "u")

			if err == nil {
				t.Fatal("CreateAccessKey succeeded, want a connection failure")
			}
			if got := uncertain.Load(); got != 0 {
				t.Errorf("%d attempts reported uncertain, want 0 (error: %v)", got, err)
			}
			if got := client.requests.Load(); got != 3 {
				t.Errorf("%d attempts, want 3 (error: %v)", got, err)
			}
		})
	}
}

func TestOutcomeReads(t *testing.T) {
	p, _ := faultyProvider(t, sandbox.Faults{})
	ctx := context.Background()
	if err := p.CreateUser(ctx, provider.CreateUserInput{Name: "u"}); err != nil {
		t.Fatal(err)
	}
	key, err := p.CreateAccessKey(ctx, "u")
	if err != nil {
		t.Fatal(err)
	}
	arn, err := p.CreatePolicy(ctx, provider.CreatePolicyInput{Name: "P", Document: readerV1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreatePolicyVersion(ctx, arn, readerV2, true); err != nil {
		t.Fatal(err)
	}

	keys, err := p.ListAccessKeys(ctx, "u")
	if err != nil {
		t.Fatalf("ListAccessKeys: %v", err)
	}
	if len(keys) != 1 || keys[0].ID != key.AccessKeyID || keys[0].Status != "Active" {
		t.Errorf("ListAccessKeys = %+v, want the one active key %s", keys, key.AccessKeyID)
	}
	version, err := p.ReadDefaultPolicyVersion(ctx, arn)
	if err != nil {
		t.Fatalf("ReadDefaultPolicyVersion: %v", err)
	}
	want := provider.PolicyVersion{ID: "v2", Document: readerV2, IsDefault: true}
	version.CreateDate = time.Time{}
	if diff := cmp.Diff(want, *version); diff != "" {
		t.Errorf("default version (-want +got):\n%s", diff)
	}
}

func TestDroppedConnectionErrorText(t *testing.T) {
	p, _ := faultyProvider(t, sandbox.Faults{DropRate: 1, Actions: []string{"CreateAccessKey"}})
	ctx := context.Background()
	if err := p.CreateUser(ctx, provider.CreateUserInput{Name: "u"}); err != nil {
		t.Fatal(err)
	}

	_, err := p.CreateAccessKey(ctx, "u")

	want := "CreateAccessKey user u: connection failed: Post "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want one starting with %q", err, want)
	}
}
