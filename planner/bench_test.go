package planner

import (
	"fmt"
	"testing"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// largeAccount returns a configuration of about n entities and a live state
// that matches it, with every live document written differently from the
// declared one but meaning the same.
func largeAccount(n int) (*spec.Config, *provider.State) {
	cfg := &spec.Config{Scope: spec.DefaultScope(), AccountID: testAccountID, Partition: "aws"}
	live := &provider.State{AccountID: testAccountID, Partition: "aws", RoleDetailsRead: true}

	declaredDoc := func(i int) *policydoc.Document {
		return policydoc.MustParse(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::bucket-%d/*"}]}`, i))
	}
	liveDoc := func(i int) string {
		return fmt.Sprintf("{\n  \"Statement\": {\"Resource\": [\"arn:aws:s3:::bucket-%d/*\"], \"Action\": [\"s3:ListBucket\", \"s3:GetObject\"], \"Effect\": \"Allow\"},\n  \"Version\": \"2012-10-17\"\n}", i)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	liveTrust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}}`

	policies, groups, roles, profiles := n/5, n/20, n/4, n/20
	users := n - policies - groups - roles - profiles

	for i := range policies {
		name := fmt.Sprintf("policy-%05d", i)
		d := &spec.Policy{Address: spec.Address{Type: "policy", Label: name}, Name: name, Path: "/", Document: declaredDoc(i)}
		cfg.Policies = append(cfg.Policies, d)
		live.Policies = append(live.Policies, &provider.ManagedPolicy{
			Name: name, Path: "/", ARN: d.ARN("aws", testAccountID), DefaultVersionID: "v1",
			Versions: []provider.PolicyVersion{{ID: "v1", IsDefault: true, Document: liveDoc(i)}},
		})
	}
	policyARN := func(i int) string { return cfg.Policies[i%policies].ARN("aws", testAccountID) }

	for i := range groups {
		name := fmt.Sprintf("group-%05d", i)
		cfg.Groups = append(cfg.Groups, &spec.Group{
			Address: spec.Address{Type: "group", Label: name}, Name: name, Path: "/",
			Attachments: []*spec.Attachment{{PolicyARN: policyARN(i)}},
		})
		live.Groups = append(live.Groups, &provider.Group{Name: name, Path: "/", AttachedPolicies: []string{policyARN(i)}})
	}

	for i := range roles {
		name := fmt.Sprintf("role-%05d", i)
		cfg.Roles = append(cfg.Roles, &spec.Role{
			Address: spec.Address{Type: "role", Label: name}, Name: name, Path: "/app/",
			AssumeRolePolicy: policydoc.MustParse(trust), MaxSessionDuration: 3600,
			Tags:           map[string]string{"team": "platform"},
			InlinePolicies: []*spec.InlinePolicy{{Name: "s3", Document: declaredDoc(i)}},
			Attachments:    []*spec.Attachment{{PolicyARN: policyARN(i)}},
		})
		live.Roles = append(live.Roles, &provider.Role{
			Name: name, Path: "/app/", AssumeRolePolicy: liveTrust, MaxSessionDuration: 3600,
			Tags:             []provider.Tag{{Key: "Team", Value: "platform"}},
			InlinePolicies:   []provider.InlinePolicy{{Name: "s3", Document: liveDoc(i)}},
			AttachedPolicies: []string{policyARN(i)},
		})
	}

	for i := range profiles {
		name := fmt.Sprintf("profile-%05d", i)
		role := cfg.Roles[i%roles].Name
		cfg.InstanceProfiles = append(cfg.InstanceProfiles, &spec.InstanceProfile{
			Address: spec.Address{Type: "instance_profile", Label: name}, Name: name, Path: "/", Role: role,
		})
		live.InstanceProfiles = append(live.InstanceProfiles, &provider.InstanceProfile{Name: name, Path: "/", Roles: []string{role}})
	}

	for i := range users {
		name := fmt.Sprintf("user-%05d", i)
		group := cfg.Groups[i%groups].Name
		cfg.Users = append(cfg.Users, &spec.User{
			Address: spec.Address{Type: "user", Label: name}, Name: name, Path: "/people/",
			Tags:           map[string]string{"team": fmt.Sprintf("team-%d", i%7)},
			InlinePolicies: []*spec.InlinePolicy{{Name: "own", Document: declaredDoc(i)}},
		})
		cfg.Memberships = append(cfg.Memberships, &spec.Membership{User: name, Group: group})
		live.Users = append(live.Users, &provider.User{
			Name: name, Path: "/people/", Groups: []string{group},
			Tags:           []provider.Tag{{Key: "team", Value: fmt.Sprintf("team-%d", i%7)}},
			InlinePolicies: []provider.InlinePolicy{{Name: "own", Document: liveDoc(i)}},
		})
	}
	return cfg, live
}

func TestMakeLargeMatchingAccount(t *testing.T) {
	cfg, live := largeAccount(2000)
	plan, diags := Make(cfg, live, Options{Now: testNow})
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	for _, c := range plan.Changes {
		t.Errorf("unexpected change: %s", c.Description())
	}
}

func BenchmarkMake(b *testing.B) {
	cfg, live := largeAccount(10000)
	b.ResetTimer()
	for b.Loop() {
		plan, diags := Make(cfg, live, Options{Now: testNow})
		if len(diags) > 0 || plan.HasChanges() {
			b.Fatalf("plan of a matching account has %d changes and %d diagnostics", len(plan.Changes), len(diags))
		}
	}
}
