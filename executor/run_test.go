package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// users returns creates of users u0, u1, ... that do not depend on each
// other.
func users(n int) []*planner.Change {
	var changes []*planner.Change
	for i := range n {
		name := fmt.Sprintf("u%d", i)
		changes = append(changes, newChange(planner.Create, planner.TypeUser, "user."+name, name, set("path", "/")))
	}
	return changes
}

func TestRunParallelismBound(t *testing.T) {
	const steps = 10
	for _, limit := range []int{1, 3} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			client := newFakeClient()
			client.gate = make(chan struct{})
			client.started = make(chan string, steps)
			done := make(chan *Result)
			go func() { done <- run(t, newPlan(users(steps)...), client, Options{Parallelism: limit}) }()

			// Each time as many calls as allowed are in flight, let one
			// finish.
			started := 0
			for released := range steps {
				for started < released+min(limit, steps-released) {
					select {
					case <-client.started:
						started++
					case <-time.After(5 * time.Second):
						t.Fatalf("only %d calls started after %d finished", started, released)
					}
				}
				client.gate <- struct{}{}
			}

			res := <-done
			if res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}
			if client.maxInFlight != limit {
				t.Errorf("at most %d calls were in flight, want %d", client.maxInFlight, limit)
			}
		})
	}
}

// releaseOnFailure is a hook that closes a channel when a step fails.
type releaseOnFailure struct {
	recordingHook
	release chan struct{}
}

func (h *releaseOnFailure) PostStep(s Step, d time.Duration, err error) {
	h.recordingHook.PostStep(s, d, err)
	if err != nil {
		close(h.release)
	}
}

