package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Faults configure the failures that a Server injects, as IAM shows them in
// production: throttling, server errors, added latency, dropped
// connections and eventual consistency. The zero value injects none.
//
// Each request to an action that the faults apply to draws one random
// number from a source seeded with Seed. The number picks at most one of
// throttling, a server error or a dropped connection, so the three rates
// must add up to at most 1. Runs with the same seed and the same order of
// requests fail the same requests, but concurrent clients change the order
// from run to run.
type Faults struct {
	// Seed seeds the random source.
	Seed uint64

	// ThrottleRate is the probability, from 0 to 1, that the response to a
	// request is IAM's throttling error: HTTP 400, code Throttling, message
	// "Rate exceeded".
	ThrottleRate float64
	// ErrorRate is the probability that a request fails with
	// ServiceFailure (HTTP 500) or ServiceUnavailable (HTTP 503), one or
	// the other with equal probability.
	ErrorRate float64
	// DropRate is the probability that the server closes the connection
	// without a response. Half the dropped requests are dropped before the
	// action runs, which leaves the account as it was. The other half are
	// dropped after it ran, so the change is made but the client never
	// learns of it.
	DropRate float64

	// Latency is added to every request that the faults apply to, before
	// it is served.
	Latency time.Duration

	// ConsistencyDelay is how long a new user, group, role,
	// customer-managed policy or instance profile, or a user or group
	// renamed to a new name, stays invisible to the actions that use it.
	// Those actions return NoSuchEntity for it, and a trust policy that
	// names the new user or role is rejected with MalformedPolicyDocument
	// "Invalid principal in policy". See visibilityChecks for the actions.
	ConsistencyDelay time.Duration

	// Actions limits the faults to these API actions, such as "CreateUser";
	// empty means every action. Creations are recorded for
	// ConsistencyDelay whatever this list holds.
	Actions []string
}

// String describes the faults for a log or a startup message, such as
// "throttle 0.3, errors 0.05, seed 7, all actions".
func (f Faults) String() string {
	var parts []string
	add := func(format string, v any) { parts = append(parts, fmt.Sprintf(format, v)) }
	if f.ThrottleRate > 0 {
		add("throttle %v", f.ThrottleRate)
	}
	if f.ErrorRate > 0 {
		add("errors %v", f.ErrorRate)
	}
	if f.DropRate > 0 {
		add("drops %v", f.DropRate)
	}
	if f.Latency > 0 {
		add("latency %s", f.Latency)
	}
	if f.ConsistencyDelay > 0 {
		add("consistency delay %s", f.ConsistencyDelay)
	}
	if len(parts) == 0 {
		return "none"
	}
	add("seed %d", f.Seed)
	if len(f.Actions) == 0 {
		return strings.Join(parts, ", ") + ", all actions"
	}
	return strings.Join(parts, ", ") + ", actions " + strings.Join(f.Actions, " ")
}

// enabled reports whether f injects anything.
func (f Faults) enabled() bool {
	return f.ThrottleRate > 0 || f.ErrorRate > 0 || f.DropRate > 0 || f.Latency > 0 || f.ConsistencyDelay > 0
}

// validate checks the rates, durations and action names.
func (f Faults) validate() error {
	var problems []string
	for _, r := range []struct {
		name string
		rate float64
	}{{"throttle rate", f.ThrottleRate}, {"error rate", f.ErrorRate}, {"drop rate", f.DropRate}} {
		if r.rate < 0 || r.rate > 1 {
			problems = append(problems, fmt.Sprintf("%s %v is not between 0 and 1", r.name, r.rate))
		}
	}
	if sum := f.ThrottleRate + f.ErrorRate + f.DropRate; sum > 1 {
		problems = append(problems, fmt.Sprintf("throttle, error and drop rates add up to %v, more than 1", sum))
	}
	if f.Latency < 0 {
		problems = append(problems, fmt.Sprintf("latency %s is negative", f.Latency))
	}
	if f.ConsistencyDelay < 0 {
		problems = append(problems, fmt.Sprintf("consistency delay %s is negative", f.ConsistencyDelay))
	}
	for _, name := range f.Actions {
		_, iamOK := iamService.actions[name]
		_, stsOK := stsService.actions[name]
		if !iamOK && !stsOK {
			problems = append(problems, fmt.Sprintf("unknown action %q in the fault actions", name))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid faults: %s", strings.Join(problems, "; "))
	}
	return nil
}

// FaultCounts counts the faults a Server injected since it started.
type FaultCounts struct {
	// Throttled counts the requests that received the Throttling error.
	Throttled int
	// ServerErrors counts the requests that received HTTP 500 or 503.
	ServerErrors int
	// DroppedBeforeApply and DroppedAfterApply count connections closed
	// without a response, before and after the action ran.
	DroppedBeforeApply int
	DroppedAfterApply  int
	// NotYetVisible counts requests refused because an entity they use was
	// created less than Faults.ConsistencyDelay ago.
	NotYetVisible int
}

// Total returns the number of faults of every kind.
func (c FaultCounts) Total() int {
	return c.Throttled + c.ServerErrors + c.DroppedBeforeApply + c.DroppedAfterApply + c.NotYetVisible
}

// FaultCounts returns the faults injected so far.
func (s *Server) FaultCounts() FaultCounts {
	if s.faults == nil {
		return FaultCounts{}
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.counts
}

// fault is the outcome of one draw.
type fault int

const (
	noFault fault = iota
	throttleFault
	serverErrorFault
	dropBeforeFault
	dropAfterFault
)

// injector puts the faults of Options.Faults into the request path.
type injector struct {
	faults  Faults
	actions map[string]bool // nil means every action
	now     func() time.Time
	// accountID returns the account's id, to recognise its ARNs in trust
	// policies.
	accountID func() string

	// mu guards the fields below.
	mu      sync.Mutex
	rng     *rand.Rand
	counts  FaultCounts
	created recentEntities
}

func newInjector(f Faults, now func() time.Time, accountID func() string) *injector {
	inj := &injector{
		faults:    f,
		now:       now,
		accountID: accountID,
		rng:       rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15)),
		created:   recentEntities{},
	}
	if len(f.Actions) > 0 {
		inj.actions = make(map[string]bool, len(f.Actions))
		for _, name := range f.Actions {
			inj.actions[name] = true
		}
	}
	return inj
}

