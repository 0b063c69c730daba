package importer_test

import (
	"fmt"
	"testing"

	"github.com/iamsync/iamsync/importer"
	"github.com/iamsync/iamsync/provider"
)

// syntheticState returns an account of n entities: 30% users, 3% groups,
// 30% roles, 20% customer-managed policies and the rest instance profiles.
// Users are in groups, with tags, an inline policy and access keys; roles
// share a few trust policies, and everything attaches policies.
func syntheticState(n int) *provider.State {
	const account = "123456789012"
	s := &provider.State{AccountID: account, Partition: "aws", RoleDetailsRead: true}
	arn := func(kind, path, name string) string {
		return fmt.Sprintf("arn:aws:iam::%s:%s%s%s", account, kind, path, name)
	}
	users, groups, roles, policies := n*30/100, n*3/100, n*30/100, n*20/100
	profiles := n - users - groups - roles - policies

	for i := range policies {
		name := fmt.Sprintf("policy-%05d", i)
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-%d/${aws:username}/*"}]}`, i, i)
		s.Policies = append(s.Policies, &provider.ManagedPolicy{
			Name: name, Path: "/app/", ARN: arn("policy", "/app/", name), DefaultVersionID: "v1",
			Versions: []provider.PolicyVersion{{ID: "v1", IsDefault: true, Document: doc}},
			Tags:     []provider.Tag{{Key: "team", Value: fmt.Sprintf("team-%d", i%7)}},
		})
	}
	policyARN := func(i int) string { return s.Policies[i%policies].ARN }

	for i := range groups {
		name := fmt.Sprintf("group.%04d", i)
		s.Groups = append(s.Groups, &provider.Group{
			Name: name, Path: "/", ARN: arn("group", "/", name),
			AttachedPolicies: []string{policyARN(i), "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		})
	}
	for i := range users {
		name := fmt.Sprintf("user.%05d", i)
		s.Users = append(s.Users, &provider.User{
			Name: name, Path: "/people/", ARN: arn("user", "/people/", name),
			Tags:             []provider.Tag{{Key: "team", Value: fmt.Sprintf("team-%d", i%7)}, {Key: "cost-center", Value: "42"}},
			Groups:           []string{s.Groups[i%groups].Name, s.Groups[(i+1)%groups].Name},
			AttachedPolicies: []string{policyARN(i)},
			InlinePolicies: []provider.InlinePolicy{{Name: "own-keys", Document: fmt.Sprintf(
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"%s"}]}`, arn("user", "/people/", name))}},
			Credentials: &provider.UserCredentials{
				LoginProfile: &provider.LoginProfile{},
				AccessKeys:   []provider.AccessKey{{ID: fmt.Sprintf("AKIAEXAMPLE%09d", i), Status: "Active"}},
			},
		})
	}
	for i := range roles {
		name := fmt.Sprintf("role-%05d", i)
		trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"service%d.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, i%10)
		s.Roles = append(s.Roles, &provider.Role{
			Name: name, Path: "/service/", ARN: arn("role", "/service/", name), AssumeRolePolicy: trust,
			Description: "Role " + name, MaxSessionDuration: 3600,
			AttachedPolicies:    []string{policyARN(i), policyARN(i + 1)},
			PermissionsBoundary: policyARN(0),
			Tags:                []provider.Tag{{Key: "service", Value: name}},
		})
	}
	for i := range profiles {
		name := fmt.Sprintf("profile-%05d", i)
		s.InstanceProfiles = append(s.InstanceProfiles, &provider.InstanceProfile{
			Name: name, Path: "/service/", ARN: arn("instance-profile", "/service/", name),
			Roles: []string{s.Roles[i%roles].Name},
		})
	}
	return s
}

// BenchmarkGenerate generates the configuration of a 10,000-entity
// account in each layout and document style.
func BenchmarkGenerate(b *testing.B) {
	state := syntheticState(10000)
	for style, opts := range map[string]importer.Options{
		"by kind with jsonencode":      {},
		"by path with policy_document": {Layout: importer.LayoutByPath, Documents: importer.DocumentsPolicyDocument},
	} {
		b.Run(style, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := importer.Generate(state, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
