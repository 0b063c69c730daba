package awsprovider_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// The conformance suite runs against the IAM sandbox by default. With
// -integration it runs against the real AWS account of the explicit
// credentials below. There it creates and deletes entities whose names
// start with a random prefix, and it skips the tests that would change
// account-wide settings or create thousands of entities.
//
// NOTE: IAM is eventually consistent, and the suite reads right after it
// writes. Against real AWS a read may miss a write made a moment earlier,
// so a failure there is worth one rerun before it is taken as a bug.
var (
	integration        = flag.Bool("integration", false, "run the suite against real AWS with the -aws-* credentials")
	awsAccessKeyID     = flag.String("aws-access-key-id", os.Getenv("IAMSYNC_TEST_AWS_ACCESS_KEY_ID"), "access key id for -integration")
	awsSecretAccessKey = flag.String("aws-secret-access-key", os.Getenv("IAMSYNC_TEST_AWS_SECRET_ACCESS_KEY"), "secret access key for -integration")
	awsSessionToken    = flag.String("aws-session-token", os.Getenv("IAMSYNC_TEST_AWS_SESSION_TOKEN"), "session token for -integration")
)

func TestMain(m *testing.M) {
	flag.Parse()
	if !*integration {
		if err := isolateFromAWSConfiguration(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// isolateFromAWSConfiguration hides the developer's AWS configuration from
// the sandbox tests, so that a profile, a region or an endpoint set in the
// environment cannot change what they test, and no test can reach the
// instance metadata service.
func isolateFromAWSConfiguration() error {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") {
			os.Unsetenv(name)
		}
	}
	dir, err := os.MkdirTemp("", "iamsync-aws-test")
	if err != nil {
		return fmt.Errorf("isolate tests from aws configuration: %w", err)
	}
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return nil
}

// target is the account one test acts on.
type target struct {
	p *awsprovider.Provider
	// endpoint is the sandbox's URL; empty against real AWS.
	endpoint string
	// prefix starts every name the test creates.
	prefix string
	// accessKeyID and secretAccessKey are the credentials p uses.
	accessKeyID, secretAccessKey string
}

// sandboxOnly skips a test that cannot run against a real account.
func sandboxOnly(t *testing.T, reason string) {
	t.Helper()
	if *integration {
		t.Skip("sandbox only: " + reason)
	}
}

// newTarget returns a provider for a fresh sandbox, or for the real account
// with -integration. edit may change the options before New.
func newTarget(t *testing.T, edit ...func(*awsprovider.Options)) *target {
	t.Helper()
	tg := &target{}
	if *integration {
		if *awsAccessKeyID == "" || *awsSecretAccessKey == "" {
			t.Fatal("-integration needs explicit credentials: set -aws-access-key-id and -aws-secret-access-key")
		}
		tg.accessKeyID, tg.secretAccessKey = *awsAccessKeyID, *awsSecretAccessKey
		tg.prefix = "iamsync-test-" + randomHex(t, 4) + "-"
	} else {
		tg.endpoint, tg.accessKeyID, tg.secretAccessKey = startSandbox(t, sandbox.Options{}, nil)
	}
	tg.p = newProvider(t, tg, edit...)
	return tg
}

// newSandboxTarget returns a provider for a fresh sandbox started with
// opts, for tests that need a sandbox setting such as a raised quota.
func newSandboxTarget(t *testing.T, opts sandbox.Options, edit ...func(*awsprovider.Options)) *target {
	t.Helper()
	sandboxOnly(t, "configures the sandbox")
	tg := &target{}
	tg.endpoint, tg.accessKeyID, tg.secretAccessKey = startSandbox(t, opts, nil)
	tg.p = newProvider(t, tg, edit...)
	return tg
}

// newInterceptedTarget returns a provider for a fresh sandbox behind an
// interceptor that may respond to requests in the sandbox's place.
func newInterceptedTarget(t *testing.T, answer answerFunc, edit ...func(*awsprovider.Options)) (*target, *interceptor) {
	t.Helper()
	sandboxOnly(t, "the interceptor wraps the sandbox")
	ic := &interceptor{answer: answer, seen: make(map[string]int)}
	tg := &target{}
	tg.endpoint, tg.accessKeyID, tg.secretAccessKey = startSandbox(t, sandbox.Options{}, ic.wrap)
	tg.p = newProvider(t, tg, edit...)
	return tg, ic
}

// startSandbox starts an empty sandbox that stops when the test ends. A
// non-nil wrap puts a handler in front of it.
func startSandbox(t *testing.T, opts sandbox.Options, wrap func(http.Handler) http.Handler) (endpoint, accessKeyID, secretAccessKey string) {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("create sandbox: %v", err)
	}
	accessKeyID, secretAccessKey = srv.Credentials()
	if wrap != nil {
		front := httptest.NewServer(wrap(srv))
		t.Cleanup(front.Close)
		return front.URL, accessKeyID, secretAccessKey
	}

	endpoint, err = srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	return endpoint, accessKeyID, secretAccessKey
}

