package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// accountARN is the ARN prefix of the sandbox's default account.
const accountARN = "arn:aws:iam::123456789012:"

// readStateWith reads the account with the per-entity reads of opts.
func (h *harness) readStateWith(opts provider.ReadOptions) *provider.State {
	h.t.Helper()
	state, err := h.client().ReadState(context.Background(), opts)
	if err != nil {
		h.t.Fatalf("read state: %v", err)
	}
	return state
}

// tagMap returns tags as a map, for comparisons that ignore their order.
func tagMap(tags []provider.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// callOrder returns the actions of log's requests of the given actions, each
// with the value of its parameter named by param (such as RoleName).
func callOrder(log *requestLog, param string, actions ...string) []string {
	var calls []string
	for _, r := range log.of(actions...) {
		calls = append(calls, r.Action+" "+r.Params.Get(param))
	}
	return calls
}

// role returns a role declaration trusted by EC2.
func role(label, name, path, body string) string {
	return fmt.Sprintf("role %q {\n  name               = %q\n  path               = %q\n  assume_role_policy = %s\n%s}\n\n",
		label, name, path, ec2Trust, body)
}

// TestInstanceProfileLifecycle creates an instance profile with a path,
// tags and a role, moves it to another role and deletes it while it holds
// the role. The profile keeps its id through the move, and loses its role
// before DeleteInstanceProfile.
func TestInstanceProfileLifecycle(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	roles := role("web", "web", "/", "") + role("worker", "worker", "/", "")
	profileTags := provider.ReadOptions{InstanceProfileTagsOf: []string{"app"}}

	h.change("instance-profile-create.plan", config(roles+`instance_profile "app" {
  name = "app"
  path = "/app/"
  role = role.web.name
  tags = { service = "web" }
}
`))
	ip := h.readStateWith(profileTags).InstanceProfile("app")
	if ip == nil {
		t.Fatal("instance profile app was not created")
	}
	want := &provider.InstanceProfile{
		Name: "app", Path: "/app/", ID: ip.ID, ARN: accountARN + "instance-profile/app/app",
		CreateDate: ip.CreateDate, Roles: []string{"web"}, Tags: []provider.Tag{{Key: "service", Value: "web"}},
	}
	if diff := cmp.Diff(want, ip); diff != "" {
		t.Errorf("instance profile after create differs (-want +got):\n%s", diff)
	}

	log.reset()
	h.change("instance-profile-move.plan", config(roles+`instance_profile "app" {
  name = "app"
  path = "/app/"
  role = role.worker.name
  tags = { service = "web" }
}
`))
	moved := h.readStateWith(profileTags).InstanceProfile("app")
	if moved.ID != ip.ID || !slices.Equal(moved.Roles, []string{"worker"}) {
		t.Errorf("instance profile after move: id %s, roles %q; want id %s, roles [worker]", moved.ID, moved.Roles, ip.ID)
	}
	order := callOrder(log, "RoleName", "RemoveRoleFromInstanceProfile", "AddRoleToInstanceProfile", "DeleteInstanceProfile", "CreateInstanceProfile")
	if diff := cmp.Diff([]string{"RemoveRoleFromInstanceProfile web", "AddRoleToInstanceProfile worker"}, order); diff != "" {
		t.Errorf("calls of the move differ (-want +got):\n%s", diff)
	}

	log.reset()
	h.change("instance-profile-delete.plan", config(roles))
	order = callOrder(log, "InstanceProfileName", "RemoveRoleFromInstanceProfile", "DeleteInstanceProfile")
	if diff := cmp.Diff([]string{"RemoveRoleFromInstanceProfile app", "DeleteInstanceProfile app"}, order); diff != "" {
		t.Errorf("calls of the delete differ (-want +got):\n%s", diff)
	}
	state := h.readState()
	if state.InstanceProfile("app") != nil || state.Role("worker") == nil {
		t.Errorf("after the delete, want no instance profile app and the role worker kept")
	}
}

// TestRoleInInstanceProfileDeleted deletes a role that an instance profile
// still contains. IAM rejects DeleteRole until the profile lets go, both for
// a declared profile and for one outside the scope.
func TestRoleInInstanceProfileDeleted(t *testing.T) {
	t.Run("declared profile", func(t *testing.T) {
		h := newHarness(t, "")
		log := h.record()
		h.applyConfig(config(role("web", "web", "/", "") + `instance_profile "app" {
  name = "app"
  role = role.web.name
}
`))

		h.change("role-in-profile-deleted.plan", config(`instance_profile "app" {
  name = "app"
}
`))
		order := callOrder(log, "RoleName", "RemoveRoleFromInstanceProfile", "DeleteRole")
		if diff := cmp.Diff([]string{"RemoveRoleFromInstanceProfile web", "DeleteRole web"}, order); diff != "" {
			t.Errorf("calls differ (-want +got):\n%s", diff)
		}
		state := h.readState()
		if state.Role("web") != nil || state.InstanceProfile("app") == nil || len(state.InstanceProfile("app").Roles) != 0 {
			t.Errorf("want the role web deleted and the instance profile app kept without a role")
		}
	})

	t.Run("profile outside the scope", func(t *testing.T) {
		h := newHarness(t, "")
		log := h.record()
		scope := "scope {\n  exclude = [\"legacy-*\"]\n}\n\n"
		h.applyConfig(config(scope + role("web", "web", "/", "")))
		ctx := context.Background()
		client := h.client()
		if err := client.CreateInstanceProfile(ctx, "legacy-app", "/", nil); err != nil {
			t.Fatal(err)
		}
		if err := client.AddRoleToInstanceProfile(ctx, "legacy-app", "web"); err != nil {
			t.Fatal(err)
		}

		h.change("role-in-unmanaged-profile-deleted.plan", config(scope))
		order := callOrder(log, "RoleName", "RemoveRoleFromInstanceProfile", "DeleteRole")
		if diff := cmp.Diff([]string{"RemoveRoleFromInstanceProfile web", "DeleteRole web"}, order); diff != "" {
			t.Errorf("calls differ (-want +got):\n%s", diff)
		}
		if state := h.readState(); state.Role("web") != nil || state.InstanceProfile("legacy-app") == nil {
			t.Errorf("want the role web deleted and the instance profile legacy-app kept")
		}
	})
}

// TestRoleReplacedInInstanceProfile moves a role that an instance profile
// holds to another path, which IAM can only do by deleting the role and
// creating it again. The profile keeps its id and gets the new role back.
func TestRoleReplacedInInstanceProfile(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	profile := `instance_profile "app" {
  name = "app"
  role = role.web.name
}
`
	h.applyConfig(config(role("web", "web", "/", "") + profile))
	before := h.readState()

	log.reset()
	h.change("role-in-profile-replaced.plan", config(role("web", "web", "/app/", "")+profile))
	order := callOrder(log, "RoleName", "RemoveRoleFromInstanceProfile", "DeleteRole", "CreateRole", "AddRoleToInstanceProfile", "DeleteInstanceProfile", "CreateInstanceProfile")
	want := []string{"RemoveRoleFromInstanceProfile web", "DeleteRole web", "CreateRole web", "AddRoleToInstanceProfile web"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("calls differ (-want +got):\n%s", diff)
	}

	after := h.readState()
	ip, r := after.InstanceProfile("app"), after.Role("web")
	if ip.ID != before.InstanceProfile("app").ID {
		t.Errorf("instance profile id changed from %s to %s", before.InstanceProfile("app").ID, ip.ID)
	}
	if !slices.Equal(ip.Roles, []string{"web"}) {
		t.Errorf("instance profile contains %q, want [web]", ip.Roles)
	}
	if r.Path != "/app/" || r.ID == before.Role("web").ID {
		t.Errorf("role web: path %s, id %s; want path /app/ and a new id", r.Path, r.ID)
	}
}

// taggedEntities declares a user, a role, a customer-managed policy and an
// instance profile that all carry the given tags.
func taggedEntities(tags string) string {
	return fmt.Sprintf(`user "u" {
  name = "u"
  tags = %[1]s
}

role "r" {
  name               = "r"
  assume_role_policy = %[2]s
  tags               = %[1]s
}

policy "p" {
  name     = "p"
  document = %[3]s
  tags     = %[1]s
}

instance_profile "ip" {
  name = "ip"
  tags = %[1]s
}
`, tags, ec2Trust, readOnlyDocument)
}

// liveTags reads the tags of the entities that taggedEntities declares.
func liveTags(h *harness) map[string]map[string]string {
	state := h.readStateWith(provider.ReadOptions{
		PolicyTagsOf:          []string{accountARN + "policy/p"},
		InstanceProfileTagsOf: []string{"ip"},
	})
	return map[string]map[string]string{
		"user":             tagMap(state.User("u").Tags),
		"role":             tagMap(state.Role("r").Tags),
		"policy":           tagMap(state.Policy(accountARN + "policy/p").Tags),
		"instance_profile": tagMap(state.InstanceProfile("ip").Tags),
	}
}

// tagCall is what one Tag or Untag request sent.
type tagCall struct {
	Action string
	Keys   []string
	Values []string
}

// tagCalls returns the Tag and Untag requests of log.
func tagCalls(log *requestLog) []tagCall {
	var calls []tagCall
	for _, r := range log.of("TagUser", "UntagUser", "TagRole", "UntagRole", "TagPolicy", "UntagPolicy",
		"TagInstanceProfile", "UntagInstanceProfile") {
		c := tagCall{Action: r.Action}
		if strings.HasPrefix(r.Action, "Untag") {
			c.Keys = r.members("TagKeys.member.", "")
		} else {
			c.Keys = r.members("Tags.member.", ".Key")
			c.Values = r.members("Tags.member.", ".Value")
		}
		calls = append(calls, c)
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].Action < calls[j].Action })
	return calls
}

