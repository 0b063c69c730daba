package awsprovider_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// fastRetries keeps retry tests quick: two attempts a millisecond apart.
func fastRetries(o *awsprovider.Options) {
	o.MaxAttempts = 2
	o.MaxBackoff = time.Millisecond
}

// createUsers creates n users named user-0000 and up.
func createUsers(t *testing.T, tg *target, n int) {
	t.Helper()
	forEach(t, n, func(ctx context.Context, i int) error {
		return tg.p.CreateUser(ctx, provider.CreateUserInput{Name: tg.name(fmt.Sprintf("user-%04d", i))})
	})
}

func TestReadStateCallBudget(t *testing.T) {
	sandboxOnly(t, "creates more than a thousand entities")
	t.Parallel()
	tg := newTarget(t)

	// An account of 1650 entities with fewer than 1000 roles and no
	// role-less instance profile.
	createUsers(t, tg, 1200)
	forEach(t, 50, func(ctx context.Context, i int) error { return tg.p.CreateGroup(ctx, fmt.Sprintf("group-%02d", i), "") })
	forEach(t, 380, func(ctx context.Context, i int) error {
		name := fmt.Sprintf("role-%03d", i)
		if err := tg.p.CreateRole(ctx, provider.CreateRoleInput{Name: name, AssumeRolePolicy: trustDocument, Description: "role " + name}); err != nil {
			return err
		}
		if i%10 != 0 {
			return nil
		}
		if err := tg.p.CreateInstanceProfile(ctx, name, "", nil); err != nil {
			return err
		}
		return tg.p.AddRoleToInstanceProfile(ctx, name, name)
	})
	forEach(t, 20, func(ctx context.Context, i int) error {
		_, err := tg.p.CreatePolicy(ctx, provider.CreatePolicyInput{Name: fmt.Sprintf("policy-%02d", i), Document: readerV1})
		return err
	})

	before := tg.p.Calls()
	s, err := tg.p.ReadState(t.Context(), provider.ReadOptions{})
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	calls := callsSince(before, tg.p.Calls())

	// Every entity came back from the pages.
	if len(s.Users) != 1200 || len(s.Groups) != 50 || len(s.Roles) != 380 || len(s.InstanceProfiles) != 38 {
		t.Errorf("read %d users, %d groups, %d roles, %d instance profiles; want 1200, 50, 380, 38",
			len(s.Users), len(s.Groups), len(s.Roles), len(s.InstanceProfiles))
	}
	if s.Role("role-379").Description != "role role-379" {
		t.Errorf("role-379 Description = %q, want %q", s.Role("role-379").Description, "role role-379")
	}

	// The whole read stays within ceil(N/1000)+5 calls.
	entities := len(s.Users) + len(s.Groups) + len(s.Roles) + len(s.Policies)
	budget := (entities+999)/1000 + 5
	if total := totalCalls(calls); total > budget {
		t.Errorf("ReadState of %d entities made %d calls, want at most %d: %v", entities, total, budget, calls)
	}
	if calls["GetAccountAuthorizationDetails"] < 2 {
		t.Errorf("ReadState made %d GetAccountAuthorizationDetails calls, want at least 2 pages for %d entities",
			calls["GetAccountAuthorizationDetails"], entities)
	}
	if calls["ListInstanceProfiles"] != 0 {
		t.Errorf("ReadState made %d ListInstanceProfiles calls, want none: every profile holds a role", calls["ListInstanceProfiles"])
	}
}

func TestReadStateRolePages(t *testing.T) {
	sandboxOnly(t, "creates more than a thousand roles")
	t.Parallel()
	tg := newSandboxTarget(t, sandbox.Options{Quotas: map[string]int32{"RolesQuota": 2000}})

	// 1001 roles need a second page of both GetAccountAuthorizationDetails
	// and ListRoles; each role's settings must still find their role.
	const roles = 1001
	forEach(t, roles, func(ctx context.Context, i int) error {
		return tg.p.CreateRole(ctx, provider.CreateRoleInput{
			Name: fmt.Sprintf("role-%04d", i), AssumeRolePolicy: trustDocument,
			Description: fmt.Sprintf("number %d", i), MaxSessionDuration: int32(3600 + i),
		})
	})

	before := tg.p.Calls()
	s, err := tg.p.ReadState(t.Context(), provider.ReadOptions{SkipAccountSettings: true})
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	calls := callsSince(before, tg.p.Calls())

	if len(s.Roles) != roles {
		t.Fatalf("read %d roles, want %d", len(s.Roles), roles)
	}
	for i, r := range s.Roles {
		if want := fmt.Sprintf("number %d", i); r.Description != want || r.MaxSessionDuration != int32(3600+i) {
			t.Errorf("role %s has Description %q and MaxSessionDuration %d, want %q and %d",
				r.Name, r.Description, r.MaxSessionDuration, want, 3600+i)
		}
	}
	if calls["ListRoles"] != 2 {
		t.Errorf("ReadState made %d ListRoles calls, want 2 pages", calls["ListRoles"])
	}
}

