package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/iamsync/iamsync/provider"
)

// fakeClient is an in-memory Client for the executor's unit tests. It
// records every call as one line, "Action arg arg ...", and succeeds unless
// a rule applies. A rule matches the calls whose line starts with its
// prefix and fails them, or reports throttling, a given number of times.
//
// Limits: it keeps no account state, so it accepts any call in any order
// unless a rule fails it. The tests check the order from the recorded
// lines. It must not stand in for IAM in end-to-end tests.
type fakeClient struct {
	mu    sync.Mutex
	calls []string
	rules []*fakeRule
	// creds holds the result of ReadUserCredentials by user name.
	creds map[string]*provider.UserCredentials
	// cancelledCalls counts calls whose context was cancelled when they
	// returned.
	cancelledCalls int

	inFlight    int
	maxInFlight int
	// gate, when set, makes every call wait for a value before it returns.
	gate chan struct{}
	// started, when set, receives each call's line as the call starts.
	started chan string
	// blockers make the calls that start with a key wait until the channel
	// is closed.
	blockers map[string]chan struct{}

	keys int
	// accessKeys holds the keys that CreateAccessKey made and
	// DeleteAccessKey did not delete, by user.
	accessKeys map[string][]provider.AccessKey
	// defaultDocs holds the document of each policy's default version.
	defaultDocs map[string]string
}

// fakeRule fails, or reports throttling for, the calls that start with
// prefix. times counts the calls left to affect; a negative count never
// runs out.
type fakeRule struct {
	prefix string
	times  int
	err    error
	// reportThrottle calls provider.ReportThrottle instead of failing.
	reportThrottle bool
	// uncertain calls provider.ReportUncertain before failing, as the
	// provider does for an attempt whose outcome is unknown. With
	// tookEffect, the fake makes the call's change before it fails.
	uncertain  bool
	tookEffect bool
}

// changeMade wraps the error of a failed call that made its change anyway.
type changeMade struct{ err error }

func (e *changeMade) Error() string { return e.err.Error() }
func (e *changeMade) Unwrap() error { return e.err }

// madeChange reports whether err is a changeMade, and returns the error
// that the caller gets.
func madeChange(err error) (bool, error) {
	var made *changeMade
	if errors.As(err, &made) {
		return true, made.err
	}
	return false, err
}

var _ Client = (*fakeClient)(nil)

func newFakeClient() *fakeClient {
	return &fakeClient{
		creds:       map[string]*provider.UserCredentials{},
		blockers:    map[string]chan struct{}{},
		accessKeys:  map[string][]provider.AccessKey{},
		defaultDocs: map[string]string{},
	}
}

// failOn makes the next times calls starting with prefix fail with err.
func (f *fakeClient) failOn(prefix string, times int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &fakeRule{prefix: prefix, times: times, err: err})
}

// reportThrottleOn makes the next times calls starting with prefix report
// throttling that the SDK retried, and then succeed.
func (f *fakeClient) reportThrottleOn(prefix string, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &fakeRule{prefix: prefix, times: times, reportThrottle: true})
}

// failUncertainOn makes the next times calls starting with prefix end
// without a known outcome: they report it and fail with err, after making
// their change when tookEffect is set.
func (f *fakeClient) failUncertainOn(prefix string, times int, tookEffect bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &fakeRule{prefix: prefix, times: times, err: err, uncertain: true, tookEffect: tookEffect})
}