// TestTagsChangedKeyByKey adds, changes and removes single tags on each
// taggable kind of entity, and checks that only the tags that differ are
// sent: Tag* with the added and changed ones, Untag* with the removed keys.
func TestTagsChangedKeyByKey(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	h.applyConfig(config(taggedEntities(`{ keep = "1", change = "old", drop = "x" }`)))

	log.reset()
	h.change("tags-change.plan", config(taggedEntities(`{ keep = "1", change = "new", add = "y" }`)))

	var want []tagCall
	for _, noun := range []string{"InstanceProfile", "Policy", "Role", "User"} {
		want = append(want,
			tagCall{Action: "Tag" + noun, Keys: []string{"add", "change"}, Values: []string{"y", "new"}},
			tagCall{Action: "Untag" + noun, Keys: []string{"drop"}})
	}
	sort.Slice(want, func(i, j int) bool { return want[i].Action < want[j].Action })
	if diff := cmp.Diff(want, tagCalls(log)); diff != "" {
		t.Errorf("tag calls differ (-want +got):\n%s", diff)
	}

	wantTags := map[string]string{"keep": "1", "change": "new", "add": "y"}
	for kind, tags := range liveTags(h) {
		if diff := cmp.Diff(wantTags, tags); diff != "" {
			t.Errorf("tags of the %s differ (-want +got):\n%s", kind, diff)
		}
	}
	for _, r := range log.of("CreateUser", "DeleteUser", "CreateRole", "DeleteRole", "CreatePolicy", "DeletePolicy",
		"CreateInstanceProfile", "DeleteInstanceProfile") {
		t.Errorf("changing tags called %s", r.Action)
	}
}

