package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestDeletedPrincipalBecomesUniqueID deletes a role and a user that trust
// policies name. IAM then shows their unique ids in place of their ARNs, in
// Principal and NotPrincipal, and leaves condition values and the trust
// policies that do not name them as they were sent.
func TestDeletedPrincipalBecomesUniqueID(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ciID := aws.ToString(must(f.iam.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("ci"), AssumeRolePolicyDocument: aws.String(trustEC2Document),
	}))(t).Role.RoleId)
	botID := aws.ToString(must(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bot")}))(t).User.UserId)

	trusting := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/ci","arn:aws:iam::123456789012:root"]},"Action":"sts:AssumeRole",` +
		`"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/ci"}}},` +
		`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/bot"},"Action":"sts:AssumeRole"}]}`
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trusting)}))(t)
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("web"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)

	ok(f.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("ci")}))(t)
	ok(f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bot")}))(t)

	want := `{"Statement":[` +
		`{"Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/ci"}},"Effect":"Allow","Principal":{"AWS":["` + ciID + `","arn:aws:iam::123456789012:root"]}},` +
		`{"Action":"sts:AssumeRole","Effect":"Deny","NotPrincipal":{"AWS":"` + botID + `"}}],"Version":"2012-10-17"}`
	deployer := must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")}))(t).Role
	if got := decoded(t, deployer.AssumeRolePolicyDocument); got != want {
		t.Errorf("trust policy of deployer =\n%s\nwant\n%s", got, want)
	}
	web := must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("web")}))(t).Role
	if got := decoded(t, web.AssumeRolePolicyDocument); got != trustEC2Document {
		t.Errorf("trust policy of web changed to %s", got)
	}

	// A new role of the same name does not get the grant back.
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ci"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
	deployer = must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")}))(t).Role
	if got := decoded(t, deployer.AssumeRolePolicyDocument); got != want {
		t.Errorf("trust policy of deployer after ci was created again =\n%s\nwant\n%s", got, want)
	}
}
