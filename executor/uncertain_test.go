package executor

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// TestRepeatAfterUncertainAttempt checks that the error a repeated call
// gives once it has taken effect counts as success only after an attempt
// whose outcome is unknown.
func TestRepeatAfterUncertainAttempt(t *testing.T) {
	const (
		C = planner.Create
		D = planner.Delete
	)
	exists := iamError(provider.CodeEntityAlreadyExists, "User with name alice already exists.")
	gone := iamError(provider.CodeNoSuchEntity, "The role with name app cannot be found.")
	full := iamError(provider.CodeLimitExceeded, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")

	tests := map[string]struct {
		change    *planner.Change
		prefix    string
		err       error
		uncertain bool
		wantOK    bool
	}{
		"create finds its own user": {
			change: newChange(C, planner.TypeUser, "user.alice", "alice", set("path", "/")),
			prefix: "CreateUser", err: exists, uncertain: true, wantOK: true,
		},
		"create finds someone else's user": {
			change: newChange(C, planner.TypeUser, "user.alice", "alice", set("path", "/")),
			prefix: "CreateUser", err: exists,
		},
		"delete finds the role gone": {
			change: newChange(D, planner.TypeRole, "role.app", "app", unset("path", "/")),
			prefix: "DeleteRole", err: gone, uncertain: true, wantOK: true,
		},
		"delete of a role already gone": {
			change: newChange(D, planner.TypeRole, "role.app", "app", unset("path", "/")),
			prefix: "DeleteRole", err: gone,
		},
		"profile finds its role added": {
			change: newChange(C, planner.TypeInstanceProfile, "instance_profile.app", "app", set("path", "/"), set("role", "app")),
			prefix: "AddRoleToInstanceProfile", err: full, uncertain: true, wantOK: true,
		},
		"create with another error": {
			change: newChange(C, planner.TypeUser, "user.alice", "alice", set("path", "/")),
			prefix: "CreateUser", err: iamError(provider.CodeLimitExceeded, "Cannot exceed quota for UsersPerAccount: 5000"), uncertain: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			client := newFakeClient()
			if tt.uncertain {
				client.failUncertainOn(tt.prefix, 1, true, tt.err)
			} else {
				client.failOn(tt.prefix, 1, tt.err)
			}

			res := run(t, newPlan(tt.change), client, Options{})

			if tt.wantOK && res.Err != nil {
				t.Errorf("Run: %v, want success", res.Err)
			}
			if !tt.wantOK && res.Err == nil {
				t.Errorf("Run succeeded, want the call's error")
			}
		})
	}
}

// TestAccessKeyLostInUncertainCallIsReplaced makes IAM create a key whose
// response never arrives. The key is deleted, because its secret is lost,
// and a second call makes the key whose secret the file receives.
func TestAccessKeyLostInUncertainCallIsReplaced(t *testing.T) {
	dir := t.TempDir()
	client := newFakeClient()
	client.accessKeys["alice"] = []provider.AccessKey{{ID: "AKIAOLD", Status: "Active"}}
	client.failUncertainOn("CreateAccessKey", 1, true, iamError(provider.CodeServiceFailure, "ServiceFailure"))

	res := run(t, newPlan(newAccessKey("alice", "alice.key")), client, Options{Dir: dir})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	want := []string{
		"ListAccessKeys alice",
		"CreateAccessKey alice",
		"ListAccessKeys alice",
		"DeleteAccessKey alice AKIAFAKE0001",
		"ListAccessKeys alice",
		"CreateAccessKey alice",
	}
	if diff := cmp.Diff(want, client.recorded()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	ids := []string{}
	for _, k := range client.accessKeys["alice"] {
		ids = append(ids, k.ID)
	}
	if diff := cmp.Diff([]string{"AKIAOLD", "AKIAFAKE0002"}, ids); diff != "" {
		t.Errorf("keys left (-want +got):\n%s", diff)
	}
	if text := checkSecretFile(t, filepath.Join(dir, "alice.key")); !strings.Contains(text, "AKIAFAKE0002") {
		t.Errorf("secret file holds %q, want the second key", text)
	}
}

// TestAccessKeyUncertainTooOftenFails checks that three CreateAccessKey
// calls without a known outcome stop the step. The step's error must state
// this even when the provider's error describes its own cause.
func TestAccessKeyUncertainTooOftenFails(t *testing.T) {
	failure := iamError(provider.CodeServiceFailure, "ServiceFailure")
	tests := map[string]error{
		"IAM error":      failure,
		"provider error": &callError{action: "CreateAccessKey", entity: "user alice", err: failure},
	}
	for name, callErr := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			client := newFakeClient()
			client.failUncertainOn("CreateAccessKey", -1, false, callErr)

			res := run(t, newPlan(newAccessKey("alice", "alice.key")), client, Options{Dir: dir})

			var stepErr *StepError
			if !errors.As(res.Err, &stepErr) {
				t.Fatalf("Err = %v, want a StepError", res.Err)
			}
			want := "outcome still unknown after 3 calls: ServiceFailure: ServiceFailure"
			if got := stepErr.Cause(); got != want {
				t.Errorf("Cause() = %q, want %q", got, want)
			}
			if got := strings.Count(strings.Join(client.recorded(), "\n"), "CreateAccessKey"); got != 3 {
				t.Errorf("%d CreateAccessKey calls, want 3", got)
			}
			if _, err := os.Stat(filepath.Join(dir, "alice.key")); !os.IsNotExist(err) {
				t.Errorf("secret file after the failure: %v, want none", err)
			}
		})
	}
}