// TestTagKeysFoldedOnUsersAndRoles changes only the case of a tag key. IAM
// compares tag keys of users and roles without case, so they need no
// change; on policies and instance profiles the key is another tag. A
// changed value under a key of another case is one Tag call, and IAM keeps
// one tag.
func TestTagKeysFoldedOnUsersAndRoles(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	h.applyConfig(config(taggedEntities(`{ Team = "search" }`)))

	log.reset()
	h.change("tags-key-case.plan", config(taggedEntities(`{ team = "search" }`)))
	for _, r := range log.of("TagUser", "UntagUser", "TagRole", "UntagRole") {
		t.Errorf("a tag key that differs only in case on a user or role sent %s", r.Action)
	}
	tags := liveTags(h)
	for kind, want := range map[string]map[string]string{
		"user":             {"Team": "search"},
		"role":             {"Team": "search"},
		"policy":           {"team": "search"},
		"instance_profile": {"team": "search"},
	} {
		if diff := cmp.Diff(want, tags[kind]); diff != "" {
			t.Errorf("tags of the %s differ (-want +got):\n%s", kind, diff)
		}
	}

	h.change("tags-key-case-value.plan", config(taggedEntities(`{ team = "payments" }`)))
	tags = liveTags(h)
	for _, kind := range []string{"user", "role"} {
		if len(tags[kind]) != 1 || !strings.EqualFold(keys(tags[kind])[0], "team") || tags[kind][keys(tags[kind])[0]] != "payments" {
			t.Errorf("tags of the %s = %v, want one tag team = payments", kind, tags[kind])
		}
	}
}

// keys returns the sorted keys of m.
func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestInvalidTagsMakeNoCall checks IAM's tag limits on every taggable kind
// of entity as diagnostics at the tags attribute, before any call.
func TestInvalidTagsMakeNoCall(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("k%02d = \"v\"", i)
	}
	limits := map[string]struct {
		tags    string
		summary string
	}{
		"51 tags":                  {"{ " + strings.Join(many, ", ") + " }", "Too many tags"},
		"key of 129 characters":    {fmt.Sprintf("{ %s = \"v\" }", strings.Repeat("k", 129)), "Invalid tag key"},
		"value of 257 characters":  {fmt.Sprintf("{ k = %q }", strings.Repeat("v", 257)), "Invalid tag value"},
		"key with the aws: prefix": {`{ "aws:team" = "v" }`, "Invalid tag key"},
		"keys equal but for case":  {`{ team = "a", Team = "b" }`, "Duplicate tag key"},
		"key of 128 and value ok":  {fmt.Sprintf("{ %s = %q }", strings.Repeat("k", 128), strings.Repeat("v", 256)), ""},
		"fifty tags are accepted":  {"{ " + strings.Join(many[:50], ", ") + " }", ""},
	}
	kinds := map[string]struct {
		decl string
		// foldKeys is set where IAM compares tag keys without case.
		foldKeys bool
	}{
		"user":             {"user \"u\" {\n  tags = %s\n}\n", true},
		"role":             {"role \"r\" {\n  tags = %s\n  assume_role_policy = " + ec2Trust + "\n}\n", true},
		"policy":           {"policy \"p\" {\n  tags = %s\n  document = " + readOnlyDocument + "\n}\n", false},
		"instance_profile": {"instance_profile \"ip\" {\n  tags = %s\n}\n", false},
	}
	for limit, tt := range limits {
		for kind, k := range kinds {
			// Keys that differ in case are two tags where IAM compares
			// keys with case.
			summary := tt.summary
			if limit == "keys equal but for case" && !k.foldKeys {
				summary = ""
			}
			t.Run(limit+" on "+kind, func(t *testing.T) {
				h := newHarness(t, "")
				dir := writeConfig(t, config(fmt.Sprintf(k.decl, tt.tags)))
				r := h.run("plan", dir)
				if summary == "" {
					if r.code != exitOK {
						t.Errorf("plan: exit code %d, want 0\n%s", r.code, r.stderr)
					}
					return
				}
				if r.code != exitError {
					t.Errorf("plan: exit code %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, "Error: "+summary) || !strings.Contains(r.stderr, "main.hcl line 2") {
					t.Errorf("plan: no %q diagnostic at main.hcl line 2:\n%s", summary, r.stderr)
				}
				if n := h.srv.WriteCalls(); n != 0 {
					t.Errorf("%d write calls reached the account, want none", n)
				}
			})
		}
	}
}

