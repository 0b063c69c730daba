package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iamsync/iamsync/provider/sandbox"
)

// The tests in this file apply configurations to a sandbox that fails as
// IAM does under load, and check that apply still converges: a plan
// afterwards finds nothing to do.

// withFaults makes the sandbox inject faults.
func withFaults(f sandbox.Faults) func(*sandbox.Options) {
	return func(o *sandbox.Options) { o.Faults = f }
}

// shortenSDKBackoff caps the SDK's delay between retries at a few
// milliseconds for the test, because the faults are many and the point is
// that they are survived, not how long IAM makes a client wait.
func shortenSDKBackoff(t *testing.T) {
	old := sdkMaxBackoff
	sdkMaxBackoff = 20 * time.Millisecond
	t.Cleanup(func() { sdkMaxBackoff = old })
}

// applyUntilClean applies dir and then plans it, and fails the test unless
// the apply succeeds and the plan is clean.
func applyUntilClean(t *testing.T, h *harness, dir string) {
	t.Helper()
	apply := h.mustRun(exitOK, "apply", "--auto-approve", dir)
	if !strings.Contains(apply.stdout, "Apply complete. The account matches the configuration.") {
		t.Errorf("apply did not confirm the result:\n%s", apply.stdout)
	}
	plan := h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)
	if !strings.Contains(plan.stdout, "No changes.") {
		t.Errorf("plan after apply is not clean:\n%s", plan.stdout)
	}
}

// TestApplyConvergesUnderThrottlingAndServerErrors applies the example
// organisation while 30% of all requests are throttled and 5% fail with a
// server error, for several seeds.
func TestApplyConvergesUnderThrottlingAndServerErrors(t *testing.T) {
	shortenSDKBackoff(t)
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			h := newHarness(t, "", withFaults(sandbox.Faults{Seed: seed, ThrottleRate: 0.3, ErrorRate: 0.05}))
			start := time.Now()

			applyUntilClean(t, h, orgDir)

			counts := h.srv.FaultCounts()
			if counts.Throttled == 0 || counts.ServerErrors == 0 {
				t.Errorf("faults injected: %+v, want throttling and server errors", counts)
			}
			t.Logf("seed %d: %d write calls, %d throttled, %d server errors, %s",
				seed, h.srv.WriteCalls(), counts.Throttled, counts.ServerErrors, time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestApplyConvergesWithDroppedConnections applies the organisation, then
// a changed one, while connections drop before and after the change is
// made. A drop after a create makes the SDK's repetition find the entity,
// and a drop after a delete makes it find the entity gone.
func TestApplyConvergesWithDroppedConnections(t *testing.T) {
	shortenSDKBackoff(t)
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			h := newHarness(t, "", withFaults(sandbox.Faults{Seed: seed, DropRate: 0.1}))
			changed := changedOrg(t)
			start := time.Now()

			applyUntilClean(t, h, orgDir)
			applyUntilClean(t, h, changed.dir)
			changed.checkAccount(t, h)

			counts := h.srv.FaultCounts()
			if counts.DroppedAfterApply == 0 {
				t.Errorf("faults injected: %+v, want connections dropped after the change", counts)
			}
			t.Logf("seed %d: %d write calls, %d dropped before, %d dropped after, %s", seed, h.srv.WriteCalls(),
				counts.DroppedBeforeApply, counts.DroppedAfterApply, time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestDroppedKeyAndVersionCreatesMakeNoDuplicates drops the connections of
// half the CreateAccessKey and CreatePolicyVersion calls, the two
// creates whose repetition would make a second key or version. No user may
// end with more keys, and no policy with more versions, than declared.
func TestDroppedKeyAndVersionCreatesMakeNoDuplicates(t *testing.T) {
	shortenSDKBackoff(t)
	base := newHarness(t, "")
	base.mustRun(exitOK, "apply", "--auto-approve", orgDir)
	state := base.state

	dropped := 0
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			h := newHarness(t, state, withFaults(sandbox.Faults{
				Seed: seed, DropRate: 0.5, Actions: []string{"CreateAccessKey", "CreatePolicyVersion"},
			}))
			changed := changedOrg(t)

			// Three calls in a row without a known outcome stop the apply,
			// which reports it. The next apply finishes the job.
			if r := h.run("apply", "--auto-approve", changed.dir); r.code != exitOK {
				if !strings.Contains(r.stderr, "outcome still unknown after 3 calls") {
					t.Fatalf("apply failed with exit code %d:\n%s\n%s", r.code, r.stdout, r.stderr)
				}
				t.Logf("seed %d: the first apply stopped on a create without known outcome", seed)
				h.mustRun(exitOK, "apply", "--auto-approve", changed.dir)
			}
			h.mustRun(exitOK, "plan", "--detailed-exitcode", changed.dir)
			changed.checkAccount(t, h)

			counts := h.srv.FaultCounts()
			dropped += counts.DroppedAfterApply
			t.Logf("seed %d: %d dropped before, %d dropped after", seed, counts.DroppedBeforeApply, counts.DroppedAfterApply)
		})
	}
	if dropped == 0 {
		t.Error("no call was dropped after its change: the test proves nothing")
	}
}

// TestApplyWaitsForEventualConsistency applies the organisation while new
// entities stay invisible for a second to the calls that use them: group
// memberships, attachments, the instance profile's role and the trust
// policy that names two new users.
func TestApplyWaitsForEventualConsistency(t *testing.T) {
	h := newHarness(t, "", withFaults(sandbox.Faults{ConsistencyDelay: time.Second}))
	start := time.Now()

	applyUntilClean(t, h, orgDir)

	counts := h.srv.FaultCounts()
	if counts.NotYetVisible == 0 {
		t.Errorf("no call met an invisible entity: %+v", counts)
	}
	t.Logf("%d calls refused while entities were invisible, %s", counts.NotYetVisible, time.Since(start).Round(time.Millisecond))
}

// TestRetriesAreLogged checks that the debug log names the action and the
// entity of every retry: those the SDK makes after throttling, and those
// apply makes while a new user is not yet visible.
func TestRetriesAreLogged(t *testing.T) {
	shortenSDKBackoff(t)
	h := newHarness(t, "", withFaults(sandbox.Faults{
		Seed: 1, ThrottleRate: 0.5, ConsistencyDelay: 300 * time.Millisecond,
		Actions: []string{"CreateUser", "AddUserToGroup"},
	}))
	dir := writeConfig(t, map[string]string{"main.hcl": `
group "admins" {
  name = "Admins"
}

user "alice" {
  name   = "alice"
  groups = ["Admins"]
}
`})

	r := h.mustRun(exitOK, "--log-level", "debug", "apply", "--auto-approve", dir)

	for _, want := range []string{
		`msg="retrying request" action=CreateUser entity="user alice" attempt=2 error=`,
		`msg="retrying step" step="group.admins.membership[\"alice\"]/AddUserToGroup" action=AddUserToGroup target="Admins alice" attempt=1`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("debug log lacks %s:\n%s", want, r.stderr)
		}
	}
}

