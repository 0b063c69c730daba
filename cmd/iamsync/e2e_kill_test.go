package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamsync/iamsync/provider/sandbox"
)

// TestApplyKilledAtRandomPointsRecovers kills `iamsync apply` with SIGKILL
// at a write call, chosen at random or as the first call of an action,
// while it changes the example organisation into changedOrg, then applies
// again to the end. The account must then match
// the configuration with nothing duplicated and nothing lost: no user with
// more keys than declared, each key's secret in its file, no policy with
// more versions than two applies make.
//
// The kill comes while the sandbox serves the chosen write. Either it comes
// after the change is made and before the response leaves, so that the
// client never learns of the change. Or it comes just after the response
// is sent, so that the client may be half-way through handling it.
func TestApplyKilledAtRandomPointsRecovers(t *testing.T) {
	bin := buildIAMSync(t)

	// Every run starts from the organisation, applied once.
	base := newHarness(t, "")
	base.mustRun(exitOK, "apply", "--auto-approve", orgDir)

	// An apply that is not stopped makes this many write calls.
	full := newHarness(t, base.state)
	full.srv.ResetCalls()
	full.mustRun(exitOK, "apply", "--auto-approve", changedOrg(t).dir)
	writes := full.srv.WriteCalls()

	// Twenty runs are killed at a random write. Two more for each write
	// action are killed at its first call, before and after the response,
	// so that every kind of change is cut off both ways.
	type kill struct {
		at            int
		action        string
		afterResponse bool
	}
	var kills []kill
	rng := rand.New(rand.NewPCG(2026, 4))
	for range 20 {
		kills = append(kills, kill{at: 1 + rng.IntN(writes-1), afterResponse: rng.IntN(2) == 1})
	}
	for _, action := range slices.Sorted(maps.Keys(full.srv.Calls())) {
		if !strings.HasPrefix(action, "Get") && !strings.HasPrefix(action, "List") {
			kills = append(kills, kill{at: 1, action: action}, kill{at: 1, action: action, afterResponse: true})
		}
	}

	for run, kill := range kills {
		when := "before its response"
		if kill.afterResponse {
			when = "after its response"
		}
		what := fmt.Sprintf("write %d", kill.at)
		if kill.action != "" {
			what = "the first " + kill.action
		}
		t.Run(fmt.Sprintf("run %02d killed at %s %s", run, what, when), func(t *testing.T) {
			h := newHarness(t, base.state)
			changed := changedOrg(t)
			k := startKiller(t, h.srv, kill.at, kill.afterResponse)
			k.killAction = kill.action

			out := k.runKilled(t, bin, "apply", "--auto-approve", changed.dir)
			killed, action := k.fired()
			if !killed {
				t.Fatalf("apply ended before it was killed:\n%s", out)
			}
			t.Logf("killed during %s", action)

			h.mustRun(exitOK, "apply", "--auto-approve", changed.dir)
			h.mustRun(exitOK, "plan", "--detailed-exitcode", changed.dir)
			changed.checkAccount(t, h)
		})
	}
}