// boundaryConfig declares two boundary policies and a user and a role that
// use the policy named by boundary, or none when it is empty.
func boundaryConfig(boundary string) string {
	setting := ""
	if boundary != "" {
		setting = fmt.Sprintf("  permissions_boundary = policy.%s.arn\n", boundary)
	}
	return fmt.Sprintf(`policy "narrow" {
  name     = "narrow"
  path     = "/boundaries/"
  document = %[1]s
}

policy "wide" {
  name     = "wide"
  path     = "/boundaries/"
  document = %[1]s
}

user "u" {
  name = "u"
%[2]s}

`, readOnlyDocument, setting) + role("r", "r", "/", setting)
}

// TestPermissionsBoundaries sets, changes and removes the permissions
// boundary of a user and a role, in place.
func TestPermissionsBoundaries(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	h.applyConfig(config(boundaryConfig("")))
	before := h.readState()

	check := func(step, want string) {
		t.Helper()
		state := h.readState()
		if got := state.User("u").PermissionsBoundary; got != want {
			t.Errorf("%s: boundary of user u = %q, want %q", step, got, want)
		}
		if got := state.Role("r").PermissionsBoundary; got != want {
			t.Errorf("%s: boundary of role r = %q, want %q", step, got, want)
		}
		if state.User("u").ID != before.User("u").ID || state.Role("r").ID != before.Role("r").ID {
			t.Errorf("%s: the user or the role was created again", step)
		}
	}

	h.change("boundary-set.plan", config(boundaryConfig("narrow")))
	check("set", accountARN+"policy/boundaries/narrow")

	log.reset()
	h.change("boundary-change.plan", config(boundaryConfig("wide")))
	check("change", accountARN+"policy/boundaries/wide")
	if got := log.actions("PutUserPermissionsBoundary", "PutRolePermissionsBoundary"); len(got) != 2 {
		t.Errorf("change made %q, want one Put call for the user and one for the role", got)
	}

	log.reset()
	h.change("boundary-remove.plan", config(boundaryConfig("")))
	check("remove", "")
	want := []string{"DeleteRolePermissionsBoundary", "DeleteUserPermissionsBoundary"}
	got := log.actions("DeleteUserPermissionsBoundary", "DeleteRolePermissionsBoundary")
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("remove calls differ (-want +got):\n%s", diff)
	}
}

// TestRoleDetailsChangeInPlace changes a role's description and maximum
// session duration, which UpdateRole does in place.
func TestRoleDetailsChangeInPlace(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	h.applyConfig(config(role("r", "r", "/", "  description = \"Runs the web tier\"\n")))
	id := h.readState().Role("r").ID

	log.reset()
	h.change("role-details.plan", config(role("r", "r", "/", "  description = \"Runs the web and API tiers\"\n  max_session_duration = 43200\n")))
	if got := log.actions("UpdateRole", "UpdateRoleDescription", "DeleteRole", "CreateRole"); !slices.Equal(got, []string{"UpdateRole"}) {
		t.Errorf("calls = %q, want [UpdateRole]", got)
	}
	r := h.readState().Role("r")
	if r.ID != id || r.Description != "Runs the web and API tiers" || r.MaxSessionDuration != 43200 {
		t.Errorf("role r: id %s, description %q, max session duration %d; want id %s, the new description and 43200",
			r.ID, r.Description, r.MaxSessionDuration, id)
	}

	// Leaving both out restores IAM's defaults: no description, one hour.
	h.change("role-details-default.plan", config(role("r", "r", "/", "")))
	r = h.readState().Role("r")
	if r.Description != "" || r.MaxSessionDuration != 3600 {
		t.Errorf("role r: description %q, max session duration %d; want none and 3600", r.Description, r.MaxSessionDuration)
	}
}

// TestInvalidMaxSessionDurationMakesNoCall checks the range 3600 to 43200 of
// max_session_duration.
func TestInvalidMaxSessionDurationMakesNoCall(t *testing.T) {
	for _, value := range []int{3599, 43201} {
		t.Run(fmt.Sprint(value), func(t *testing.T) {
			h := newHarness(t, "")
			dir := writeConfig(t, config(fmt.Sprintf("role \"r\" {\n  max_session_duration = %d\n  assume_role_policy = %s\n}\n", value, ec2Trust)))
			r := h.run("plan", dir)
			if r.code != exitError || !strings.Contains(r.stderr, "Error: Invalid max_session_duration") || !strings.Contains(r.stderr, "main.hcl line 2") {
				t.Errorf("plan: exit code %d, want 1 with Invalid max_session_duration at main.hcl line 2:\n%s", r.code, r.stderr)
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Errorf("%d write calls reached the account, want none", n)
			}
		})
	}
}

// policyUsers declares a user, a group and a role that attach the policy
// p, and a role that uses it as permissions boundary.
func policyUsers() string {
	return `user "u" {
  name                = "u"
  managed_policy_arns = [policy.p.arn]
}

group "g" {
  name                = "g"
  managed_policy_arns = [policy.p.arn]
}

` + role("r", "r", "/", "  managed_policy_arns = [policy.p.arn]\n") +
		role("bounded", "bounded", "/", "  permissions_boundary = policy.p.arn\n")
}