func TestRunStopsAtFirstFailure(t *testing.T) {
	// u0 fails while u1 is in flight; u1 finishes, u2 never starts, and the
	// inline policy of u0 is not run because u0 failed.
	changes := append(users(3),
		newOwned(planner.Create, planner.TypeInlinePolicy, userRef("u0"), `user.u0.inline_policy["p"]`, "p", set("document", mustDoc(docA))))
	client := newFakeClient()
	client.failOn("CreateUser u0", 1, iamError(provider.CodeEntityAlreadyExists, "User u0 already exists"))
	hook := &releaseOnFailure{release: make(chan struct{})}
	client.blockers["CreateUser u1"] = hook.release

	// u0 fails only once u1's call has started.
	u1Started := make(chan struct{})
	client.blockers["CreateUser u0"] = u1Started
	client.started = make(chan string, 4)
	go func() {
		for line := range client.started {
			if strings.HasPrefix(line, "CreateUser u1") {
				close(u1Started)
				return
			}
		}
	}()

	res := run(t, newPlan(changes...), client, Options{Parallelism: 2, Hook: hook})

	if diff := cmp.Diff([]string{"user.u1/CreateUser"}, stepIDs(res.Succeeded)); diff != "" {
		t.Errorf("succeeded (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"user.u0/CreateUser"}, stepIDs(res.Failed)); diff != "" {
		t.Errorf("failed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"user.u2/CreateUser", `user.u0.inline_policy["p"]/PutUserPolicy`}, stepIDs(res.NotRun)); diff != "" {
		t.Errorf("not run (-want +got):\n%s", diff)
	}
	wantBlocked := []bool{false, true}
	for i, r := range res.NotRun[:min(len(res.NotRun), len(wantBlocked))] {
		if r.DependencyFailed != wantBlocked[i] || r.Err != nil {
			t.Errorf("not run %s: DependencyFailed %t, Err %v; want %t, nil", r.Step.ID, r.DependencyFailed, r.Err, wantBlocked[i])
		}
	}

	var stepErr *StepError
	if !errors.As(res.Err, &stepErr) || stepErr.Address != "user.u0" || stepErr.Action != "CreateUser" {
		t.Fatalf("Err = %v, want the StepError of user.u0/CreateUser", res.Err)
	}
	if got, want := res.Err.Error(), "user.u0: CreateUser: EntityAlreadyExists: User u0 already exists"; got != want {
		t.Errorf("Err = %q, want %q", got, want)
	}
	if !errors.Is(res.Err, ErrTerminal) || errors.Is(res.Err, ErrRetryable) {
		t.Errorf("Err is not classified terminal: %v", res.Err)
	}
	if code := provider.ErrorCode(res.Err); code != provider.CodeEntityAlreadyExists {
		t.Errorf("ErrorCode(Err) = %q, want %q", code, provider.CodeEntityAlreadyExists)
	}
}

func TestRunCancellation(t *testing.T) {
	// Cancel while the first call is in flight: it finishes with a context
	// that is not cancelled, and no other call starts.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := newFakeClient()
	client.started = make(chan string, 3)
	client.gate = make(chan struct{})
	done := make(chan *Result)
	go func() { done <- Run(ctx, compile(t, newPlan(users(3)...)), client, Options{Parallelism: 1}) }()

	<-client.started
	cancel()
	client.gate <- struct{}{}
	res := <-done

	if diff := cmp.Diff([]string{"CreateUser u0 / []"}, client.recorded()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if client.cancelledCalls != 0 {
		t.Errorf("%d calls saw a cancelled context", client.cancelledCalls)
	}
	if diff := cmp.Diff([]string{"user.u0/CreateUser"}, stepIDs(res.Succeeded)); diff != "" {
		t.Errorf("succeeded (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"user.u1/CreateUser", "user.u2/CreateUser"}, stepIDs(res.NotRun)); diff != "" {
		t.Errorf("not run (-want +got):\n%s", diff)
	}
	if len(res.Failed) != 0 {
		t.Errorf("failed = %v, want none", stepIDs(res.Failed))
	}
	if !errors.Is(res.Err, context.Canceled) {
		t.Errorf("Err = %v, want context.Canceled", res.Err)
	}
}

func TestRunRetries(t *testing.T) {
	// anyRetries stands for more than one call, as many as the random
	// backoff allows.
	const anyRetries = -1
	noSuchEntity := iamError(provider.CodeNoSuchEntity, "The role with name app cannot be found.")
	invalidPrincipal := iamError(provider.CodeMalformedPolicyDocument, "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:user/alice\"")
	profileForNewRole := []*planner.Change{
		newChange(planner.Create, planner.TypeRole, "role.app", "app", set("assume_role_policy", mustDoc(docA))),
		newChange(planner.Create, planner.TypeInstanceProfile, "instance_profile.web", "web", set("role", "app")),
	}
	roleTrustingNewUser := []*planner.Change{
		newChange(planner.Create, planner.TypeUser, "user.alice", "alice"),
		newChange(planner.Create, planner.TypeRole, "role.app", "app",
			set("assume_role_policy", mustDoc(trustDoc(`"`+arnOf("user/", "alice")+`"`)))),
	}
	groupWithMember := []*planner.Change{
		newChange(planner.Delete, planner.TypeGroup, "group.devs", "devs"),
		newOwned(planner.Delete, planner.TypeMembership, groupRef("devs"), `group.devs.membership["alice"]`, "alice"),
	}
	deleteConflict := iamError(provider.CodeDeleteConflict, "Cannot delete entity, must remove users from group first.")
	attachToLiveRole := []*planner.Change{
		newOwned(planner.Create, planner.TypeAttachment, roleRef("app"), `role.app.policy_attachment["a"]`, arnOf("policy/", "A")),
	}

	tests := map[string]struct {
		changes     []*planner.Change
		prefix      string
		times       int
		err         error
		timeout     time.Duration
		wantErr     error // nil for success
		wantCalls   int   // calls starting with prefix, or anyRetries
		wantElapsed time.Duration
	}{
		"new role not yet visible to AddRoleToInstanceProfile": {
			changes: profileForNewRole, prefix: "AddRoleToInstanceProfile", times: 2, err: noSuchEntity,
			wantCalls: 3,
		},
		"new user not yet a valid principal": {
			changes: roleTrustingNewUser, prefix: "CreateRole", times: 1, err: invalidPrincipal,
			wantCalls: 2,
		},
		"never visible gives up at the timeout": {
			changes: profileForNewRole, prefix: "AddRoleToInstanceProfile", times: -1, err: noSuchEntity,
			timeout: 10 * time.Second, wantErr: ErrNotPropagated, wantCalls: anyRetries, wantElapsed: 10 * time.Second,
		},
		"NoSuchEntity on an entity not created here is terminal": {
			changes: attachToLiveRole, prefix: "AttachRolePolicy", times: -1, err: noSuchEntity,
			wantErr: ErrTerminal, wantCalls: 1,
		},
		"other malformed documents are terminal": {
			changes: roleTrustingNewUser, prefix: "CreateRole", times: -1,
			err:     iamError(provider.CodeMalformedPolicyDocument, "Syntax errors in policy."),
			wantErr: ErrTerminal, wantCalls: 1,
		},
		"removed member still counted by DeleteGroup": {
			changes: groupWithMember, prefix: "DeleteGroup", times: 1, err: deleteConflict,
			wantCalls: 2,
		},
		"DeleteConflict with nothing removed here is terminal": {
			changes: groupWithMember[:1], prefix: "DeleteGroup", times: -1, err: deleteConflict,
			wantErr: ErrTerminal, wantCalls: 1,
		},
		"credentials found still counted by DeleteUser": {
			changes: []*planner.Change{newChange(planner.Delete, planner.TypeUser, "user.carol", "carol")},
			prefix:  "DeleteUser", times: 1, err: iamError(provider.CodeDeleteConflict, "must delete access keys first"),
			wantCalls: 2,
		},
		"concurrent modification is retried on any step": {
			changes: attachToLiveRole, prefix: "AttachRolePolicy", times: 1,
			err:       iamError(provider.CodeConcurrentModification, "busy"),
			wantCalls: 2,
		},
		"throttling is retried": {
			changes: attachToLiveRole, prefix: "AttachRolePolicy", times: 2,
			err:       iamError(provider.CodeThrottling, "Rate exceeded"),
			wantCalls: 3,
		},
		"server failures are left to the SDK": {
			changes: attachToLiveRole, prefix: "AttachRolePolicy", times: -1,
			err:     iamError(provider.CodeServiceFailure, "internal error"),
			wantErr: ErrServerFailure, wantCalls: 1,
		},
		"a negative timeout turns retries off": {
			changes: profileForNewRole, prefix: "AddRoleToInstanceProfile", times: -1, err: noSuchEntity,
			timeout: -1, wantErr: ErrNotPropagated, wantCalls: 1,
		},
		"credentials already gone count as deleted": {
			changes: []*planner.Change{newChange(planner.Delete, planner.TypeUser, "user.carol", "carol")},
			prefix:  "DeleteAccessKey", times: -1, err: iamError(provider.CodeNoSuchEntity, "gone"),
			wantCalls: 1,
		},
	}

	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			client := newFakeClient()
			client.creds["carol"] = &provider.UserCredentials{AccessKeys: []provider.AccessKey{{ID: "AKIA1"}}}
			client.failOn(tt.prefix, tt.times, tt.err)
			clock := newFakeTime()
			start := clock.Now()
			hook := &recordingHook{}

			res := run(t, newPlan(tt.changes...), client, Options{
				ConsistencyTimeout: tt.timeout, Clock: clock.Now, Sleep: clock.Sleep, Hook: hook,
			})

			if tt.wantErr == nil && res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}
			if tt.wantErr != nil && !errors.Is(res.Err, tt.wantErr) {
				t.Fatalf("Err = %v, want %v", res.Err, tt.wantErr)
			}
			calls := 0
			for _, c := range client.recorded() {
				if strings.HasPrefix(c, tt.prefix) {
					calls++
				}
			}
			wantCalls := tt.wantCalls
			if wantCalls == anyRetries {
				if calls < 2 {
					t.Errorf("%d calls of %s, want more than one", calls, tt.prefix)
				}
				wantCalls = calls
			}
			if calls != wantCalls {
				t.Errorf("%d calls of %s, want %d", calls, tt.prefix, wantCalls)
			}
			retries := 0
			for _, e := range hook.recorded() {
				if strings.HasPrefix(e, "retry ") {
					retries++
				}
			}
			if retries != wantCalls-1 {
				t.Errorf("hook saw %d retries, want %d", retries, wantCalls-1)
			}
			if tt.wantElapsed != 0 {
				if got := clock.Now().Sub(start); got != tt.wantElapsed {
					t.Errorf("retried for %s, want %s", got, tt.wantElapsed)
				}
			}
			if tt.wantErr != nil && provider.ErrorCode(res.Err) != provider.ErrorCode(tt.err) {
				t.Errorf("ErrorCode(Err) = %q, want %q", provider.ErrorCode(res.Err), provider.ErrorCode(tt.err))
			}
		})
	}
}