// recorded returns the lines of the calls made so far.
func (f *fakeClient) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// call records one call and applies the rules.
func (f *fakeClient) call(ctx context.Context, action string, args ...any) error {
	parts := []string{action}
	for _, a := range args {
		parts = append(parts, fmt.Sprint(a))
	}
	line := strings.Join(parts, " ")

	f.mu.Lock()
	f.calls = append(f.calls, line)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	var rule *fakeRule
	for _, r := range f.rules {
		if r.times != 0 && strings.HasPrefix(line, r.prefix) {
			r.times--
			rule = r
			break
		}
	}
	gate, started := f.gate, f.started
	var blocker chan struct{}
	for prefix, ch := range f.blockers {
		if strings.HasPrefix(line, prefix) {
			blocker = ch
		}
	}
	f.mu.Unlock()

	defer func() {
		f.mu.Lock()
		f.inFlight--
		if ctx.Err() != nil {
			f.cancelledCalls++
		}
		f.mu.Unlock()
	}()
	if started != nil {
		started <- line
	}
	if gate != nil {
		<-gate
	}
	if blocker != nil {
		<-blocker
	}
	if rule == nil {
		return nil
	}
	if rule.reportThrottle {
		provider.ReportThrottle(ctx)
		return nil
	}
	if rule.uncertain {
		provider.ReportUncertain(ctx)
	}
	if rule.tookEffect {
		return &changeMade{err: rule.err}
	}
	return rule.err
}

// apiError is an IAM error as the provider returns it.
type apiError struct {
	code    string
	message string
}

func (e *apiError) Error() string     { return e.code + ": " + e.message }
func (e *apiError) ErrorCode() string { return e.code }

// callError is a failed call as the AWS provider returns it: its text
// starts with the action and the entity, and its Cause method describes the
// failure without them.
type callError struct {
	action string
	entity string
	err    error
}

func (e *callError) Error() string { return e.action + " " + e.entity + ": " + e.err.Error() }
func (e *callError) Cause() string { return e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

func iamError(code, message string) error { return &apiError{code: code, message: message} }

// formatTags prints tags as [k=v ...].
func formatTags(tags []provider.Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = t.Key + "=" + t.Value
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func formatPtr[T any](p *T) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprint(*p)
}

func (f *fakeClient) ReadUserCredentials(ctx context.Context, user string) (*provider.UserCredentials, error) {
	if err := f.call(ctx, "ReadUserCredentials", user); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.creds[user], nil
}

func (f *fakeClient) CreateUser(ctx context.Context, in provider.CreateUserInput) error {
	args := []any{in.Name, in.Path, formatTags(in.Tags)}
	if in.PermissionsBoundary != "" {
		args = append(args, "boundary="+in.PermissionsBoundary)
	}
	return f.call(ctx, "CreateUser", args...)
}
func (f *fakeClient) UpdateUser(ctx context.Context, name, newName, newPath string) error {
	return f.call(ctx, "UpdateUser", name, "name="+newName, "path="+newPath)
}
func (f *fakeClient) DeleteUser(ctx context.Context, name string) error {
	return f.call(ctx, "DeleteUser", name)
}
func (f *fakeClient) TagUser(ctx context.Context, name string, tags []provider.Tag) error {
	return f.call(ctx, "TagUser", name, formatTags(tags))
}
func (f *fakeClient) UntagUser(ctx context.Context, name string, keys []string) error {
	return f.call(ctx, "UntagUser", name, keys)
}
func (f *fakeClient) PutUserPermissionsBoundary(ctx context.Context, name, arn string) error {
	return f.call(ctx, "PutUserPermissionsBoundary", name, arn)
}
func (f *fakeClient) DeleteUserPermissionsBoundary(ctx context.Context, name string) error {
	return f.call(ctx, "DeleteUserPermissionsBoundary", name)
}
func (f *fakeClient) PutUserPolicy(ctx context.Context, user, policy, doc string) error {
	return f.call(ctx, "PutUserPolicy", user, policy, doc)
}
func (f *fakeClient) DeleteUserPolicy(ctx context.Context, user, policy string) error {
	return f.call(ctx, "DeleteUserPolicy", user, policy)
}
func (f *fakeClient) AttachUserPolicy(ctx context.Context, user, arn string) error {
	return f.call(ctx, "AttachUserPolicy", user, arn)
}
func (f *fakeClient) DetachUserPolicy(ctx context.Context, user, arn string) error {
	return f.call(ctx, "DetachUserPolicy", user, arn)
}
func (f *fakeClient) AddUserToGroup(ctx context.Context, group, user string) error {
	return f.call(ctx, "AddUserToGroup", group, user)
}
func (f *fakeClient) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	return f.call(ctx, "RemoveUserFromGroup", group, user)
}