// checkPolicyUses fails unless the policy with arn is attached to user u,
// group g and role r, and is the boundary of role bounded.
func checkPolicyUses(t *testing.T, state *provider.State, arn string) {
	t.Helper()
	if !slices.Contains(state.User("u").AttachedPolicies, arn) {
		t.Errorf("user u does not attach %s: %q", arn, state.User("u").AttachedPolicies)
	}
	if !slices.Contains(state.Group("g").AttachedPolicies, arn) {
		t.Errorf("group g does not attach %s: %q", arn, state.Group("g").AttachedPolicies)
	}
	if !slices.Contains(state.Role("r").AttachedPolicies, arn) {
		t.Errorf("role r does not attach %s: %q", arn, state.Role("r").AttachedPolicies)
	}
	if got := state.Role("bounded").PermissionsBoundary; got != arn {
		t.Errorf("boundary of role bounded = %q, want %s", got, arn)
	}
}

// TestPolicyDescriptionChangeReplaces changes a customer-managed policy's
// description, which IAM fixes at creation. The plan replaces the policy,
// and apply detaches it everywhere, deletes it, creates it again and
// attaches it again.
func TestPolicyDescriptionChangeReplaces(t *testing.T) {
	h := newHarness(t, "")
	policy := func(description string) string {
		return fmt.Sprintf("policy \"p\" {\n  name        = \"p\"\n  description = %q\n  document    = %s\n}\n\n", description, readOnlyDocument)
	}
	h.applyConfig(config(policy("Reads objects") + policyUsers()))
	arn := accountARN + "policy/p"
	before := h.readState().Policy(arn)

	h.change("policy-description.plan", config(policy("Reads objects of every bucket")+policyUsers()))
	state := h.readState()
	after := state.Policy(arn)
	if after.ID == before.ID || after.Description != "Reads objects of every bucket" {
		t.Errorf("policy p: id %s, description %q; want a new id and the new description", after.ID, after.Description)
	}
	checkPolicyUses(t, state, arn)
}

// TestPathChanges moves every kind of entity to another path. Users and
// groups move in place with UpdateUser and UpdateGroup. Roles, policies and
// instance profiles are replaced, and what they held is made again: the
// role's attachments, inline policy, boundary and instance profile, and the
// policy's attachments under its new ARN.
func TestPathChanges(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	entities := func(path string) string {
		return fmt.Sprintf(`policy "p" {
  name     = "p"
  path     = %[1]q
  document = %[2]s
}

policy "boundary" {
  name     = "boundary"
  document = %[2]s
}

user "u" {
  name                = "u"
  path                = %[1]q
  groups              = [group.g.name]
  managed_policy_arns = [policy.p.arn]

  inline_policy "read" {
    document = %[2]s
  }
}

group "g" {
  name                = "g"
  path                = %[1]q
  managed_policy_arns = [policy.p.arn]
}

instance_profile "ip" {
  name = "ip"
  path = %[1]q
  role = role.r.name
}

`, path, readOnlyDocument) + role("r", "r", path, `  managed_policy_arns  = [policy.p.arn]
  permissions_boundary = policy.boundary.arn
  tags                 = { team = "platform" }

  inline_policy "read" {
    document = `+readOnlyDocument+`
  }
`)
	}
	h.applyConfig(config(entities("/")))
	before := h.readState()
	keyID := createKey(t, h, "u")

	log.reset()
	h.change("path-change.plan", config(entities("/moved/")))
	for _, r := range log.of("DeleteUser", "CreateUser", "DeleteGroup", "CreateGroup") {
		t.Errorf("moving a user or group called %s", r.Action)
	}
	if got := log.actions("UpdateUser", "UpdateGroup"); len(got) != 2 {
		t.Errorf("calls = %q, want one UpdateUser and one UpdateGroup", got)
	}

	state := h.readState()
	arn := accountARN + "policy/moved/p"
	u, g, r, ip, p := state.User("u"), state.Group("g"), state.Role("r"), state.InstanceProfile("ip"), state.Policy(arn)
	if u.ID != before.User("u").ID || u.Path != "/moved/" || !slices.Equal(u.Groups, []string{"g"}) ||
		!slices.Equal(u.AttachedPolicies, []string{arn}) || len(u.InlinePolicies) != 1 {
		t.Errorf("user u after the move: %+v", *u)
	}
	if g.ID != before.Group("g").ID || g.Path != "/moved/" || !slices.Equal(g.AttachedPolicies, []string{arn}) {
		t.Errorf("group g after the move: %+v", *g)
	}
	if r.ID == before.Role("r").ID || r.Path != "/moved/" || !slices.Equal(r.AttachedPolicies, []string{arn}) ||
		len(r.InlinePolicies) != 1 || r.PermissionsBoundary != accountARN+"policy/boundary" ||
		!cmp.Equal(tagMap(r.Tags), map[string]string{"team": "platform"}) {
		t.Errorf("role r after the move: %+v", *r)
	}
	if ip == nil || ip.ID == before.InstanceProfile("ip").ID || ip.Path != "/moved/" || !slices.Equal(ip.Roles, []string{"r"}) {
		t.Errorf("instance profile ip after the move: %+v", ip)
	}
	if p == nil || state.Policy(accountARN+"policy/p") != nil {
		t.Errorf("policy p was not moved to %s", arn)
	}
	if keys := userKeyIDs(t, h, "u"); !slices.Equal(keys, []string{keyID}) {
		t.Errorf("access keys of user u = %q, want [%s]", keys, keyID)
	}
}

