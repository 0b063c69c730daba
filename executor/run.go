package executor

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamsync/iamsync/provider"
)

// Client is the account that Run changes: the writes of a plan, the read
// that finds a deleted user's credentials, and the reads that show whether
// a create whose outcome is unknown took effect.
type Client interface {
	provider.Writer
	ReadUserCredentials(ctx context.Context, userName string) (*provider.UserCredentials, error)
	// ListAccessKeys returns the user's access keys.
	ListAccessKeys(ctx context.Context, userName string) ([]provider.AccessKey, error)
	// ReadDefaultPolicyVersion returns the default version of a managed
	// policy with its document.
	ReadDefaultPolicyVersion(ctx context.Context, policyARN string) (*provider.PolicyVersion, error)
}

// Defaults of Options.
const (
	DefaultParallelism        = 4
	DefaultConsistencyTimeout = 2 * time.Minute
)

// Backoff between retries of one call: the delay doubles from
// retryBaseDelay up to retryMaxDelay, and a random half of it is taken off.
const (
	retryBaseDelay = time.Second
	retryMaxDelay  = 16 * time.Second
)

// Options tune Run. The zero value is ready to use.
type Options struct {
	// Parallelism is the maximum number of calls in flight; 0 means
	// DefaultParallelism. Throttling lowers the number for a while.
	Parallelism int
	// MaxRPS caps the calls started per second, retries included; 0 means
	// no cap.
	MaxRPS float64
	// ConsistencyTimeout bounds how long Run retries one step that fails
	// with ErrNotPropagated, ErrBusy or ErrThrottled, counted from its
	// first call; 0 means DefaultConsistencyTimeout and a negative value
	// turns these retries off.
	ConsistencyTimeout time.Duration

	// Hook receives progress; nil means NopHook.
	Hook Hook
	// Logger receives debug records of retries and concurrency changes;
	// nil means none.
	Logger *slog.Logger

	// Stdout receives the secrets whose destination is "-". Secrets are
	// written nowhere else besides their files.
	Stdout io.Writer
	// Dir is the directory that relative secret files are in; empty means
	// the working directory.
	Dir string
	// PasswordPolicy is the account's password policy, which generated
	// passwords must satisfy. A plan that sets or deletes the policy takes
	// precedence. nil means IAM's default policy.
	PasswordPolicy *provider.PasswordPolicy

	// Clock and Sleep replace time.Now and a context-aware time.Sleep in
	// tests. Sleep returns ctx's error when ctx is done first.
	Clock func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// withDefaults returns the options with their zero values filled in.
func (o Options) withDefaults() Options {
	if o.Parallelism <= 0 {
		o.Parallelism = DefaultParallelism
	}
	if o.ConsistencyTimeout == 0 {
		o.ConsistencyTimeout = DefaultConsistencyTimeout
	}
	if o.Hook == nil {
		o.Hook = NopHook{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	return o
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Result is the outcome of Run.
type Result struct {
	// Succeeded lists the steps that succeeded, in the order they ended.
	Succeeded []StepReport
	// Failed lists the steps whose call failed, in the order they ended.
	Failed []StepReport
	// NotRun lists the steps that never started, in graph order.
	NotRun []StepReport
	// Err joins the StepErrors of the failed steps, an interruption by the
	// context and a problem found before the first call, such as a secret
	// file that already exists. It is nil when every step succeeded.
	Err error
}

// StepReport is the outcome of one step.
type StepReport struct {
	Step Step
	// Elapsed is the time from the first call to the end of the last.
	Elapsed time.Duration
	// Attempts is how many times the call was made.
	Attempts int
	// Err is the step's *StepError for a failed step, and nil otherwise.
	Err error
	// DependencyFailed marks a step not run because a step it depends on,
	// directly or not, failed. Such steps carry no error of their own.
	DependencyFailed bool
	// StoppedRetrying is, for a step not made, the error of its last
	// attempt when the apply stopped while the step waited to retry. The
	// errors that Run retries, such as throttling or an entity not yet
	// visible, mean that the attempt changed nothing.
	StoppedRetrying error
}

// Log record keys.
const (
	logKeyStep    = "step"
	logKeyAction  = "action"
	logKeyTarget  = "target"
	logKeyAttempt = "attempt"
	logKeyWait    = "wait"
	logKeyError   = "error"
	logKeyLimit   = "limit"
	// logKeyTookEffect is whether a call without a known outcome was found
	// to have taken effect.
	logKeyTookEffect = "took_effect"
)

// Run carries out the graph's steps against client, each after the steps it
// depends on, with up to opts.Parallelism calls in flight.
//
// When a call fails, or ctx is cancelled, Run starts no new step, lets the
// calls in flight finish and returns. Calls are made with a context that
// ctx's cancellation does not reach, so that no call is cut off half-way.
// Only the waits between retries end early. Run does not resume: planning
// again reads what the apply changed, and applying that plan finishes the
// work.
func Run(ctx context.Context, g *Graph, client Client, opts Options) *Result {
	opts = opts.withDefaults()
	r := newRunner(g, client, opts)
	if err := r.preflight(); err != nil {
		return r.result(ctx, err)
	}
	r.walk(ctx)
	return r.result(ctx, nil)
}

// env is the environment of run functions.
type env struct {
	client         Client
	secrets        *secretSink
	passwordPolicy *provider.PasswordPolicy

	// newKeys holds the ids of access keys created by CreateAccessKey
	// steps, for the UpdateAccessKey step that follows.
	mu      sync.Mutex
	newKeys map[*node]string

	// keyLocks makes the CreateAccessKey steps of one user run one at a
	// time.
	keyLocks keyLocks
	// logger receives the debug records of the run functions.
	logger *slog.Logger
}

func (e *env) rememberKey(n *node, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.newKeys[n] = id
}

func (e *env) keyOf(n *node) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.newKeys[n]
}

// stepState is the state of one node during Run.
type stepState int

const (
	waiting stepState = iota
	succeeded
	failed
)

// runner holds the state of one Run. The walk loop alone touches the
// scheduling fields; workers report back through outcomes.
type runner struct {
	graph       *Graph
	opts        Options
	env         *env
	hook        *serialHook
	concurrency *concurrency
	slots       *callSlots
	limiter     *rateLimiter

	nodes   []*node // the graph's, then those discovered
	state   map[*node]stepState
	reports map[*node]StepReport
	pending map[*node]int
	ready   nodeQueue
	// extraDependents and extraDeps hold the edges to and from discovered
	// nodes, which Run keeps out of the graph.
	extraDependents map[*node][]*node
	extraDeps       map[*node][]*node
	// ended lists nodes in the order they succeeded or failed.
	ended []*node
}

func newRunner(g *Graph, client Client, opts Options) *runner {
	policy := opts.PasswordPolicy
	if g.ownPasswordPolicy {
		policy = g.passwordPolicy
	}
	hook := &serialHook{hook: opts.Hook}
	r := &runner{
		graph: g,
		opts:  opts,
		env: &env{
			client:         client,
			secrets:        &secretSink{dir: opts.Dir, stdout: opts.Stdout, mu: &hook.mu},
			passwordPolicy: policy,
			newKeys:        make(map[*node]string),
			logger:         opts.Logger,
		},
		hook:            hook,
		concurrency:     newConcurrency(opts.Parallelism),
		limiter:         newRateLimiter(opts.MaxRPS, opts.Clock, opts.Sleep),
		nodes:           append([]*node(nil), g.nodes...),
		state:           make(map[*node]stepState),
		reports:         make(map[*node]StepReport),
		pending:         make(map[*node]int),
		extraDependents: make(map[*node][]*node),
		extraDeps:       make(map[*node][]*node),
	}
	r.slots = newCallSlots(r.concurrency)
	for _, n := range g.nodes {
		r.pending[n] = len(n.deps)
		if len(n.deps) == 0 {
			heap.Push(&r.ready, n)
		}
	}
	return r
}

// preflight checks what would otherwise fail half-way: every secret
// destination must be writable and not exist yet.
func (r *runner) preflight() error {
	var errs []error
	owner := make(map[string]string) // resolved path -> address
	for _, n := range r.graph.nodes {
		if n.secret == "" || n.secret == stdoutDest {
			if n.secret != "" {
				if err := r.env.secrets.check(n.secret); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", n.step.Address, err))
				}
			}
			continue
		}
		// Two spellings of one file, such as a relative and an absolute
		// path, or a path through a symbolic link, are one destination.
		key := r.env.secrets.resolved(n.secret)
		if first, ok := owner[key]; ok {
			if first != n.step.Address {
				errs = append(errs, fmt.Errorf("%s: secret file %s is also the secret file of %s: give each secret its own file",
					n.step.Address, n.secret, first))
			}
			continue
		}
		owner[key] = n.step.Address
		if err := r.env.secrets.check(n.secret); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", n.step.Address, err))
		}
	}
	return errors.Join(errs...)
}

// outcome is a worker's report on one node.
type outcome struct {
	node       *node
	notStarted bool
	// stoppedRetrying is set when the apply stopped while the step waited
	// to retry; err is then its last attempt's error.
	stoppedRetrying bool
	holdsSlot       bool
	added           []*node
	attempts        int
	elapsed         time.Duration
	err             error
}

// stopRetrying ends a step that waits to retry because the apply stops.
// Its last attempt failed with an error that Run retries, which changed
// nothing, so the step is listed with the steps not made. An earlier
// attempt without a known outcome may have made the change, and then the
// step fails, as any step that the apply cannot finish.
func (o *outcome) stopRetrying(uncertain bool) {
	if uncertain {
		o.err = fmt.Errorf("apply stopped before the next attempt, and an earlier attempt may have taken effect: %w", o.err)
		return
	}
	o.stoppedRetrying = true
}

// walk starts ready nodes while the concurrency limit allows and nothing
// has failed, and records outcomes until no node runs.
func (r *runner) walk(ctx context.Context) {
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()

	// Each step starts with a call slot, which it gives back while it
	// waits to retry.
	outcomes := make(chan outcome)
	running := 0
	for {
		for stopCtx.Err() == nil && r.ready.Len() > 0 && r.slots.tryAcquire() {
			n := heap.Pop(&r.ready).(*node)
			running++
			go func() { outcomes <- r.execute(stopCtx, n) }()
		}
		if running == 0 {
			return
		}

		// Stop before recording, so that no step starts after a hook is
		// called with the failure.
		select {
		case o := <-outcomes:
			running--
			if o.err != nil {
				stop()
			}
			r.record(o)
			if o.holdsSlot {
				r.slots.put()
			}
		case <-r.slots.freed:
		}
	}
}

// record stores an outcome, calls the hook, and makes the node's
// dependents ready when it succeeded.
func (r *runner) record(o outcome) {
	if o.notStarted {
		return
	}
	n := o.node
	report := StepReport{Step: n.public(), Elapsed: o.elapsed, Attempts: o.attempts}
	if o.stoppedRetrying {
		// The step stays waiting, so that it is listed with the steps not
		// made, with the error it was retrying.
		report.StoppedRetrying = o.err
		r.reports[n] = report
		r.hook.PostStep(report.Step, o.elapsed, &StoppedRetryingError{Err: o.err})
		return
	}
	r.ended = append(r.ended, n)
	if o.err != nil {
		report.Err = &StepError{Address: n.step.Address, Action: n.step.Action, Attempts: o.attempts, Err: o.err}
		r.reports[n] = report
		r.state[n] = failed
		r.hook.PostStep(report.Step, o.elapsed, report.Err)
		return
	}
	r.reports[n] = report
	r.state[n] = succeeded
	r.hook.PostStep(report.Step, o.elapsed, nil)

	r.insert(n, o.added)
	for _, d := range r.dependentsOf(n) {
		r.pending[d]--
		if r.pending[d] == 0 {
			heap.Push(&r.ready, d)
		}
	}
}

// insert places the nodes that a step discovered between it and its
// dependents.
func (r *runner) insert(parent *node, added []*node) {
	dependents := r.dependentsOf(parent)
	for _, n := range added {
		n.index = len(r.nodes)
		r.nodes = append(r.nodes, n)
		r.pending[n] = len(n.deps)
		r.extraDeps[n] = []*node{parent}
		r.extraDependents[n] = dependents
		for _, d := range dependents {
			r.pending[d]++
			r.extraDeps[d] = append(r.extraDeps[d], n)
		}
	}
	for _, n := range added {
		if r.pending[n] == 0 {
			heap.Push(&r.ready, n)
		}
	}
}

func (r *runner) dependentsOf(n *node) []*node {
	return append(append([]*node(nil), n.dependents...), r.extraDependents[n]...)
}

func (r *runner) depsOf(n *node) []*node {
	return append(append([]*node(nil), n.deps...), r.extraDeps[n]...)
}

// execute makes a node's call, retrying it while the error is one Run
// retries and the consistency timeout allows. It starts with a call slot
// and gives it back while it waits to retry. The outcome reports whether
// it still holds the slot, which the walk loop gives back once it has
// recorded the outcome, so that the step's dependents come before other
// ready steps.
func (r *runner) execute(ctx context.Context, n *node) outcome {
	var start time.Time
	o := outcome{node: n, holdsSlot: true}
	// uncertain is set once any attempt of the step, including those the
	// SDK repeats on its own, ended without a known outcome.
	uncertain := new(atomic.Bool)
	for {
		if err := r.limiter.wait(ctx); err != nil {
			if o.attempts == 0 {
				return outcome{node: n, notStarted: true, holdsSlot: true}
			}
			o.stopRetrying(uncertain.Load())
			break
		}
		if o.attempts == 0 {
			start = r.opts.Clock()
			r.hook.PreStep(n.public())
		}
		o.attempts++
		o.added, o.err = r.attempt(ctx, n, uncertain)
		if o.err == nil || !retriedByRun(o.err) {
			break
		}

		// Retry until the timeout, sleeping no longer than the time left.
		elapsed := r.opts.Clock().Sub(start)
		left := r.opts.ConsistencyTimeout - elapsed
		if left <= 0 {
			if r.opts.ConsistencyTimeout > 0 {
				o.err = fmt.Errorf("still failing after %d attempts in %s: %w", o.attempts, elapsed.Round(time.Millisecond), o.err)
			}
			break
		}
		wait := min(backoff(o.attempts), left)
		r.hook.PreRetry(n.public(), o.attempts, o.err, wait)
		r.opts.Logger.Debug("retrying step", logKeyStep, n.step.ID, logKeyAction, n.step.Action,
			logKeyTarget, strings.Join(n.step.Target, " "), logKeyAttempt, o.attempts, logKeyWait, wait, logKeyError, o.err)
		r.slots.release()
		err := r.opts.Sleep(ctx, wait)
		if err == nil {
			err = r.slots.acquire(ctx)
		}
		o.holdsSlot = err == nil
		if err != nil {
			o.stopRetrying(uncertain.Load())
			break
		}
	}

	o.elapsed = r.opts.Clock().Sub(start)
	return o
}

// attempt makes one call of a node. The call's context carries no
// cancellation. It reports throttling that the SDK retried on its own, and
// sets uncertain when an attempt of the SDK ended without a known outcome.
func (r *runner) attempt(ctx context.Context, n *node, uncertain *atomic.Bool) ([]*node, error) {
	_, epoch := r.concurrency.current()
	callCtx := provider.WithThrottleObserver(context.WithoutCancel(ctx), func() { r.throttled(epoch) })
	callCtx = provider.WithUncertainObserver(callCtx, func() { uncertain.Store(true) })

	added, err := n.run(callCtx, r.env)
	if err == nil {
		r.adjusted(r.concurrency.succeeded())
		return added, nil
	}
	if n.goneIsDone && provider.ErrorCode(err) == provider.CodeNoSuchEntity {
		r.opts.Logger.Debug("credential already gone", logKeyStep, n.step.ID, logKeyError, err)
		return nil, nil
	}
	if uncertain.Load() && tookEffectEarlier(n.step.Action, err) {
		r.opts.Logger.Debug("call took effect on an earlier attempt", logKeyStep, n.step.ID,
			logKeyAction, n.step.Action, logKeyTarget, strings.Join(n.step.Target, " "), logKeyError, err)
		r.adjusted(r.concurrency.succeeded())
		return nil, nil
	}
	err = classify(n, err)
	if errors.Is(err, ErrThrottled) {
		r.throttled(epoch)
	}
	return nil, err
}

// throttled lowers the concurrency for a throttled call started in epoch.
func (r *runner) throttled(epoch int) {
	r.adjusted(r.concurrency.throttled(epoch))
}

// adjusted reports a change of the concurrency limit.
func (r *runner) adjusted(limit int, changed bool) {
	if !changed {
		return
	}
	r.opts.Logger.Debug("concurrency changed", logKeyLimit, limit)
	r.hook.ConcurrencyChanged(limit)
}

// backoff returns the wait before the next attempt after attempt calls.
func backoff(attempt int) time.Duration {
	d := retryMaxDelay
	if attempt < 5 {
		d = min(retryBaseDelay<<(attempt-1), retryMaxDelay)
	}
	return d - rand.N(d/2+1)
}

// result builds the Result. A preflight error means no step ran.
func (r *runner) result(ctx context.Context, preflight error) *Result {
	res := &Result{}
	var errs []error
	if preflight != nil {
		errs = append(errs, preflight)
	}

	for _, n := range r.ended {
		report := r.reports[n]
		if r.state[n] == failed {
			res.Failed = append(res.Failed, report)
			errs = append(errs, report.Err)
		} else {
			res.Succeeded = append(res.Succeeded, report)
		}
	}

	blocked := make(map[*node]bool)
	for _, n := range r.nodes {
		if r.state[n] == waiting {
			res.NotRun = append(res.NotRun, StepReport{
				Step: n.public(), DependencyFailed: r.dependencyFailed(n, blocked),
				StoppedRetrying: r.reports[n].StoppedRetrying,
			})
		}
	}

	if ctx.Err() != nil && len(res.NotRun) > 0 {
		errs = append(errs, fmt.Errorf("interrupted with %s not made: %w", pluralCalls(len(res.NotRun)), context.Cause(ctx)))
	}
	res.Err = errors.Join(errs...)
	return res
}

// pluralCalls returns "1 call" or "n calls".
func pluralCalls(n int) string {
	if n == 1 {
		return "1 call"
	}
	return fmt.Sprintf("%d calls", n)
}

// dependencyFailed reports whether a failed step is among the direct or
// indirect dependencies of n. memo caches the results found so far.
func (r *runner) dependencyFailed(n *node, memo map[*node]bool) bool {
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = false
	for _, d := range r.depsOf(n) {
		if r.state[d] == failed || (r.state[d] == waiting && r.dependencyFailed(d, memo)) {
			memo[n] = true
			break
		}
	}
	return memo[n]
}