// TestSandboxServeFaultFlags starts `iamsync sandbox serve` with fault flags
// and a context that is already cancelled, so that it starts, prints its
// banner and stops.
func TestSandboxServeFaultFlags(t *testing.T) {
	tests := map[string]struct {
		flags      []string
		wantCode   int
		wantOutput string
	}{
		"faults announced": {
			flags:      []string{"--throttle-rate", "0.3", "--error-rate", "0.05", "--fault-seed", "7"},
			wantOutput: "Injecting faults: throttle 0.3, errors 0.05, seed 7, all actions.",
		},
		"faults on some actions": {
			flags:      []string{"--consistency-delay", "2s", "--fault-actions", "CreateUser,AddUserToGroup"},
			wantOutput: "Injecting faults: consistency delay 2s, seed 0, actions CreateUser AddUserToGroup.",
		},
		"rate above 1": {
			flags:      []string{"--drop-rate", "1.5"},
			wantCode:   exitError,
			wantOutput: "drop rate 1.5 is not between 0 and 1",
		},
		"unknown action": {
			flags:      []string{"--throttle-rate", "0.1", "--fault-actions", "CreateUsers"},
			wantCode:   exitError,
			wantOutput: `unknown action "CreateUsers"`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, stderr bytes.Buffer
			args := append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0"}, tt.flags...)

			code := Run(ctx, args, strings.NewReader(""), &stdout, &stderr)

			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\n%s%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String()+stderr.String(), tt.wantOutput) {
				t.Errorf("output lacks %q:\n%s%s", tt.wantOutput, stdout.String(), stderr.String())
			}
		})
	}
}