func TestRunBackoffGrowsWithJitter(t *testing.T) {
	client := newFakeClient()
	client.failOn("AttachRolePolicy", 6, iamError(provider.CodeThrottling, "Rate exceeded"))
	clock := newFakeTime()
	plan := newPlan(newOwned(planner.Create, planner.TypeAttachment, roleRef("app"), `role.app.policy_attachment["a"]`, arnOf("policy/", "A")))

	res := run(t, plan, client, Options{Clock: clock.Now, Sleep: clock.Sleep})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	// Each wait is between half and all of 1s, 2s, 4s, 8s, 16s, 16s.
	full := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 16 * time.Second}
	slept := clock.slept()
	if len(slept) != len(full) {
		t.Fatalf("slept %v, want %d waits", slept, len(full))
	}
	for i, d := range slept {
		if d < full[i]/2 || d > full[i] {
			t.Errorf("wait %d = %s, want between %s and %s", i+1, d, full[i]/2, full[i])
		}
	}
}

func TestRunThrottlingLowersConcurrency(t *testing.T) {
	tests := map[string]func(c *fakeClient){
		"throttling error": func(c *fakeClient) {
			c.failOn("CreateUser u0", 1, iamError(provider.CodeThrottling, "Rate exceeded"))
		},
		"throttling the SDK retried": func(c *fakeClient) {
			c.reportThrottleOn("CreateUser u0", 1)
		},
	}
	for name, setup := range tests {
		t.Run(name, func(t *testing.T) {
			client := newFakeClient()
			setup(client)
			hook := &recordingHook{}

			// CreateUser u0 runs alone and is throttled; the fifteen
			// steps that wait for it make one run of successes.
			changes := users(1)
			for i := range 15 {
				name := fmt.Sprintf("p%d", i)
				changes = append(changes, newOwned(planner.Create, planner.TypeInlinePolicy, userRef("u0"),
					`user.u0.inline_policy["`+name+`"]`, name, set("document", mustDoc(docA))))
			}
			res := run(t, newPlan(changes...), client, Options{Parallelism: 4, Hook: hook})
			if res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}

			// One halving, then one step up after each run of raiseAfter
			// successes.
			var limits []string
			for _, e := range hook.recorded() {
				if strings.HasPrefix(e, "limit ") {
					limits = append(limits, e)
				}
			}
			if diff := cmp.Diff([]string{"limit 2", "limit 3"}, limits); diff != "" {
				t.Errorf("concurrency changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConcurrency(t *testing.T) {
	c := newConcurrency(8)
	check := func(step string, wantLimit int) {
		t.Helper()
		if got, _ := c.current(); got != wantLimit {
			t.Errorf("after %s: limit %d, want %d", step, got, wantLimit)
		}
	}

	_, epoch := c.current()
	c.throttled(epoch)
	check("a throttled call", 4)
	c.throttled(epoch)
	check("a second call of the same epoch", 4)

	_, epoch = c.current()
	c.throttled(epoch)
	c.throttled(epoch + 1)
	c.throttled(epoch + 2)
	check("three halvings", 1)
	c.throttled(epoch + 3)
	check("a halving at the floor", 1)

	for range raiseAfter - 1 {
		c.succeeded()
	}
	check("one success short of a run", 1)
	c.succeeded()
	check("a run of successes", 2)

	for range 20 * raiseAfter {
		c.succeeded()
	}
	check("many successes", 8)
}

func TestRunMaxRPS(t *testing.T) {
	client := newFakeClient()
	clock := newFakeTime()

	res := run(t, newPlan(users(3)...), client, Options{Parallelism: 1, MaxRPS: 10, Clock: clock.Now, Sleep: clock.Sleep})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	// The first call goes at once, the others 100ms apart.
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond}
	if diff := cmp.Diff(want, clock.slept()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestRateLimiterQueuesParallelCallers(t *testing.T) {
	clock := newFakeTime()
	// A sleep that does not move the clock: every caller asks at the same
	// instant, so each must be given the next free slot.
	var waits []time.Duration
	l := newRateLimiter(4, clock.Now, func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	})
	for range 4 {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond}
	if diff := cmp.Diff(want, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestRunHookEvents(t *testing.T) {
	client := newFakeClient()
	client.failOn("CreateUser u0", 1, iamError(provider.CodeThrottling, "Rate exceeded"))
	hook := &recordingHook{}

	res := run(t, newPlan(users(1)...), client, Options{Hook: hook})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	want := []string{"pre user.u0/CreateUser", "limit 2", "retry user.u0/CreateUser after attempt 1", "post user.u0/CreateUser"}
	if diff := cmp.Diff(want, hook.recorded()); diff != "" {
		t.Errorf("hook events (-want +got):\n%s", diff)
	}
	if got := res.Succeeded[0].Attempts; got != 2 {
		t.Errorf("Attempts = %d, want 2", got)
	}
}

func TestRunReusesGraph(t *testing.T) {
	g := compile(t, newPlan(newChange(planner.Delete, planner.TypeUser, "user.carol", "carol")))
	for i := range 2 {
		client := newFakeClient()
		client.creds["carol"] = &provider.UserCredentials{AccessKeys: []provider.AccessKey{{ID: "AKIA1"}}}
		res := Run(context.Background(), g, client, Options{})
		if res.Err != nil {
			t.Fatalf("run %d: %v", i+1, res.Err)
		}
		want := []string{"ReadUserCredentials carol", "DeleteAccessKey carol AKIA1", "DeleteUser carol"}
		if diff := cmp.Diff(want, client.recorded()); diff != "" {
			t.Errorf("run %d calls (-want +got):\n%s", i+1, diff)
		}
	}
	if n := len(g.Steps()); n != 2 {
		t.Errorf("graph has %d steps after two runs, want 2", n)
	}
}

func TestRunOneAtATimeFollowsSteps(t *testing.T) {
	// Independent creates and their sub-resources, listed so that the
	// plan's order is not an order IAM accepts.
	var changes []*planner.Change
	for i := range 5 {
		name := fmt.Sprintf("u%d", i)
		changes = append(changes,
			newOwned(planner.Create, planner.TypeInlinePolicy, userRef(name), "a."+name, "p", set("document", mustDoc(docA))),
			newChange(planner.Create, planner.TypeUser, "b."+name, name))
	}
	g := compile(t, newPlan(changes...))
	client := newFakeClient()

	res := Run(context.Background(), g, client, Options{Parallelism: 1})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	// The fake's call lines start with the step's action and target.
	steps, calls := g.Steps(), client.recorded()
	if len(calls) != len(steps) {
		t.Fatalf("%d calls for %d steps: %q", len(calls), len(steps), calls)
	}
	for i, s := range steps {
		want := s.Action + " " + strings.Join(s.Target, " ")
		if !strings.HasPrefix(calls[i], want) {
			t.Errorf("call %d = %q, want step %s", i+1, calls[i], s)
		}
	}
}

// BenchmarkCompile compiles the delete of a policy attached to 5,000 users
// that are deleted too, a wide fan-in of edges to one step.
func BenchmarkCompile(b *testing.B) {
	adminARN := arnOf("policy/", "Admin")
	changes := []*planner.Change{newChange(planner.Delete, planner.TypePolicy, "policy.Admin", "Admin",
		unset("arn", adminARN), unset("versions", []string{"v1", "v2", "v3", "v4"}))}
	for i := range 5000 {
		name := fmt.Sprintf("u%d", i)
		changes = append(changes,
			newChange(planner.Delete, planner.TypeUser, "user."+name, name),
			newOwned(planner.Delete, planner.TypeAttachment, userRef(name), "user."+name+".policy_attachment", adminARN),
			newOwned(planner.Delete, planner.TypeMembership, groupRef("devs"), "group.devs.membership."+name, name))
	}
	changes = append(changes, newChange(planner.Delete, planner.TypeGroup, "group.devs", "devs"))
	plan := newPlan(changes...)

	for b.Loop() {
		if _, err := Compile(plan); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStoppedWhileWaitingToRetry interrupts an apply while a step waits to
// retry a call that IAM refused because a new role was not yet visible.
// The refused call changed nothing, so the step is listed with the steps
// not made, with the error it was retrying, and not as a failure.
func TestStoppedWhileWaitingToRetry(t *testing.T) {
	client := newFakeClient()
	client.failOn("AddRoleToInstanceProfile", -1, iamError(provider.CodeNoSuchEntity, "The role with name app cannot be found."))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := newFakeTime()
	hook := &recordingHook{}
	sleep := func(ctx context.Context, d time.Duration) error {
		cancel() // the user presses Ctrl-C during the wait
		return ctx.Err()
	}
	plan := newPlan(
		newChange(planner.Create, planner.TypeRole, "role.app", "app", set("assume_role_policy", mustDoc(docA))),
		newChange(planner.Create, planner.TypeInstanceProfile, "instance_profile.web", "web", set("role", "app")),
	)

	res := Run(ctx, compile(t, plan), client, Options{Clock: clock.Now, Sleep: sleep, Hook: hook})

	if len(res.Failed) > 0 {
		t.Errorf("failed steps %v, want none: the refused call changed nothing", stepIDs(res.Failed))
	}
	var stopped *StepReport
	for i, r := range res.NotRun {
		if r.Step.Action == "AddRoleToInstanceProfile" {
			stopped = &res.NotRun[i]
		}
	}
	if stopped == nil {
		t.Fatalf("steps not made %v, want AddRoleToInstanceProfile among them", stepIDs(res.NotRun))
	}
	if provider.ErrorCode(stopped.StoppedRetrying) != provider.CodeNoSuchEntity {
		t.Errorf("StoppedRetrying = %v, want the NoSuchEntity error it was retrying", stopped.StoppedRetrying)
	}
	if res.Err == nil || !strings.Contains(res.Err.Error(), "interrupted with") {
		t.Errorf("Err = %v, want the interruption", res.Err)
	}
	if !slices.Contains(hook.recorded(), "post instance_profile.web/AddRoleToInstanceProfile failed") {
		t.Errorf("hook events %q lack the end of the stopped step", hook.recorded())
	}
}