// wrap returns next with the faults injected in front of it.
func (inj *injector) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body once and give the next handler a copy, because the
		// action and the names it uses are in the form.
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBytes))
		if err != nil {
			writeError(w, &request{id: newRequestID(), service: serviceOf(r)},
				errInvalidInput("Request body could not be read: %v.", err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		params, err := requestParams(r, body)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		action := params.Get("Action")
		if !inj.appliesTo(action) {
			next.ServeHTTP(inj.recording(w, action, params), r)
			return
		}

		if inj.faults.Latency > 0 {
			select {
			case <-time.After(inj.faults.Latency):
			case <-r.Context().Done():
				return
			}
		}
		inj.serve(w, r, next, action, params)
	})
}

// serve serves one request that the faults apply to.
func (inj *injector) serve(w http.ResponseWriter, r *http.Request, next http.Handler, action string, params url.Values) {
	req := &request{id: newRequestID(), service: serviceOf(r)}
	switch inj.draw() {
	case throttleFault:
		writeError(w, req, errThrottling())
		return
	case serverErrorFault:
		writeError(w, req, inj.serverError())
		return
	case dropBeforeFault:
		dropConnection(w)
		return
	case dropAfterFault:
		next.ServeHTTP(inj.recording(&discardWriter{header: http.Header{}}, action, params), r)
		dropConnection(w)
		return
	}

	if apiErr := inj.checkVisible(action, params); apiErr != nil {
		writeError(w, req, apiErr)
		return
	}
	next.ServeHTTP(inj.recording(w, action, params), r)
}

// appliesTo reports whether the faults apply to the action.
func (inj *injector) appliesTo(action string) bool {
	return inj.actions == nil || inj.actions[action]
}

// draw picks the fault of one request and counts it.
func (inj *injector) draw() fault {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	f := inj.faults
	x := inj.rng.Float64()
	switch {
	case x < f.ThrottleRate:
		inj.counts.Throttled++
		return throttleFault
	case x < f.ThrottleRate+f.ErrorRate:
		inj.counts.ServerErrors++
		return serverErrorFault
	case x < f.ThrottleRate+f.ErrorRate+f.DropRate:
		if inj.rng.IntN(2) == 0 {
			inj.counts.DroppedBeforeApply++
			return dropBeforeFault
		}
		inj.counts.DroppedAfterApply++
		return dropAfterFault
	}
	return noFault
}

// serverError returns ServiceFailure or ServiceUnavailable, one or the
// other with equal probability.
func (inj *injector) serverError() *apiError {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	if inj.rng.IntN(2) == 0 {
		return errServiceFailure()
	}
	return errServiceUnavailable()
}

// errThrottling is IAM's response to a request over the account's rate.
func errThrottling() *apiError {
	return newAPIError(http.StatusBadRequest, "Throttling", "Rate exceeded")
}

// errServiceUnavailable is the response of an AWS endpoint that cannot
// serve the request for the moment.
func errServiceUnavailable() *apiError {
	return newAPIError(http.StatusServiceUnavailable, "ServiceUnavailable",
		"The request has failed due to a temporary failure of the server.")
}

// serviceOf returns IAM or STS as the credential scope of the request's
// signature names it, for the namespace of an error written before
// authentication.
func serviceOf(r *http.Request) *service {
	if strings.Contains(r.Header.Get("Authorization"), "/sts/aws4_request") {
		return stsService
	}
	return iamService
}

// dropConnection closes the client's connection without a response. A
// ResponseWriter that cannot be hijacked, which HTTP/2 connections give,
// gets an aborted handler instead, which net/http also ends without a
// complete response.
func dropConnection(w http.ResponseWriter) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// recording returns w wrapped so that a successful response to a creating
// action records the new entity, for ConsistencyDelay. It records before
// the status reaches the client, so that no request the client sends
// after the response misses the record.
func (inj *injector) recording(w http.ResponseWriter, action string, params url.Values) http.ResponseWriter {
	if inj.faults.ConsistencyDelay <= 0 {
		return w
	}
	return &statusWriter{ResponseWriter: w, onSuccess: func() { inj.recordCreated(action, params) }}
}

// statusWriter calls onSuccess when the handler writes status 200.
type statusWriter struct {
	http.ResponseWriter
	onSuccess func()
	wrote     bool
}

func (w *statusWriter) WriteHeader(status int) {
	if !w.wrote && status == http.StatusOK {
		w.onSuccess()
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// discardWriter takes a response that never reaches the client.
type discardWriter struct {
	header http.Header
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