func TestReadStateFailsPartway(t *testing.T) {
	t.Parallel()

	// The sandbox serves the first page. Every request for a later page
	// fails, retries included.
	tg, ic := newInterceptedTarget(t, func(w http.ResponseWriter, action string, form url.Values) bool {
		if action == "GetAccountAuthorizationDetails" && form.Get("Marker") != "" {
			writeIAMError(w, http.StatusInternalServerError, "ServiceFailure", "The second page is lost.")
			return true
		}
		return false
	}, fastRetries)
	createUsers(t, tg, 1001)

	s, err := tg.p.ReadState(t.Context(), provider.ReadOptions{})
	if err == nil {
		t.Fatalf("ReadState succeeded with %d users, want an error", len(s.Users))
	}
	if s != nil {
		t.Errorf("ReadState returned a state with %d users along with its error, want nil", len(s.Users))
	}
	if got := provider.ErrorCode(err); got != provider.CodeServiceFailure {
		t.Errorf("ErrorCode = %q, want %q", got, provider.CodeServiceFailure)
	}
	wantText := "read account state: GetAccountAuthorizationDetails: ServiceFailure: The second page is lost. (after 2 attempts)"
	if err.Error() != wantText {
		t.Errorf("error text = %q, want %q", err.Error(), wantText)
	}
	if got := ic.requests()["GetAccountAuthorizationDetails"]; got != 3 {
		t.Errorf("sandbox saw %d GetAccountAuthorizationDetails requests, want 3: one page and two attempts at the next", got)
	}
}

func TestRetryLoggedAndCountedOnce(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	var throttled atomic.Int32
	tg, ic := newInterceptedTarget(t, func(w http.ResponseWriter, action string, form url.Values) bool {
		if action == "CreateUser" && throttled.Add(1) == 1 {
			writeIAMError(w, http.StatusBadRequest, "Throttling", "Rate exceeded")
			return true
		}
		return false
	}, fastRetries, func(o *awsprovider.Options) { o.Logger = logs.logger() })

	var reported atomic.Int32
	ctx := provider.WithThrottleObserver(t.Context(), func() { reported.Add(1) })
	if err := tg.p.CreateUser(ctx, provider.CreateUserInput{Name: "alice"}); err != nil {
		t.Fatalf("CreateUser after one throttled attempt: %v", err)
	}

	if got := tg.p.Calls()["CreateUser"]; got != 1 {
		t.Errorf("Calls counts %d CreateUser, want 1 for one call with a retry", got)
	}
	if got := ic.requests()["CreateUser"]; got != 2 {
		t.Errorf("sandbox saw %d CreateUser requests, want 2 attempts", got)
	}
	if got := reported.Load(); got != 1 {
		t.Errorf("throttle observer called %d times, want 1", got)
	}
	wantLog := `level=DEBUG msg="retrying request" action=CreateUser entity="user alice" attempt=2 error=`
	if !strings.Contains(logs.String(), wantLog) {
		t.Errorf("log lacks %q:\n%s", wantLog, logs.String())
	}
}

// TestRetriesGiveUp checks how many attempts a failing call gets: a
// throttled call MaxThrottledAttempts, a call failing with server errors
// only MaxAttempts.
func TestRetriesGiveUp(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		status        int
		code, message string
		wantCode      string
		wantAttempts  int
	}{
		"throttling":    {status: http.StatusBadRequest, code: "Throttling", message: "Rate exceeded", wantCode: provider.CodeThrottling, wantAttempts: 5},
		"server errors": {status: http.StatusInternalServerError, code: "ServiceFailure", message: "Try again.", wantCode: provider.CodeServiceFailure, wantAttempts: 3},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg, ic := newInterceptedTarget(t, func(w http.ResponseWriter, action string, form url.Values) bool {
				if action == "GetAccountSummary" {
					writeIAMError(w, tt.status, tt.code, tt.message)
					return true
				}
				return false
			}, func(o *awsprovider.Options) {
				o.MaxAttempts = 3
				o.MaxThrottledAttempts = 5
				o.MaxBackoff = time.Millisecond
			})

			_, err := tg.p.ReadState(t.Context(), provider.ReadOptions{})

			if got := provider.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("ReadState error %v has code %q, want %q", err, got, tt.wantCode)
			}
			want := fmt.Sprintf("GetAccountSummary: %s: %s (after %d attempts)", tt.code, tt.message, tt.wantAttempts)
			if !strings.HasSuffix(err.Error(), want) {
				t.Errorf("error text = %q, want suffix %q", err.Error(), want)
			}
			if got := ic.requests()["GetAccountSummary"]; got != tt.wantAttempts {
				t.Errorf("sandbox saw %d GetAccountSummary requests, want %d", got, tt.wantAttempts)
			}
		})
	}
}

