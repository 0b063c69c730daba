package main

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamsync/iamsync/bench"
)

// arrivals records when each request reaches the handler it wraps.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.times = append(a.times, time.Now())
		a.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (a *arrivals) sorted() []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	times := slices.Clone(a.times)
	slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
	return times
}

// Apply with --max-rps N sends no more than N requests in any one second,
// counting every request that reaches the sandbox: the reads of the plan
// and of the check at the end as well as the changes.
func TestApplyMaxRPS(t *testing.T) {
	const maxRPS = 40
	h := newHarness(t, "")
	var seen arrivals
	front := httptest.NewServer(seen.wrap(h.srv))
	t.Cleanup(front.Close)

	// An account of about 80 calls takes two seconds at this rate.
	dir := t.TempDir()
	if err := bench.WriteConfig(dir, bench.Shape{Users: 20, Groups: 2, Roles: 2, Policies: 4}); err != nil {
		t.Fatal(err)
	}
	r := h.mustRun(exitOK, "apply", "--auto-approve", "--max-rps", strconv.Itoa(maxRPS), "--endpoint-url", front.URL, dir)
	if !strings.Contains(r.stdout, "Apply complete") {
		t.Fatalf("apply did not complete:\n%s", r.stdout)
	}

	// Any maxRPS+1 requests in a row must span at least a second. The
	// limiter spaces requests when they are sent, and the time a request
	// then takes to reach this handler varies by up to a few hundred
	// milliseconds on a busy machine, so an allowance absorbs it. A request sent without
	// waiting for the limiter still shows, as a burst or as a higher mean
	// rate.
	times := seen.sorted()
	if len(times) < 2*maxRPS {
		t.Fatalf("the sandbox saw %d requests, want at least %d for the test to mean something", len(times), 2*maxRPS)
	}
	const allowance = 250 * time.Millisecond
	for i := 0; i+maxRPS < len(times); i++ {
		if span := times[i+maxRPS].Sub(times[i]); span < time.Second-allowance {
			t.Errorf("requests %d to %d arrived within %v: more than %d in one second", i, i+maxRPS, span, maxRPS)
		}
	}
	span, least := times[len(times)-1].Sub(times[0]), time.Duration(len(times)-1)*time.Second/maxRPS
	if span < least-allowance {
		t.Errorf("the sandbox saw %d requests within %v, want them spread over at least %v", len(times), span, least)
	}
}

// A --max-rps that is not a rate, or one so low that the command would
// take hours, is refused before anything is read, by plan and apply.
func TestMaxRPSInvalid(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, map[string]string{"main.hcl": `user "alice" { name = "alice" }`})
	for _, command := range [][]string{{"apply", "--auto-approve"}, {"plan"}} {
		for _, value := range []string{"-1", "NaN", "1e-10", "0.001"} {
			t.Run(command[0]+" "+value, func(t *testing.T) {
				r := h.mustRun(exitError, append(command, "--max-rps", value, dir)...)
				if want := "invalid --max-rps "; !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q does not contain %q", r.stderr, want)
				}
				if calls := h.srv.Calls(); len(calls) != 0 {
					t.Errorf("%s made calls before refusing the flag: %v", command[0], calls)
				}
			})
		}
	}
}

// Plan with --max-rps spaces its reads too, so that a pull-request check
// can share IAM's request rate with other jobs.
func TestPlanMaxRPS(t *testing.T) {
	const maxRPS = 10
	h := newHarness(t, "")
	var seen arrivals
	front := httptest.NewServer(seen.wrap(h.srv))
	t.Cleanup(front.Close)
	dir := writeConfig(t, map[string]string{"main.hcl": `user "alice" { name = "alice" }`})

	h.mustRun(exitOK, "plan", "--max-rps", strconv.Itoa(maxRPS), "--endpoint-url", front.URL, dir)

	times := seen.sorted()
	if len(times) < 4 {
		t.Fatalf("the sandbox saw %d requests, want at least 4 for the test to mean something", len(times))
	}
	const allowance = 25 * time.Millisecond
	if span, least := times[len(times)-1].Sub(times[0]), time.Duration(len(times)-1)*time.Second/maxRPS; span < least-allowance {
		t.Errorf("the sandbox saw %d requests within %v, want them spread over at least %v", len(times), span, least)
	}
}
