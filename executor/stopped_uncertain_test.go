package executor

import (
	"context"
	"testing"
	"time"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// A CreateUser whose first SDK attempt ended without a known outcome, and
// whose last attempt was throttled, may have created the user. When the
// apply stops while the step waits to retry, the step must not be reported
// as a call that was not made and changed nothing.
func TestStoppedRetryingAfterUncertainAttempt(t *testing.T) {
	client := newFakeClient()
	client.failUncertainOn("CreateUser", 1, true, iamError(provider.CodeThrottling, "Rate exceeded"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := newFakeTime()
	sleep := func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	plan := newPlan(newChange(planner.Create, planner.TypeUser, "user.alice", "alice", set("path", "/")))

	res := Run(ctx, compile(t, plan), client, Options{Clock: clock.Now, Sleep: sleep})

	for _, r := range res.NotRun {
		if r.StoppedRetrying != nil {
			t.Errorf("%s is listed as not made (StoppedRetrying = %v), but its first attempt may have created the user",
				r.Step, r.StoppedRetrying)
		}
	}
	if len(res.Failed) == 0 && len(res.Succeeded) == 0 {
		t.Errorf("no step failed or succeeded, so the CLI prints \"No call took effect, so nothing changed\"; calls made: %q", client.recorded())
	}
}
