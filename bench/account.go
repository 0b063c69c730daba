package bench

import (
	"fmt"
	"time"
)

// AccountID is the account of every synthetic account: the sandbox's
// default, so that the configuration's ${account.id} resolves to the
// account the state file names.
const AccountID = "123456789012"

// createdAt is when the synthetic entities were created. A fixed date keeps
// generated files identical from run to run.
var createdAt = time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC)

// versionsPerPolicy is how many versions each synthetic policy has, the
// last one the default.
const versionsPerPolicy = 3

// account is a synthetic account, from which both the state file and the
// configuration are written.
type account struct {
	shape    Shape
	policies []*syntheticPolicy
	groups   []*syntheticGroup
	roles    []*syntheticRole
	users    []*syntheticUser
}

type syntheticPolicy struct {
	label, name, description string
	// versions are the documents oldest first; the last is the default.
	versions []document
}

type syntheticGroup struct {
	label, name string
	attached    *syntheticPolicy
	inlineName  string
	inline      document
}

type syntheticRole struct {
	label, name, description string
	maxSessionDuration       int32 // 0 leaves IAM's default of 3600 seconds
	trust                    document
	attached                 *syntheticPolicy
	// inlineName is empty for a role without an inline policy.
	inlineName string
	inline     document
	tags       []tag
}

type syntheticUser struct {
	label, name string
	groups      []*syntheticGroup
	// attached is nil, and inlineName empty, for a user without an attached
	// or an inline policy.
	attached   *syntheticPolicy
	inlineName string
	inline     document
	tags       []tag
}

type tag struct{ key, value string }

// Paths of the synthetic entities.
const (
	benchPath  = "/bench/"
	peoplePath = "/people/"
)

// trustedServices are the services that the synthetic roles trust, in turn.
var trustedServices = []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"}

// newAccount builds the synthetic account of a shape. Every entity is
// derived from its index alone, so the same shape always gives the same
// account.
func newAccount(shape Shape) *account {
	a := &account{shape: shape}
	for i := range shape.Policies {
		a.policies = append(a.policies, newPolicy(i))
	}
	for i := range shape.Roles {
		a.roles = append(a.roles, a.newRole(i))
	}
	for i := range shape.Groups {
		a.groups = append(a.groups, a.newGroup(i))
	}
	for i := range shape.Users {
		a.users = append(a.users, a.newUser(i))
	}
	return a
}

func newPolicy(i int) *syntheticPolicy {
	p := &syntheticPolicy{
		label:       fmt.Sprintf("p%05d", i),
		name:        fmt.Sprintf("bench-policy-%05d", i),
		description: fmt.Sprintf("Reads bench bucket %05d", i),
	}
	bucket := fmt.Sprintf("arn:aws:s3:::bench-bucket-%05d", i)
	for v := range versionsPerPolicy {
		actions := []string{"s3:GetObject", "s3:ListBucket"}
		if v == versionsPerPolicy-1 {
			actions = append(actions, "s3:GetObjectTagging")
		}
		doc := policyDocument(statement{
			sid:       fmt.Sprintf("ReadBucketV%d", v+1),
			actions:   actions,
			resources: []value{literal(bucket), literal(bucket + "/*")},
		})
		doc.console = consoleStyle(i)
		p.versions = append(p.versions, doc)
	}
	return p
}

func (a *account) newRole(i int) *syntheticRole {
	r := &syntheticRole{
		label:       fmt.Sprintf("r%04d", i),
		name:        fmt.Sprintf("bench-role-%04d", i),
		description: fmt.Sprintf("Runs bench service %04d", i),
		attached:    a.policies[(i*7)%len(a.policies)],
		tags:        []tag{{"service", fmt.Sprintf("svc-%04d", i)}, {"team", fmt.Sprintf("team-%d", i%12)}},
	}
	if i%3 == 0 {
		r.maxSessionDuration = 7200
	}

	// Most roles trust a service; every fifth trusts another account.
	if i%5 == 4 {
		r.trust = trustDocument("AWS", literal("arn:aws:iam::111122223333:root"))
	} else {
		r.trust = trustDocument("Service", literal(trustedServices[i%len(trustedServices)]))
	}
	r.trust.console = consoleStyle(i)

	// Every other role writes its own logs.
	if i%2 == 0 {
		group := fmt.Sprintf("/aws/bench/%s", r.name)
		r.inlineName = "write-logs"
		r.inline = policyDocument(statement{
			actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			resources: []value{interpolated(
				fmt.Sprintf("arn:aws:logs:*:${account.id}:log-group:%s:*", group),
				fmt.Sprintf("arn:aws:logs:*:%s:log-group:%s:*", AccountID, group),
			)},
		})
		r.inline.console = consoleStyle(i + 1)
	}
	return r
}

func (a *account) newGroup(i int) *syntheticGroup {
	g := &syntheticGroup{
		label:      fmt.Sprintf("g%04d", i),
		name:       fmt.Sprintf("bench-group-%04d", i),
		attached:   a.policies[(i*3+1)%len(a.policies)],
		inlineName: "assume-service-role",
	}
	role := a.roles[i%len(a.roles)]
	g.inline = policyDocument(statement{
		actions: []string{"sts:AssumeRole"},
		resources: []value{reference(
			fmt.Sprintf("role.%s.arn", role.label),
			fmt.Sprintf("arn:aws:iam::%s:role%s%s", AccountID, benchPath, role.name),
		)},
	})
	g.inline.console = consoleStyle(i)
	return g
}

// newUser builds a user who gets most permissions from groups, as IAM's
// best practices advise: every user is in one or two groups, every other
// user has an attached policy, and every fourth an inline one.
func (a *account) newUser(i int) *syntheticUser {
	u := &syntheticUser{
		label: fmt.Sprintf("u%05d", i),
		name:  fmt.Sprintf("bench-user-%05d", i),
		tags:  []tag{{"cost_center", fmt.Sprintf("cc-%03d", i%40)}, {"team", fmt.Sprintf("team-%d", i%12)}},
	}
	u.groups = []*syntheticGroup{a.groups[i%len(a.groups)]}
	if second := a.groups[(i+1)%len(a.groups)]; i%2 == 1 && second != u.groups[0] {
		u.groups = append(u.groups, second)
	}
	if i%2 == 0 {
		u.attached = a.policies[(i*11+2)%len(a.policies)]
	}
	if i%4 == 0 {
		home := fmt.Sprintf("arn:aws:s3:::bench-home/%s/*", u.name)
		u.inlineName = "home-directory"
		u.inline = policyDocument(statement{
			actions:   []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
			resources: []value{literal(home)},
		})
		u.inline.console = consoleStyle(i / 4)
	}
	return u
}

// consoleStyle reports whether the i-th document of a kind is stored as the
// IAM console writes documents. The others are stored as iamsync sent them,
// which is how an account that iamsync manages holds most documents.
func consoleStyle(i int) bool { return i%4 == 3 }

// arn returns the ARN of an entity of the synthetic account.
func arn(resourceType, path, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:%s%s%s", AccountID, resourceType, path, name)
}

func (p *syntheticPolicy) arn() string { return arn("policy", benchPath, p.name) }