// TestEndpointFromEnvironment checks that the SDK's standard endpoint
// variables reach IAM and STS without Options.EndpointURL, and that the
// option wins over them.
func TestEndpointFromEnvironment(t *testing.T) {
	sandboxOnly(t, "points the SDK at the sandbox")
	endpoint, accessKeyID, secretAccessKey := startSandbox(t, sandbox.Options{}, nil)
	// Nothing listens on port 1 of the loopback address.
	const deadEndpoint = "http://127.0.0.1:1"

	tests := map[string]struct {
		env         map[string]string
		endpointURL string
	}{
		"service variables":     {env: map[string]string{"AWS_ENDPOINT_URL_IAM": endpoint, "AWS_ENDPOINT_URL_STS": endpoint}},
		"global variable":       {env: map[string]string{"AWS_ENDPOINT_URL": endpoint}},
		"option over variables": {env: map[string]string{"AWS_ENDPOINT_URL": deadEndpoint}, endpointURL: endpoint},
		"service over global":   {env: map[string]string{"AWS_ENDPOINT_URL": deadEndpoint, "AWS_ENDPOINT_URL_IAM": endpoint, "AWS_ENDPOINT_URL_STS": endpoint}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			p, err := awsprovider.New(t.Context(), awsprovider.Options{
				EndpointURL: tt.endpointURL, AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, MaxAttempts: 1,
				HTTPClient: newHTTPClient(t),
			})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := p.CallerIdentity(t.Context()); err != nil {
				t.Errorf("CallerIdentity through STS: %v", err)
			}
			if _, err := p.AccountAliases(t.Context()); err != nil {
				t.Errorf("AccountAliases through IAM: %v", err)
			}
		})
	}
}

func TestAccountSettings(t *testing.T) {
	sandboxOnly(t, "changes the alias and password policy of the whole account")
	t.Parallel()
	tg := newTarget(t)
	ctx := t.Context()

	// A new account has neither.
	s, err := tg.p.ReadState(ctx, provider.ReadOptions{})
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	if len(s.Aliases) != 0 || s.PasswordPolicy != nil {
		t.Fatalf("new account has aliases %v and password policy %+v, want none", s.Aliases, s.PasswordPolicy)
	}

	// Set both and read them back.
	policy := provider.PasswordPolicy{
		MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: false,
		AllowUsersToChangePassword: true, MaxPasswordAge: 90, PasswordReusePrevention: 5, HardExpiry: true,
	}
	tg.write(t, "CreateAccountAlias", func(ctx context.Context) error { return tg.p.CreateAccountAlias(ctx, "example-corp") })
	tg.write(t, "UpdateAccountPasswordPolicy", func(ctx context.Context) error { return tg.p.UpdateAccountPasswordPolicy(ctx, policy) })
	if s, err = tg.p.ReadState(ctx, provider.ReadOptions{}); err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	if len(s.Aliases) != 1 || s.Aliases[0] != "example-corp" {
		t.Errorf("Aliases = %v, want [example-corp]", s.Aliases)
	}
	want := policy
	want.ExpirePasswords = true // IAM derives it from MaxPasswordAge
	if s.PasswordPolicy == nil || *s.PasswordPolicy != want {
		t.Errorf("PasswordPolicy = %+v, want %+v", s.PasswordPolicy, want)
	}
	aliases, err := tg.p.AccountAliases(ctx)
	if err != nil || len(aliases) != 1 || aliases[0] != "example-corp" {
		t.Errorf("AccountAliases = %v, %v; want [example-corp]", aliases, err)
	}

	// Delete both.
	tg.write(t, "DeleteAccountAlias", func(ctx context.Context) error { return tg.p.DeleteAccountAlias(ctx, "example-corp") })
	tg.write(t, "DeleteAccountPasswordPolicy", func(ctx context.Context) error { return tg.p.DeleteAccountPasswordPolicy(ctx) })
	if s, err = tg.p.ReadState(ctx, provider.ReadOptions{}); err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	if len(s.Aliases) != 0 || s.PasswordPolicy != nil {
		t.Errorf("after deleting, aliases %v and password policy %+v remain", s.Aliases, s.PasswordPolicy)
	}
}

func TestCallerIdentity(t *testing.T) {
	tg := newTarget(t)
	id, err := tg.p.CallerIdentity(t.Context())
	if err != nil {
		t.Fatalf("CallerIdentity: %v", err)
	}
	if len(id.Account) != 12 || !strings.HasPrefix(id.ARN, "arn:aws") || id.UserID == "" {
		t.Errorf("CallerIdentity = %+v, want a 12-digit account, an ARN and a user id", id)
	}
	if got := tg.p.Calls()["GetCallerIdentity"]; got != 1 {
		t.Errorf("Calls counts %d GetCallerIdentity, want 1", got)
	}
}