// createKey creates an access key for user behind iamsync's back and
// returns its id.
func createKey(t *testing.T, h *harness, user string) string {
	t.Helper()
	key, err := h.client().CreateAccessKey(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	return key.AccessKeyID
}

// userKeyIDs returns the sorted ids of the access keys of user.
func userKeyIDs(t *testing.T, h *harness, user string) []string {
	t.Helper()
	creds, err := h.client().ReadUserCredentials(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range creds.AccessKeys {
		ids = append(ids, k.ID)
	}
	sort.Strings(ids)
	return ids
}

// TestRenamesKeepEverything renames a user and a group with previous_names
// and moves both to another path. UpdateUser and UpdateGroup do that in
// place, so the user keeps its id, access key, group membership,
// attachments and inline policy, and the group its id, members and
// policies.
func TestRenamesKeepEverything(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	entities := func(user, group, path, previous string) string {
		return fmt.Sprintf(`user "u" {
  name                = %[1]q
  path                = %[3]q
  groups              = [group.g.name]
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  %[4]s

  inline_policy "read" {
    document = %[5]s
  }
}

group "g" {
  name                = %[2]q
  path                = %[3]q
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  %[6]s

  inline_policy "read" {
    document = %[5]s
  }
}
`, user, group, path, strings.ReplaceAll(previous, "OLD", "alice"), readOnlyDocument, strings.ReplaceAll(previous, "OLD", "devs"))
	}
	h.applyConfig(config(entities("alice", "devs", "/", "")))
	keyID := createKey(t, h, "alice")
	before := h.readState()

	log.reset()
	h.change("rename.plan", config(entities("alice.nguyen", "developers", "/staff/", `previous_names = ["OLD"]`)))
	var renames []string
	for _, r := range log.of("UpdateUser", "UpdateGroup") {
		renames = append(renames, fmt.Sprintf("%s %s%s %s", r.Action, r.Params.Get("NewUserName"), r.Params.Get("NewGroupName"), r.Params.Get("NewPath")))
	}
	sort.Strings(renames)
	if diff := cmp.Diff([]string{"UpdateGroup developers /staff/", "UpdateUser alice.nguyen /staff/"}, renames); diff != "" {
		t.Errorf("rename calls differ (-want +got):\n%s", diff)
	}
	for _, r := range log.of("DeleteUser", "CreateUser", "DeleteGroup", "CreateGroup", "DeleteAccessKey", "CreateAccessKey",
		"RemoveUserFromGroup", "AddUserToGroup", "DetachUserPolicy", "DetachGroupPolicy") {
		t.Errorf("renaming called %s", r.Action)
	}

	state := h.readState()
	u, g := state.User("alice.nguyen"), state.Group("developers")
	if u == nil || g == nil {
		t.Fatalf("the user or the group was not renamed")
	}
	if u.ID != before.User("alice").ID || u.Path != "/staff/" || !slices.Equal(u.Groups, []string{"developers"}) ||
		!slices.Equal(u.AttachedPolicies, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) || len(u.InlinePolicies) != 1 {
		t.Errorf("user after the rename: %+v", *u)
	}
	if g.ID != before.Group("devs").ID || g.Path != "/staff/" ||
		!slices.Equal(g.AttachedPolicies, []string{"arn:aws:iam::aws:policy/PowerUserAccess"}) || len(g.InlinePolicies) != 1 {
		t.Errorf("group after the rename: %+v", *g)
	}
	if keys := userKeyIDs(t, h, "alice.nguyen"); !slices.Equal(keys, []string{keyID}) {
		t.Errorf("access keys after the rename = %q, want [%s]", keys, keyID)
	}
}

// TestPolicyVersionsPruned gives a policy the five versions IAM allows, the
// first of them the default, and changes its document. The oldest version
// that is not the default goes first, and the new version becomes the
// default.
func TestPolicyVersionsPruned(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	policy := func(action string) string {
		return fmt.Sprintf(`policy "p" {
  name = "p"
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = %q, Resource = "*" }]
  })
}
`, action)
	}
	h.applyConfig(config(policy("s3:GetObject")))
	arn := accountARN + "policy/p"
	for _, action := range []string{"s3:ListBucket", "s3:PutObject", "s3:DeleteObject", "s3:GetBucketTagging"} {
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":"*"}]}`, action)
		if _, err := h.client().CreatePolicyVersion(context.Background(), arn, doc, false); err != nil {
			t.Fatal(err)
		}
	}

	log.reset()
	h.change("policy-versions-pruned.plan", config(policy("s3:GetObjectVersion")))
	calls := []string{}
	for _, r := range log.of("DeletePolicyVersion", "CreatePolicyVersion", "SetDefaultPolicyVersion") {
		calls = append(calls, r.Action+" "+r.Params.Get("VersionId"))
	}
	if diff := cmp.Diff([]string{"DeletePolicyVersion v2", "CreatePolicyVersion "}, calls); diff != "" {
		t.Errorf("version calls differ (-want +got):\n%s", diff)
	}

	p := h.readState().Policy(arn)
	var versions []string
	for _, v := range p.Versions {
		versions = append(versions, v.ID)
	}
	sort.Strings(versions)
	if diff := cmp.Diff([]string{"v1", "v3", "v4", "v5", "v6"}, versions); diff != "" {
		t.Errorf("versions differ (-want +got):\n%s", diff)
	}
	if p.DefaultVersionID != "v6" {
		t.Errorf("default version = %s, want v6", p.DefaultVersionID)
	}
}

// TestPolicyDeleteDetachesEverywhere deletes a policy that is attached to a
// user, a group and a role, is the permissions boundary of a role, is
// attached to a user outside the scope and has versions besides the
// default. IAM rejects DeletePolicy until all of those are gone.
func TestPolicyDeleteDetachesEverywhere(t *testing.T) {
	h := newHarness(t, "")
	scope := "scope {\n  exclude = [\"legacy-*\"]\n}\n\n"
	policy := fmt.Sprintf("policy \"p\" {\n  name     = \"p\"\n  document = %s\n}\n\n", readOnlyDocument)
	h.applyConfig(config(scope + policy + policyUsers()))
	arn := accountARN + "policy/p"

	ctx := context.Background()
	client := h.client()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "legacy-bot", Path: "/", PermissionsBoundary: arn}); err != nil {
		t.Fatal(err)
	}
	if err := client.AttachUserPolicy(ctx, "legacy-bot", arn); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
		if _, err := client.CreatePolicyVersion(ctx, arn, doc, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := client.DeletePolicy(ctx, arn); provider.ErrorCode(err) != provider.CodeDeleteConflict {
		t.Fatalf("DeletePolicy of a policy in use: %v, want DeleteConflict", err)
	}

	// The configuration keeps everything but the policy.
	withoutPolicy := strings.NewReplacer(
		"  managed_policy_arns = [policy.p.arn]\n", "",
		"  managed_policy_arns  = [policy.p.arn]\n", "",
		"  permissions_boundary = policy.p.arn\n", "",
	).Replace(policyUsers())
	h.change("policy-delete.plan", config(scope+withoutPolicy))

	state := h.readState()
	if state.Policy(arn) != nil {
		t.Fatalf("policy p is still in the account")
	}
	for _, u := range state.Users {
		if len(u.AttachedPolicies) > 0 || u.PermissionsBoundary != "" {
			t.Errorf("user %s still names a policy: %q, boundary %q", u.Name, u.AttachedPolicies, u.PermissionsBoundary)
		}
	}
	if len(state.Group("g").AttachedPolicies) > 0 || len(state.Role("r").AttachedPolicies) > 0 || state.Role("bounded").PermissionsBoundary != "" {
		t.Errorf("the group or a role still names policy p")
	}
	if state.User("legacy-bot") == nil {
		t.Errorf("the user outside the scope was deleted")
	}
}

// TestRenameWithManagedCredentials renames a user that manages its access
// keys and console access, and declares a second key in the same plan. The
// plan must read the credentials under the user's previous name, or it
// would plan the new key only after the rename.
func TestRenameWithManagedCredentials(t *testing.T) {
	h := newHarness(t, "")
	dir := h.applyConfig(config(`user "u" {
  name = "alice"

  access_keys {
    key {
      secret_file = "first.key"
    }
  }

  login_profile {
    password_file = "alice.password"
  }
}
`))
	firstID, _ := accessKeyIn(t, "alice", checkSecretFile(t, dir+"/first.key"))

	dir, _ = h.change("rename-with-credentials.plan", config(fmt.Sprintf(`user "u" {
  name           = "alice.nguyen"
  previous_names = ["alice"]

  access_keys {
    key {
      id = %q
    }

    key {
      secret_file = "second.key"
    }
  }

  login_profile {
    password_file = "alice.password"
  }
}
`, firstID)))
	secondID, _ := accessKeyIn(t, "alice.nguyen", checkSecretFile(t, dir+"/second.key"))
	want := []string{firstID, secondID}
	sort.Strings(want)
	if got := userKeyIDs(t, h, "alice.nguyen"); !slices.Equal(got, want) {
		t.Errorf("keys after the rename = %q, want %q", got, want)
	}
}

// TestReplacementKeepsUnmanagedTags replaces a policy (new description) and
// an instance profile (new path) whose declarations do not set tags, so
// iamsync leaves their tags alone: the new entities get the tags that the
// old ones had, and the plan shows them.
func TestReplacementKeepsUnmanagedTags(t *testing.T) {
	h := newHarness(t, "")
	entities := func(description, path string) string {
		return fmt.Sprintf(`policy "p" {
  name        = "p"
  description = %q
  document    = %s
}

instance_profile "ip" {
  name = "ip"
  path = %q
}
`, description, readOnlyDocument, path)
	}
	h.applyConfig(config(entities("Reads objects", "/")))
	ctx := context.Background()
	owner := []provider.Tag{{Key: "owner", Value: "security"}}
	if err := h.client().TagPolicy(ctx, accountARN+"policy/p", owner); err != nil {
		t.Fatal(err)
	}
	if err := h.client().TagInstanceProfile(ctx, "ip", owner); err != nil {
		t.Fatal(err)
	}
	before := h.readState()

	h.change("replacement-keeps-tags.plan", config(entities("Reads every object", "/app/")))
	state := h.readStateWith(provider.ReadOptions{
		PolicyTagsOf:          []string{accountARN + "policy/p"},
		InstanceProfileTagsOf: []string{"ip"},
	})
	p, ip := state.Policy(accountARN+"policy/p"), state.InstanceProfile("ip")
	if p.ID == before.Policy(accountARN+"policy/p").ID || ip.ID == before.InstanceProfile("ip").ID {
		t.Fatalf("the policy or the instance profile was not replaced")
	}
	if diff := cmp.Diff(owner, p.Tags); diff != "" {
		t.Errorf("tags of the new policy differ (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(owner, ip.Tags); diff != "" {
		t.Errorf("tags of the new instance profile differ (-want +got):\n%s", diff)
	}
}

// TestUnreadReplacedTags checks which tag reads a plan is missing: those of
// replaced policies and instance profiles whose tags the state lacks.
func TestUnreadReplacedTags(t *testing.T) {
	policyARN := accountARN + "policy/p"
	state := &provider.State{
		Policies: []*provider.ManagedPolicy{
			{Name: "p", ARN: policyARN},
			{Name: "read", ARN: accountARN + "policy/read", Tags: []provider.Tag{}},
			{Name: "kept", ARN: accountARN + "policy/kept"},
		},
		InstanceProfiles: []*provider.InstanceProfile{{Name: "ip"}, {Name: "tagged", Tags: []provider.Tag{}}},
	}
	replace := func(typ planner.Type, name, arn string) *planner.Change {
		c := &planner.Change{Type: typ, Action: planner.Replace, Name: name}
		if arn != "" {
			c.Attrs = []planner.Attr{{Name: "arn", Before: arn, After: strings.Replace(arn, "policy/", "policy/new/", 1)}}
		}
		return c
	}
	plan := &planner.Plan{Changes: []*planner.Change{
		replace(planner.TypePolicy, "p", policyARN),
		replace(planner.TypePolicy, "read", accountARN+"policy/read"),
		{Type: planner.TypePolicy, Action: planner.Update, Name: "kept"},
		replace(planner.TypeInstanceProfile, "ip", ""),
		replace(planner.TypeInstanceProfile, "tagged", ""),
		replace(planner.TypeRole, "r", ""),
	}}

	want := provider.ReadOptions{PolicyTagsOf: []string{policyARN}, InstanceProfileTagsOf: []string{"ip"}}
	if diff := cmp.Diff(want, unreadForPlan(plan, state).ReadOptions); diff != "" {
		t.Errorf("reads differ (-want +got):\n%s", diff)
	}
	if got := unreadForPlan(nil, state); got.any() {
		t.Errorf("reads for no plan = %+v, want none", got)
	}
}

// TestReadOptionsAskForPreviousNames checks that the credentials of a user
// that manages them are read under its previous names too, where a renamed
// user still is.
func TestReadOptionsAskForPreviousNames(t *testing.T) {
	cfg := &spec.Config{Users: []*spec.User{
		{Name: "alice.nguyen", PreviousNames: []string{"alice", "anguyen"}, AccessKeys: &spec.AccessKeys{}},
		{Name: "bob", PreviousNames: []string{"robert"}},
		{Name: "carol", LoginProfile: &spec.LoginProfile{Enabled: true}},
	}}
	want := []string{"alice.nguyen", "alice", "anguyen", "carol"}
	if diff := cmp.Diff(want, readOptionsFor(cfg).CredentialsOf); diff != "" {
		t.Errorf("CredentialsOf differs (-want +got):\n%s", diff)
	}
}

// TestBoundaryPolicyMoved moves a policy that a user and a role use as
// permissions boundary to another path. The policy is replaced under a new
// ARN and the boundaries follow it. IAM allows one policy per name, so each
// boundary is removed before the old policy is deleted. It is set to the new
// ARN after the new policy is created.
func TestBoundaryPolicyMoved(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	entities := func(path string) map[string]string {
		return config(fmt.Sprintf(`policy "boundary" {
  name     = "boundary"
  path     = %q
  document = %s
}

user "u" {
  name                 = "u"
  permissions_boundary = policy.boundary.arn
}

`, path, readOnlyDocument) + role("r", "r", "/", "  permissions_boundary = policy.boundary.arn\n"))
	}
	h.applyConfig(entities("/"))

	log.reset()
	h.change("boundary-policy-moved.plan", entities("/boundaries/"))
	want := []string{
		"DeleteUserPermissionsBoundary", "DeletePolicy", "CreatePolicy", "PutUserPermissionsBoundary",
	}
	if diff := cmp.Diff(want, log.actions(want...)); diff != "" {
		t.Errorf("calls for the user's boundary differ (-want +got):\n%s", diff)
	}
	state := h.readState()
	arn := accountARN + "policy/boundaries/boundary"
	if state.User("u").PermissionsBoundary != arn || state.Role("r").PermissionsBoundary != arn {
		t.Errorf("boundaries = %q (user), %q (role); want %s", state.User("u").PermissionsBoundary, state.Role("r").PermissionsBoundary, arn)
	}
}
