package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// newFaultFixture starts a sandbox with faults and a clock that the test
// moves. Its clients never retry, so every fault reaches the test.
func newFaultFixture(t *testing.T, faults Faults) (*fixture, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Now().UTC()}
	srv, err := New(Options{Faults: faults})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv.now = clock.now
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	f := &fixture{srv: srv, url: ts.URL}
	keyID, secret := srv.Credentials()
	f.iam, f.sts = f.clients(keyID, secret)
	return f, clock
}

// fakeClock is a clock that moves only when the test calls advance. Request
// signatures are checked against it too, and a few minutes of difference
// from the real clock stay within the allowed skew.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestThrottlingFaultChangesNothing(t *testing.T) {
	f, _ := newFaultFixture(t, Faults{ThrottleRate: 1, Actions: []string{"CreateUser"}})
	ctx := t.Context()

	_, err := f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	wantError(t, err, "Throttling", http.StatusBadRequest, "Rate exceeded")

	users := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{}))(t)
	if len(users.Users) != 0 {
		t.Errorf("a throttled CreateUser created %d user(s)", len(users.Users))
	}
	if diff := cmp.Diff(FaultCounts{Throttled: 1}, f.srv.FaultCounts()); diff != "" {
		t.Errorf("fault counts (-want +got):\n%s", diff)
	}
}

func TestServerErrorFaultChangesNothing(t *testing.T) {
	f, _ := newFaultFixture(t, Faults{ErrorRate: 1, Seed: 7, Actions: []string{"CreateGroup"}})
	ctx := t.Context()

	codes := map[string]int{}
	for i := range 40 {
		_, err := f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(fmt.Sprintf("g%d", i))})
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("CreateGroup: %v, want a server error", err)
		}
		var respErr *smithyhttp.ResponseError
		if !errors.As(err, &respErr) {
			t.Fatalf("CreateGroup: %v carries no HTTP response", err)
		}
		codes[fmt.Sprintf("%s %d", apiErr.ErrorCode(), respErr.HTTPStatusCode())]++
	}

	if len(codes) != 2 || codes["ServiceFailure 500"] == 0 || codes["ServiceUnavailable 503"] == 0 {
		t.Errorf("server errors = %v, want both ServiceFailure 500 and ServiceUnavailable 503", codes)
	}
	groups := must(f.iam.ListGroups(ctx, &iam.ListGroupsInput{}))(t)
	if len(groups.Groups) != 0 {
		t.Errorf("failed CreateGroup calls created %d group(s)", len(groups.Groups))
	}
	if got := f.srv.FaultCounts().ServerErrors; got != 40 {
		t.Errorf("ServerErrors = %d, want 40", got)
	}
}

// TestDroppedConnections checks both kinds of dropped connection: the
// client gets no response either way, and only the requests dropped after
// the action ran changed the account.
func TestDroppedConnections(t *testing.T) {
	f, _ := newFaultFixture(t, Faults{DropRate: 1, Seed: 3, Actions: []string{"CreateUser"}})
	ctx := t.Context()

	for i := range 30 {
		_, err := f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%02d", i))})
		var sendErr *smithyhttp.RequestSendError
		if !errors.As(err, &sendErr) {
			t.Fatalf("CreateUser: %v, want a connection error", err)
		}
	}

	counts := f.srv.FaultCounts()
	if counts.DroppedBeforeApply+counts.DroppedAfterApply != 30 {
		t.Errorf("dropped %d before and %d after, want 30 in all", counts.DroppedBeforeApply, counts.DroppedAfterApply)
	}
	if counts.DroppedBeforeApply == 0 || counts.DroppedAfterApply == 0 {
		t.Errorf("dropped %d before and %d after, want some of each", counts.DroppedBeforeApply, counts.DroppedAfterApply)
	}
	users := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{}))(t)
	if len(users.Users) != counts.DroppedAfterApply {
		t.Errorf("%d users exist, want one per request dropped after apply (%d)", len(users.Users), counts.DroppedAfterApply)
	}
}

func TestFaultsApplyOnlyToListedActions(t *testing.T) {
	f, _ := newFaultFixture(t, Faults{ThrottleRate: 1, Actions: []string{"DeleteUser"}})
	ctx := t.Context()

	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))(t)
	ok(f.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")}))(t)
	_, err := f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	wantError(t, err, "Throttling", http.StatusBadRequest, "Rate exceeded")
}

// TestFaultSeedRepeatsFaults checks that two sandboxes with the same seed
// fail the same requests of the same sequence.
func TestFaultSeedRepeatsFaults(t *testing.T) {
	outcomes := func(seed uint64) []string {
		f, _ := newFaultFixture(t, Faults{ThrottleRate: 0.3, ErrorRate: 0.2, Seed: seed})
		var got []string
		for i := range 40 {
			_, err := f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%02d", i))})
			code := "ok"
			var apiErr smithy.APIError
			if errors.As(err, &apiErr) {
				code = apiErr.ErrorCode()
			}
			got = append(got, code)
		}
		return got
	}

	first, again, other := outcomes(42), outcomes(42), outcomes(43)
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("same seed, different faults (-first +again):\n%s", diff)
	}
	if cmp.Equal(first, other) {
		t.Errorf("seeds 42 and 43 failed the same requests: %v", first)
	}
}