// TestPolicyVersionUncertainCall checks that a CreatePolicyVersion whose
// outcome is unknown is made again only when the default version does not
// hold the new document.
func TestPolicyVersionUncertainCall(t *testing.T) {
	adminARN := arnOf("policy/", "Admin")
	update := newChange(planner.Update, planner.TypePolicy, "policy.admin", "Admin",
		change("arn", adminARN, adminARN), change("document", mustDoc(docA), mustDoc(docB)))
	create := "CreatePolicyVersion " + adminARN + " " + docB + " default=true"
	read := "ReadDefaultPolicyVersion " + adminARN

	tests := map[string]struct {
		tookEffect bool
		want       []string
	}{
		"version made":     {tookEffect: true, want: []string{create, read}},
		"version not made": {tookEffect: false, want: []string{create, read, create}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			client := newFakeClient()
			client.failUncertainOn("CreatePolicyVersion", 1, tt.tookEffect, iamError(provider.CodeServiceFailure, "ServiceFailure"))

			res := run(t, newPlan(update), client, Options{})
			if res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}
			if diff := cmp.Diff(tt.want, client.recorded()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunWaitingStepFreesItsSlot checks that a step waiting to retry does
// not hold a call slot: with one call at a time, another step runs while
// it waits.
func TestRunWaitingStepFreesItsSlot(t *testing.T) {
	client := newFakeClient()
	client.started = make(chan string, 10)
	client.failOn("PutUserPolicy u0", 1, iamError(provider.CodeNoSuchEntity, "The user with name u0 cannot be found."))
	plan := newPlan(
		newChange(planner.Create, planner.TypeUser, "user.u0", "u0", set("path", "/")),
		newOwned(planner.Create, planner.TypeInlinePolicy, userRef("u0"), `user.u0.inline_policy["p"]`, "p", set("document", mustDoc(docA))),
		newChange(planner.Create, planner.TypeUser, "user.u1", "u1", set("path", "/")),
	)
	sleeping, wake := make(chan struct{}), make(chan struct{})
	sleep := func(ctx context.Context, d time.Duration) error {
		close(sleeping)
		<-wake
		return nil
	}
	done := make(chan *Result)
	go func() {
		done <- Run(context.Background(), compile(t, plan), client, Options{Parallelism: 1, Sleep: sleep})
	}()

	<-sleeping
	for started := false; !started; {
		select {
		case line := <-client.started:
			started = strings.HasPrefix(line, "CreateUser u1")
		case <-time.After(5 * time.Second):
			t.Fatal("CreateUser u1 did not start while the inline policy waited to retry")
		}
	}
	close(wake)
	if res := <-done; res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}
	want := []string{"CreateUser u0 / []", "PutUserPolicy u0 p " + docA, "CreateUser u1 / []", "PutUserPolicy u0 p " + docA}
	if diff := cmp.Diff(want, client.recorded()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestLoginProfileUncertainCall checks a CreateLoginProfile call without a
// known outcome. The password sent is kept when IAM may have set it, so
// that no console password is lost.
func TestLoginProfileUncertainCall(t *testing.T) {
	tests := map[string]struct {
		// profile is whether the user has a login profile after the call.
		profile bool
		// readFails makes the read of the user's credentials fail.
		readFails bool
		// err is the call's error, after the SDK repeated it.
		err     error
		wantErr string
		// wantCalls are the calls of the step.
		wantCalls []string
		// wantPassword is the call whose password the file keeps, by
		// index into the CreateLoginProfile calls; -1 for no file.
		wantPassword int
	}{
		"repeat found the profile": {
			profile: true, err: iamError(provider.CodeEntityAlreadyExists, "Login Profile for user alice already exists."),
			wantCalls:    []string{"CreateLoginProfile", "ReadUserCredentials"},
			wantPassword: 0,
		},
		"no profile made": {
			err:          iamError(provider.CodeServiceFailure, "ServiceFailure"),
			wantErr:      "ServiceFailure",
			wantCalls:    []string{"CreateLoginProfile", "ReadUserCredentials"},
			wantPassword: -1,
		},
		"profile unknown": {
			readFails: true, err: iamError(provider.CodeServiceFailure, "ServiceFailure"),
			wantErr:      "the password sent is kept in its file, because IAM may have set it",
			wantCalls:    []string{"CreateLoginProfile", "ReadUserCredentials"},
			wantPassword: 0,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			client := newFakeClient()
			client.failUncertainOn("CreateLoginProfile", 1, true, tt.err)
			if tt.profile {
				client.creds["alice"] = &provider.UserCredentials{LoginProfile: &provider.LoginProfile{}}
			}
			if tt.readFails {
				client.failOn("ReadUserCredentials", -1, iamError(provider.CodeServiceFailure, "ServiceFailure"))
			}

			res := run(t, newPlan(newLoginProfile("alice", "alice.password", false)), client, Options{Dir: dir})
			if tt.wantErr == "" && res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}
			if tt.wantErr != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantErr)) {
				t.Fatalf("Run error = %v, want it to contain %q", res.Err, tt.wantErr)
			}

			var calls, passwords []string
			for _, line := range client.recorded() {
				fields := strings.Fields(line)
				if fields[0] == "ReadUserCredentials" && len(calls) > 0 && calls[len(calls)-1] == "ReadUserCredentials" {
					continue // the retries of a failing read
				}
				calls = append(calls, fields[0])
				if fields[0] == "CreateLoginProfile" {
					passwords = append(passwords, strings.TrimPrefix(fields[2], "password="))
				}
			}
			if diff := cmp.Diff(tt.wantCalls, calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			path := filepath.Join(dir, "alice.password")
			if tt.wantPassword < 0 {
				if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("password file of a profile not made: %v, want it removed", err)
				}
				return
			}
			text := checkSecretFile(t, path)
			if want := passwords[tt.wantPassword]; !strings.Contains(text, want) {
				t.Errorf("password file holds %q, want the password %q", text, want)
			}
		})
	}
}

// TestLoginProfileUncertainCallToStdout checks the same failure with the
// password going to standard output: nothing is printed, and the error
// reports that instead of naming a file "-".
func TestLoginProfileUncertainCallToStdout(t *testing.T) {
	client := newFakeClient()
	client.failUncertainOn("CreateLoginProfile", 1, true, iamError(provider.CodeServiceFailure, "ServiceFailure"))
	stdout := &strings.Builder{}

	res := run(t, newPlan(newLoginProfile("alice", "-", false)), client, Options{Stdout: stdout})

	if res.Err == nil || !strings.Contains(res.Err.Error(), "the login profile does not exist, so its password is not printed") {
		t.Errorf("Run error = %v, want it to say that the password is not printed", res.Err)
	}
	if stdout.Len() > 0 {
		t.Errorf("standard output = %q, want nothing for a profile that was not made", stdout.String())
	}
}