func (f *fakeClient) CreateAccessKey(ctx context.Context, user string) (*provider.AccessKeySecret, error) {
	made, err := madeChange(f.call(ctx, "CreateAccessKey", user))
	if err != nil && !made {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys++
	key := &provider.AccessKeySecret{
		UserName:        user,
		AccessKeyID:     fmt.Sprintf("AKIAFAKE%04d", f.keys),
		SecretAccessKey: fmt.Sprintf("fake-secret-%04d", f.keys),
		CreateDate:      time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	f.accessKeys[user] = append(f.accessKeys[user], provider.AccessKey{ID: key.AccessKeyID, Status: "Active", CreateDate: key.CreateDate})
	if err != nil {
		return nil, err
	}
	return key, nil
}
func (f *fakeClient) ListAccessKeys(ctx context.Context, user string) ([]provider.AccessKey, error) {
	if err := f.call(ctx, "ListAccessKeys", user); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.accessKeys[user]), nil
}
func (f *fakeClient) ReadDefaultPolicyVersion(ctx context.Context, arn string) (*provider.PolicyVersion, error) {
	if err := f.call(ctx, "ReadDefaultPolicyVersion", arn); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return &provider.PolicyVersion{ID: "v1", IsDefault: true, Document: f.defaultDocs[arn]}, nil
}
func (f *fakeClient) UpdateAccessKey(ctx context.Context, user, id, status string) error {
	return f.call(ctx, "UpdateAccessKey", user, id, status)
}
func (f *fakeClient) DeleteAccessKey(ctx context.Context, user, id string) error {
	if err := f.call(ctx, "DeleteAccessKey", user, id); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accessKeys[user] = slices.DeleteFunc(f.accessKeys[user], func(k provider.AccessKey) bool { return k.ID == id })
	return nil
}
func (f *fakeClient) CreateLoginProfile(ctx context.Context, user, password string, reset bool) error {
	return f.call(ctx, "CreateLoginProfile", user, "password="+password, fmt.Sprintf("reset=%t", reset))
}
func (f *fakeClient) UpdateLoginProfile(ctx context.Context, user string, reset bool) error {
	return f.call(ctx, "UpdateLoginProfile", user, fmt.Sprintf("reset=%t", reset))
}
func (f *fakeClient) DeleteLoginProfile(ctx context.Context, user string) error {
	return f.call(ctx, "DeleteLoginProfile", user)
}
func (f *fakeClient) DeactivateMFADevice(ctx context.Context, user, serial string) error {
	return f.call(ctx, "DeactivateMFADevice", user, serial)
}
func (f *fakeClient) DeleteVirtualMFADevice(ctx context.Context, serial string) error {
	return f.call(ctx, "DeleteVirtualMFADevice", serial)
}
func (f *fakeClient) DeleteSSHPublicKey(ctx context.Context, user, id string) error {
	return f.call(ctx, "DeleteSSHPublicKey", user, id)
}
func (f *fakeClient) DeleteSigningCertificate(ctx context.Context, user, id string) error {
	return f.call(ctx, "DeleteSigningCertificate", user, id)
}
func (f *fakeClient) DeleteServiceSpecificCredential(ctx context.Context, user, id string) error {
	return f.call(ctx, "DeleteServiceSpecificCredential", user, id)
}

func (f *fakeClient) CreateGroup(ctx context.Context, name, path string) error {
	return f.call(ctx, "CreateGroup", name, path)
}
func (f *fakeClient) UpdateGroup(ctx context.Context, name, newName, newPath string) error {
	return f.call(ctx, "UpdateGroup", name, "name="+newName, "path="+newPath)
}
func (f *fakeClient) DeleteGroup(ctx context.Context, name string) error {
	return f.call(ctx, "DeleteGroup", name)
}
func (f *fakeClient) PutGroupPolicy(ctx context.Context, group, policy, doc string) error {
	return f.call(ctx, "PutGroupPolicy", group, policy, doc)
}
func (f *fakeClient) DeleteGroupPolicy(ctx context.Context, group, policy string) error {
	return f.call(ctx, "DeleteGroupPolicy", group, policy)
}
func (f *fakeClient) AttachGroupPolicy(ctx context.Context, group, arn string) error {
	return f.call(ctx, "AttachGroupPolicy", group, arn)
}
func (f *fakeClient) DetachGroupPolicy(ctx context.Context, group, arn string) error {
	return f.call(ctx, "DetachGroupPolicy", group, arn)
}

func (f *fakeClient) CreateRole(ctx context.Context, in provider.CreateRoleInput) error {
	args := []any{in.Name, in.Path, in.AssumeRolePolicy, "description=" + in.Description,
		fmt.Sprintf("max=%d", in.MaxSessionDuration), formatTags(in.Tags)}
	if in.PermissionsBoundary != "" {
		args = append(args, "boundary="+in.PermissionsBoundary)
	}
	return f.call(ctx, "CreateRole", args...)
}
func (f *fakeClient) UpdateRole(ctx context.Context, name string, description *string, maxSession *int32) error {
	return f.call(ctx, "UpdateRole", name, "description="+formatPtr(description), "max="+formatPtr(maxSession))
}
func (f *fakeClient) UpdateAssumeRolePolicy(ctx context.Context, name, doc string) error {
	return f.call(ctx, "UpdateAssumeRolePolicy", name, doc)
}
func (f *fakeClient) DeleteRole(ctx context.Context, name string) error {
	return f.call(ctx, "DeleteRole", name)
}
func (f *fakeClient) TagRole(ctx context.Context, name string, tags []provider.Tag) error {
	return f.call(ctx, "TagRole", name, formatTags(tags))
}
func (f *fakeClient) UntagRole(ctx context.Context, name string, keys []string) error {
	return f.call(ctx, "UntagRole", name, keys)
}
func (f *fakeClient) PutRolePermissionsBoundary(ctx context.Context, name, arn string) error {
	return f.call(ctx, "PutRolePermissionsBoundary", name, arn)
}
func (f *fakeClient) DeleteRolePermissionsBoundary(ctx context.Context, name string) error {
	return f.call(ctx, "DeleteRolePermissionsBoundary", name)
}
func (f *fakeClient) PutRolePolicy(ctx context.Context, role, policy, doc string) error {
	return f.call(ctx, "PutRolePolicy", role, policy, doc)
}
func (f *fakeClient) DeleteRolePolicy(ctx context.Context, role, policy string) error {
	return f.call(ctx, "DeleteRolePolicy", role, policy)
}
func (f *fakeClient) AttachRolePolicy(ctx context.Context, role, arn string) error {
	return f.call(ctx, "AttachRolePolicy", role, arn)
}
func (f *fakeClient) DetachRolePolicy(ctx context.Context, role, arn string) error {
	return f.call(ctx, "DetachRolePolicy", role, arn)
}

// CreatePolicy returns the ARN of the policy in account 123456789012.
func (f *fakeClient) CreatePolicy(ctx context.Context, in provider.CreatePolicyInput) (string, error) {
	if err := f.call(ctx, "CreatePolicy", in.Name, in.Path, in.Document, "description="+in.Description, formatTags(in.Tags)); err != nil {
		return "", err
	}
	path := in.Path
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::123456789012:policy" + path + in.Name, nil
}
func (f *fakeClient) CreatePolicyVersion(ctx context.Context, arn, doc string, setAsDefault bool) (string, error) {
	made, err := madeChange(f.call(ctx, "CreatePolicyVersion", arn, doc, fmt.Sprintf("default=%t", setAsDefault)))
	if made || err == nil {
		f.mu.Lock()
		f.defaultDocs[arn] = doc
		f.mu.Unlock()
	}
	if err != nil {
		return "", err
	}
	return "v9", nil
}
func (f *fakeClient) SetDefaultPolicyVersion(ctx context.Context, arn, version string) error {
	return f.call(ctx, "SetDefaultPolicyVersion", arn, version)
}
func (f *fakeClient) DeletePolicyVersion(ctx context.Context, arn, version string) error {
	return f.call(ctx, "DeletePolicyVersion", arn, version)
}
func (f *fakeClient) DeletePolicy(ctx context.Context, arn string) error {
	return f.call(ctx, "DeletePolicy", arn)
}
func (f *fakeClient) TagPolicy(ctx context.Context, arn string, tags []provider.Tag) error {
	return f.call(ctx, "TagPolicy", arn, formatTags(tags))
}
func (f *fakeClient) UntagPolicy(ctx context.Context, arn string, keys []string) error {
	return f.call(ctx, "UntagPolicy", arn, keys)
}

func (f *fakeClient) CreateInstanceProfile(ctx context.Context, name, path string, tags []provider.Tag) error {
	return f.call(ctx, "CreateInstanceProfile", name, path, formatTags(tags))
}
func (f *fakeClient) DeleteInstanceProfile(ctx context.Context, name string) error {
	return f.call(ctx, "DeleteInstanceProfile", name)
}
func (f *fakeClient) AddRoleToInstanceProfile(ctx context.Context, profile, role string) error {
	return f.call(ctx, "AddRoleToInstanceProfile", profile, role)
}
func (f *fakeClient) RemoveRoleFromInstanceProfile(ctx context.Context, profile, role string) error {
	return f.call(ctx, "RemoveRoleFromInstanceProfile", profile, role)
}
func (f *fakeClient) TagInstanceProfile(ctx context.Context, name string, tags []provider.Tag) error {
	return f.call(ctx, "TagInstanceProfile", name, formatTags(tags))
}
func (f *fakeClient) UntagInstanceProfile(ctx context.Context, name string, keys []string) error {
	return f.call(ctx, "UntagInstanceProfile", name, keys)
}

func (f *fakeClient) CreateAccountAlias(ctx context.Context, alias string) error {
	return f.call(ctx, "CreateAccountAlias", alias)
}
func (f *fakeClient) DeleteAccountAlias(ctx context.Context, alias string) error {
	return f.call(ctx, "DeleteAccountAlias", alias)
}
func (f *fakeClient) UpdateAccountPasswordPolicy(ctx context.Context, p provider.PasswordPolicy) error {
	return f.call(ctx, "UpdateAccountPasswordPolicy", fmt.Sprintf("%+v", p))
}
func (f *fakeClient) DeleteAccountPasswordPolicy(ctx context.Context) error {
	return f.call(ctx, "DeleteAccountPasswordPolicy")
}

// fakeTime is a clock that only Sleep moves, for retry tests.
type fakeTime struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeTime() *fakeTime {
	return &fakeTime{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (t *fakeTime) Now() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.now
}

func (t *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.now = t.now.Add(d)
	t.sleeps = append(t.sleeps, d)
	return nil
}

func (t *fakeTime) slept() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]time.Duration(nil), t.sleeps...)
}

// recordingHook records hook calls as lines, in order.
type recordingHook struct {
	NopHook
	mu     sync.Mutex
	events []string
}

func (h *recordingHook) PreStep(s Step) { h.add("pre " + s.ID) }
func (h *recordingHook) PostStep(s Step, _ time.Duration, err error) {
	if err != nil {
		h.add("post " + s.ID + " failed")
		return
	}
	h.add("post " + s.ID)
}
func (h *recordingHook) PreRetry(s Step, attempt int, err error, wait time.Duration) {
	h.add(fmt.Sprintf("retry %s after attempt %d", s.ID, attempt))
}
func (h *recordingHook) ConcurrencyChanged(limit int) { h.add(fmt.Sprintf("limit %d", limit)) }

func (h *recordingHook) add(e string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
}

func (h *recordingHook) recorded() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}

// sortedCopy returns a sorted copy of lines, for comparing calls made in
// parallel.
func sortedCopy(lines []string) []string {
	out := append([]string(nil), lines...)
	sort.Strings(out)
	return out
}