func TestLatencyDelaysEveryRequest(t *testing.T) {
	const latency = 30 * time.Millisecond
	f, _ := newFaultFixture(t, Faults{Latency: latency})

	start := time.Now()
	ok(f.iam.ListUsers(t.Context(), &iam.ListUsersInput{}))(t)
	ok(f.iam.ListGroups(t.Context(), &iam.ListGroupsInput{}))(t)
	if elapsed := time.Since(start); elapsed < 2*latency {
		t.Errorf("two requests took %s, want at least %s", elapsed, 2*latency)
	}
}

// TestConsistencyDelayHidesNewEntities checks that a new entity is unknown
// to the actions that use it until the delay has passed, and that the
// refused calls change nothing.
func TestConsistencyDelayHidesNewEntities(t *testing.T) {
	f, clock := newFaultFixture(t, Faults{ConsistencyDelay: time.Minute})
	ctx := t.Context()
	trustUser := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/people/alice"},"Action":"sts:AssumeRole"}]}`

	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/people/")}))(t)
	ok(f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")}))(t)
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
	ok(f.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app")}))(t)

	// Within the delay.
	clock.advance(59 * time.Second)
	_, err := f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("alice")})
	wantError(t, err, "NoSuchEntity", http.StatusNotFound, "The group with name admins cannot be found.")
	_, err = f.iam.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app"), RoleName: aws.String("app")})
	wantError(t, err, "NoSuchEntity", http.StatusNotFound, "Instance Profile app cannot be found.")
	_, err = f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("breakglass"), AssumeRolePolicyDocument: aws.String(trustUser)})
	wantError(t, err, "MalformedPolicyDocument", http.StatusBadRequest,
		`Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/people/alice"`)
	if got := f.srv.FaultCounts().NotYetVisible; got != 3 {
		t.Errorf("NotYetVisible = %d, want 3", got)
	}
	members := must(f.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("admins")}))(t)
	if len(members.Users) != 0 {
		t.Errorf("a refused AddUserToGroup added %d member(s)", len(members.Users))
	}

	// After the delay.
	clock.advance(time.Second)
	ok(f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("alice")}))(t)
	ok(f.iam.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app"), RoleName: aws.String("app")}))(t)
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("breakglass"), AssumeRolePolicyDocument: aws.String(trustUser)}))(t)
}

func TestConsistencyDelayHidesNewPolicyAndNewName(t *testing.T) {
	f, clock := newFaultFixture(t, Faults{ConsistencyDelay: time.Minute})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))(t)
	clock.advance(time.Minute)

	out := must(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("AllowAll"), PolicyDocument: aws.String(allowAllDocument)}))(t)
	_, err := f.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: out.Policy.Arn})
	wantError(t, err, "NoSuchEntity", http.StatusNotFound,
		"Policy arn:aws:iam::123456789012:policy/AllowAll does not exist or is not attachable.")

	ok(f.iam.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("robert")}))(t)
	put := &iam.PutUserPolicyInput{UserName: aws.String("robert"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}
	_, err = f.iam.PutUserPolicy(ctx, put)
	wantError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name robert cannot be found.")

	clock.advance(time.Minute)
	ok(f.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("robert"), PolicyArn: out.Policy.Arn}))(t)
	ok(f.iam.PutUserPolicy(ctx, put))(t)
}

func TestInvalidFaultsAreRejected(t *testing.T) {
	tests := map[string]Faults{
		"rate above 1":     {ThrottleRate: 1.5},
		"negative rate":    {DropRate: -0.1},
		"rates above 1":    {ThrottleRate: 0.6, ErrorRate: 0.5},
		"negative latency": {Latency: -time.Second},
		"unknown action":   {ThrottleRate: 0.1, Actions: []string{"CreateUsers"}},
	}
	for name, faults := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New(Options{Faults: faults}); err == nil {
				t.Errorf("New accepted faults %+v", faults)
			}
		})
	}
}

func TestFaultsString(t *testing.T) {
	tests := map[string]struct {
		faults Faults
		want   string
	}{
		"none":        {Faults{Seed: 3}, "none"},
		"all actions": {Faults{ThrottleRate: 0.3, ErrorRate: 0.05, Seed: 7}, "throttle 0.3, errors 0.05, seed 7, all actions"},
		"some actions": {
			Faults{DropRate: 0.01, Latency: 20 * time.Millisecond, ConsistencyDelay: 2 * time.Second, Actions: []string{"CreateUser", "AddUserToGroup"}},
			"drops 0.01, latency 20ms, consistency delay 2s, seed 0, actions CreateUser AddUserToGroup",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.faults.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestConsistencyDelayAgreesWithMissingPrincipals checks that a trust
// policy naming a user still invisible gets the same answer as one naming
// a user that does not exist, and that only the first counts as a fault.
func TestConsistencyDelayAgreesWithMissingPrincipals(t *testing.T) {
	f, clock := newFaultFixture(t, Faults{ConsistencyDelay: time.Minute})
	ctx := t.Context()
	trust := func(user string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/` + user + `"},"Action":"sts:AssumeRole"}]}`)
	}
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))(t)
	clock.advance(time.Second)

	_, invisible := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: trust("alice")})
	_, missing := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: trust("nobody")})

	wantError(t, invisible, "MalformedPolicyDocument", http.StatusBadRequest, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/alice"`)
	wantError(t, missing, "MalformedPolicyDocument", http.StatusBadRequest, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/nobody"`)
	if got := f.srv.FaultCounts().NotYetVisible; got != 1 {
		t.Errorf("NotYetVisible = %d, want 1: only the new user is a fault", got)
	}
}
