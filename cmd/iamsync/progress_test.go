package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/executor"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
)

// TestApplyFailureReport checks that the report of a stopped apply names
// each step once, by its address and call, and gives a failed step's cause
// without repeating them.
func TestApplyFailureReport(t *testing.T) {
	createBob := executor.Step{Address: "user.bob", Action: "CreateUser", Target: []string{"bob"}}
	createDev := executor.Step{Address: "group.dev", Action: "CreateGroup", Target: []string{"dev"}}
	addAlice := executor.Step{Address: `group.dev.membership["alice"]`, Action: "AddUserToGroup", Target: []string{"dev", "alice"}}
	createCarol := executor.Step{Address: "user.carol", Action: "CreateUser", Target: []string{"carol"}}
	addRole := executor.Step{Address: "instance_profile.web", Action: "AddRoleToInstanceProfile", Target: []string{"web", "app"}}
	notVisible := &awsprovider.CallError{Action: "AddRoleToInstanceProfile", Entity: "instance profile web",
		Err: errors.New("NoSuchEntity: The role with name app cannot be found.")}
	failure := &executor.StepError{Address: createDev.Address, Action: createDev.Action, Attempts: 1, Err: &awsprovider.CallError{
		Action: "CreateGroup", Entity: "group dev", Err: errors.New("LimitExceeded: Cannot exceed quota for GroupsPerAccount: 300"),
	}}
	interrupted := fmt.Errorf("interrupted with 2 calls not made: %w", context.Canceled)
	result := &executor.Result{
		Succeeded: []executor.StepReport{{Step: createBob}},
		Failed:    []executor.StepReport{{Step: createDev, Err: failure}},
		NotRun: []executor.StepReport{
			{Step: addAlice, DependencyFailed: true}, {Step: createCarol}, {Step: addRole, StoppedRetrying: notVisible},
		},
		Err: errors.Join(failure, interrupted),
	}

	var b strings.Builder
	writeApplyFailure(&b, result)

	want := `
Apply stopped: interrupted with 2 calls not made: context canceled; 1 call failed

1 call succeeded:
  done      user.bob: CreateUser bob

1 call failed:
  failed    group.dev: CreateGroup dev: LimitExceeded: Cannot exceed quota for GroupsPerAccount: 300

3 calls not made:
  not made  group.dev.membership["alice"]: AddUserToGroup dev alice
  not made  user.carol: CreateUser carol
  not made  instance_profile.web: AddRoleToInstanceProfile web app (stopped while waiting to retry after: NoSuchEntity: The role with name app cannot be found.)

Run plan to see what is left, then apply again to finish.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("report differs (-want +got):\n%s", diff)
	}
}

// TestApplyFailureReportBeforeAnyCall checks the report of an apply that
// stopped before its first call: it says that nothing changed, without
// empty lists of calls made and failed.
func TestApplyFailureReportBeforeAnyCall(t *testing.T) {
	createBob := executor.Step{Address: "user.bob", Action: "CreateUser", Target: []string{"bob"}}
	result := &executor.Result{
		NotRun: []executor.StepReport{{Step: createBob}},
		Err:    errors.New("secret file keys/bob.ini already exists: move it away, or name another file, so that no earlier secret is overwritten"),
	}
	var b strings.Builder
	writeApplyFailure(&b, result)

	want := `
Apply stopped: secret file keys/bob.ini already exists: move it away, or name another file, so that no earlier secret is overwritten

No call took effect, so nothing changed. 1 call not made:
  not made  user.bob: CreateUser bob

Fix the cause above, then apply again.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("report differs (-want +got):\n%s", diff)
	}
}
