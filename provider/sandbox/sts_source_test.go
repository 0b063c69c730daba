package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// trustWithActions returns a trust policy of one Allow statement for the
// actions by the AWS principal, with an optional Condition element given
// as JSON.
func trustWithActions(principal, condition string, actions ...string) string {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal +
		`"},"Action":["` + strings.Join(actions, `","`) + `"]`
	if condition != "" {
		doc += `,"Condition":` + condition
	}
	return doc + `}]}`
}

func TestAssumeRoleSourceIdentity(t *testing.T) {
	f := newFixture(t, Options{})
	alice := f.userSTS(t, "alice")
	const aliceARN = "arn:aws:iam::123456789012:user/alice"
	allows := f.createRole(t, "allows", trustWithActions(aliceARN, "", actionAssumeRole, actionSetSourceIdentity), 0)
	assumeOnly := f.createRole(t, "assume-only", trustWithActions(aliceARN, "", actionAssumeRole), 0)
	named := f.createRole(t, "named", trustWithActions(aliceARN, `{"StringEquals":{"sts:SourceIdentity":"alice@example.com"}}`,
		actionAssumeRole, actionSetSourceIdentity), 0)

	tests := map[string]struct {
		roleARN, sourceIdentity string
		code                    string // empty when the call succeeds
		message                 string
	}{
		"set and returned":        {roleARN: allows, sourceIdentity: "alice@example.com"},
		"every allowed character": {roleARN: allows, sourceIdentity: "Az09_+=,.@-"},
		"left out":                {roleARN: assumeOnly},
		"matching condition":      {roleARN: named, sourceIdentity: "alice@example.com"},
		"other value than the condition": {roleARN: named, sourceIdentity: "bob@example.com", code: "AccessDenied",
			message: "User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: " + named},
		"missing where the condition requires it": {roleARN: named, code: "AccessDenied",
			message: "User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: " + named},
		"trust without sts:SetSourceIdentity": {roleARN: assumeOnly, sourceIdentity: "alice", code: "AccessDenied",
			message: "User: " + aliceARN + " is not authorized to perform: sts:SetSourceIdentity on resource: " + assumeOnly},
		"one character": {roleARN: allows, sourceIdentity: "a", code: "ValidationError",
			message: "1 validation error detected: Value 'a' at 'sourceIdentity' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		"65 characters": {roleARN: allows, sourceIdentity: strings.Repeat("a", 65), code: "ValidationError",
			message: "1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'sourceIdentity' failed to satisfy constraint: Member must have length less than or equal to 64"},
		"reserved aws: prefix": {roleARN: allows, sourceIdentity: "aws:admin", code: "ValidationError",
			message: `1 validation error detected: Value 'aws:admin' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		"space": {roleARN: allows, sourceIdentity: "alice smith", code: "ValidationError"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: aws.String(tc.roleARN), RoleSessionName: aws.String("s1")}
			if tc.sourceIdentity != "" {
				in.SourceIdentity = aws.String(tc.sourceIdentity)
			}
			out, err := alice.AssumeRole(t.Context(), in)
			if tc.code != "" {
				wantError(t, err, tc.code, map[string]int{"AccessDenied": 403, "ValidationError": 400}[tc.code], tc.message)
				return
			}
			if got := aws.ToString(must(out, err)(t).SourceIdentity); got != tc.sourceIdentity {
				t.Errorf("SourceIdentity = %q, want %q", got, tc.sourceIdentity)
			}
		})
	}
}

func TestSourceIdentityPersistsAlongRoleChain(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	alice := f.userSTS(t, "alice")
	firstARN := f.createRole(t, "first", trustWithActions("arn:aws:iam::123456789012:user/alice", "", actionAssumeRole, actionSetSourceIdentity), 0)
	secondARN := f.createRole(t, "second", trustWithActions(firstARN, `{"StringEquals":{"aws:SourceIdentity":"alice"}}`,
		actionAssumeRole, actionSetSourceIdentity), 0)
	openARN := f.createRole(t, "open", trustWithActions(firstARN, "", actionAssumeRole, actionSetSourceIdentity), 0)
	assumeOnlyARN := f.createRole(t, "assume-only", trustWithActions(firstARN, "", actionAssumeRole), 0)

	withIdentity := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &firstARN, RoleSessionName: aws.String("one"),
		SourceIdentity: aws.String("alice")}))(t)
	_, fromIdentity := f.sessionClients(withIdentity.Credentials)
	withoutIdentity := must(alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &firstARN, RoleSessionName: aws.String("one")}))(t)
	_, fromPlain := f.sessionClients(withoutIdentity.Credentials)

	tests := map[string]struct {
		client                  *sts.Client
		roleARN, sourceIdentity string
		want                    string // the session's source identity; empty when the call fails
		message                 string
	}{
		"inherited": {client: fromIdentity, roleARN: secondARN, want: "alice"},
		"repeated":  {client: fromIdentity, roleARN: secondARN, sourceIdentity: "alice", want: "alice"},
		"changed": {client: fromIdentity, roleARN: openARN, sourceIdentity: "mallory",
			message: "User: arn:aws:sts::123456789012:assumed-role/first/one is not authorized to perform: sts:SetSourceIdentity on resource: " + openARN},
		"inherited without sts:SetSourceIdentity": {client: fromIdentity, roleARN: assumeOnlyARN,
			message: "User: arn:aws:sts::123456789012:assumed-role/first/one is not authorized to perform: sts:SetSourceIdentity on resource: " + assumeOnlyARN},
		"set in the second link": {client: fromPlain, roleARN: openARN, sourceIdentity: "bob", want: "bob"},
		"missing for aws:SourceIdentity": {client: fromPlain, roleARN: secondARN,
			message: "User: arn:aws:sts::123456789012:assumed-role/first/one is not authorized to perform: sts:AssumeRole on resource: " + secondARN},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: aws.String(tc.roleARN), RoleSessionName: aws.String("two")}
			if tc.sourceIdentity != "" {
				in.SourceIdentity = aws.String(tc.sourceIdentity)
			}
			out, err := tc.client.AssumeRole(t.Context(), in)
			if tc.want == "" {
				wantError(t, err, "AccessDenied", 403, tc.message)
				return
			}
			if got := aws.ToString(must(out, err)(t).SourceIdentity); got != tc.want {
				t.Errorf("SourceIdentity = %q, want %q", got, tc.want)
			}
		})
	}

	// The third link of a chain still carries the source identity.
	second := must(fromIdentity.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &secondARN, RoleSessionName: aws.String("two")}))(t)
	_, fromSecond := f.sessionClients(second.Credentials)
	thirdARN := f.createRole(t, "third", trustWithActions(secondARN, `{"StringEquals":{"aws:SourceIdentity":"alice"}}`,
		actionAssumeRole, actionSetSourceIdentity), 0)
	third := must(fromSecond.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &thirdARN, RoleSessionName: aws.String("three")}))(t)
	if got := aws.ToString(third.SourceIdentity); got != "alice" {
		t.Errorf("SourceIdentity at the third link = %q, want alice", got)
	}
}