// newProvider returns a provider for tg's account.
func newProvider(t *testing.T, tg *target, edit ...func(*awsprovider.Options)) *awsprovider.Provider {
	t.Helper()
	opts := awsprovider.Options{
		EndpointURL:     tg.endpoint,
		AccessKeyID:     tg.accessKeyID,
		SecretAccessKey: tg.secretAccessKey,
		HTTPClient:      newHTTPClient(t),
	}
	if *integration {
		opts.SessionToken = *awsSessionToken
	}
	for _, fn := range edit {
		fn(&opts)
	}
	p, err := awsprovider.New(context.Background(), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// newHTTPClient returns an HTTP client whose idle connections close when
// the test ends. The cleanup runs before the sandbox stops, whose graceful
// shutdown would otherwise wait for connections that the client dialed for
// concurrent calls but never used.
func newHTTPClient(t *testing.T) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// name returns base with the target's prefix.
func (tg *target) name(base string) string { return tg.prefix + base }

// write runs one Writer method and checks that it made exactly one call,
// of the action it is named after.
func (tg *target) write(t *testing.T, action string, fn func(ctx context.Context) error) {
	t.Helper()
	before := tg.p.Calls()
	if err := fn(t.Context()); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if diff := cmp.Diff(map[string]int{action: 1}, callsSince(before, tg.p.Calls())); diff != "" {
		t.Errorf("%s made other calls than one %s (-want +got):\n%s", action, action, diff)
	}
}

// undo registers fn to run when the test ends, so that an integration run
// leaves nothing behind. Cleanups run in reverse order, so detaching comes
// before deleting. An entity the test already deleted is no error.
func (tg *target) undo(t *testing.T, what string, fn func(ctx context.Context) error) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := fn(ctx); err != nil && provider.ErrorCode(err) != provider.CodeNoSuchEntity {
			t.Errorf("clean up %s: %v", what, err)
		}
	})
}

// callsSince returns the calls made between two snapshots of Calls.
func callsSince(before, after map[string]int) map[string]int {
	delta := make(map[string]int)
	for action, n := range after {
		if d := n - before[action]; d != 0 {
			delta[action] = d
		}
	}
	return delta
}

func totalCalls(calls map[string]int) int {
	total := 0
	for _, n := range calls {
		total += n
	}
	return total
}

// forEach runs fn for 0..n-1 on a few goroutines and fails the test on the
// first error.
func forEach(t *testing.T, n int, fn func(ctx context.Context, i int) error) {
	t.Helper()
	const workers = 8
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		next     = make(chan int)
	)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(t.Context(), i); err != nil {
					once.Do(func() { firstErr = err })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
}

// answerFunc writes a response in the sandbox's place and returns true, or
// returns false to pass the request on. It receives the request's action
// and form.
type answerFunc func(w http.ResponseWriter, action string, form url.Values) bool

// interceptor is a handler in front of the sandbox that lets a test
// respond to some requests itself.
type interceptor struct {
	answer answerFunc
	mu     sync.Mutex
	seen   map[string]int
}

func (ic *interceptor) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the form and put the body back for the sandbox, whose
		// signature check covers it.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		action := form.Get("Action")

		ic.mu.Lock()
		ic.seen[action]++
		ic.mu.Unlock()
		if ic.answer(w, action, form) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requests returns how many requests, retries included, reached the
// interceptor, by action.
func (ic *interceptor) requests() map[string]int {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	return maps.Clone(ic.seen)
}

// writeIAMError writes an error response in the IAM Query API's format.
func writeIAMError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>`, code, message)
}

// logBuffer collects a provider's log records as text.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