// buildIAMSync builds the iamsync command into a temporary directory of
// the test and returns its path.
func buildIAMSync(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	path := filepath.Join(t.TempDir(), "iamsync")
	if out, err := exec.Command(goTool, "build", "-o", path, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// killer serves a sandbox to one iamsync run and stops the run while it
// serves the run's killAt-th write call: stop kills the process or
// cancels the run's context.
type killer struct {
	srv           *sandbox.Server
	url           string
	killAt        int
	afterResponse bool

	// mu serves one request at a time, which the sandbox does anyway, so
	// that the write count is the request's own.
	mu     sync.Mutex
	writes int
	stop   func()
	killed bool
	// killAction, when set, stops the run at its first call of this
	// action instead of at write killAt.
	killAction string
	// action is the action of the write call that stopped the run.
	action string
}

func startKiller(t *testing.T, srv *sandbox.Server, killAt int, afterResponse bool) *killer {
	t.Helper()
	k := &killer{srv: srv, killAt: killAt, afterResponse: afterResponse}
	ts := httptest.NewServer(k)
	t.Cleanup(ts.Close)
	k.url = ts.URL
	return k
}

func (k *killer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.killed && !k.afterResponse {
		hangUp(w)
		return
	}

	// Serve the request into a recorder, to decide before the client sees
	// the response.
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	before := k.srv.WriteCalls()
	rec := httptest.NewRecorder()
	k.srv.ServeHTTP(rec, r)
	wrote := k.srv.WriteCalls() > before
	if wrote {
		k.writes++
	}
	due := k.writes >= k.killAt
	if k.killAction != "" {
		due = wrote && action == k.killAction
	}
	if k.killed || !due {
		copyResponse(w, rec)
		return
	}

	k.killed = true
	k.action = action
	if k.afterResponse {
		copyResponse(w, rec)
		http.NewResponseController(w).Flush()
		k.stop()
		return
	}
	k.stop()
	hangUp(w)
}

// runKilled runs the iamsync binary against the killer's endpoint until it
// ends or is killed, and returns its output.
func (k *killer) runKilled(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+k.url)
	cmd.Stdout, cmd.Stderr = &out, &out

	k.mu.Lock()
	err := cmd.Start()
	k.stop = func() { cmd.Process.Kill() }
	k.mu.Unlock()
	if err != nil {
		t.Fatalf("start iamsync: %v", err)
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("iamsync still running after a minute:\n%s", out.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("wait for iamsync: %v", err)
	}
	return out.String()
}

// fired reports whether the run was stopped, and during which action.
func (k *killer) fired() (bool, string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.killed, k.action
}

// copyResponse sends a recorded response to the client.
func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for name, values := range rec.Header() {
		w.Header()[name] = values
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// hangUp closes the client's connection without a response.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// TestApplyInterruptedReportsAndResumes cancels an apply, as Ctrl-C does,
// once it has made a few write calls. Apply must start no new call, let
// those in flight finish, and report what it did and what it left. A second
// apply then finishes the job.
func TestApplyInterruptedReportsAndResumes(t *testing.T) {
	const interruptAt, parallelism = 5, 4
	h := newHarness(t, "")
	h.mustRun(exitOK, "apply", "--auto-approve", orgDir)
	changed := changedOrg(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	k := startKiller(t, h.srv, interruptAt, true)
	k.stop = cancel
	t.Setenv("AWS_ENDPOINT_URL", k.url)
	h.srv.ResetCalls()
	var stdout, stderr bytes.Buffer
	code := Run(ctx, []string{"apply", "--auto-approve", "--parallelism", fmt.Sprint(parallelism), changed.dir},
		strings.NewReader(""), &stdout, &stderr)

	if code != exitError {
		t.Errorf("exit code %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"Interrupted: starting no new call and waiting for the calls in flight.",
		"Apply stopped: interrupted with",
		"calls succeeded:",
		" not made:",
		"Run plan to see what is left, then apply again to finish.",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stderr.String())
		}
	}
	if writes := h.srv.WriteCalls(); writes > interruptAt+parallelism-1 {
		t.Errorf("%d write calls, want at most %d: the %d in flight at the interrupt and none after", writes, interruptAt+parallelism-1, parallelism)
	}
	done := strings.Count(stderr.String(), "\n  done ")
	if done < interruptAt || done > interruptAt+parallelism-1 {
		t.Errorf("report lists %d calls done, want %d to %d", done, interruptAt, interruptAt+parallelism-1)
	}

	t.Setenv("AWS_ENDPOINT_URL", h.endpoint)
	h.mustRun(exitOK, "apply", "--auto-approve", changed.dir)
	h.mustRun(exitOK, "plan", "--detailed-exitcode", changed.dir)
	changed.checkAccount(t, h)
}

// TestInterruptedPlanMessage checks that a plan stopped by an interrupt
// reports it in iamsync's words rather than with the SDK's "context canceled".
func TestInterruptedPlanMessage(t *testing.T) {
	newHarness(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := Run(ctx, []string{"plan", orgDir}, strings.NewReader(""), &stdout, &stderr)
	if code != exitError {
		t.Errorf("exit code %d, want %d", code, exitError)
	}
	want := "Error: interrupted: iamsync plan stopped before it finished.\n"
	if stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}
