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
		`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/bot"},"Action":"sts:AssumeRole"}]}`
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trusting)}))(t)
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("web"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)

	ok(f.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("ci")}))(t)
	ok(f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bot")}))(t)

	want := `{"Statement":[` +
		`{"Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/ci"}},"Effect":"Allow","Principal":{"AWS":["` + ciID + `","arn:aws:iam::123456789012:root"]}},` +
		`{"Action":"sts:AssumeRole","Effect":"Deny","Principal":{"AWS":"` + botID + `"}}],"Version":"2012-10-17"}`
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

// TestMovedUserKeepsItsTrust renames a user and moves it to another path.
// IAM updates the trust policies that name the user as a principal to its
// new ARN, and leaves an ARN in a condition value as it was sent.
func TestMovedUserKeepsItsTrust(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bot"), Path: aws.String("/people/")}))(t)
	trusting := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/people/bot"},"Action":"sts:AssumeRole",` +
		`"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/people/bot"}}}]}`
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trusting)}))(t)

	tests := []struct {
		name string
		in   iam.UpdateUserInput
		arn  string
	}{
		{"path", iam.UpdateUserInput{UserName: aws.String("bot"), NewPath: aws.String("/machines/")}, "arn:aws:iam::123456789012:user/machines/bot"},
		{"name", iam.UpdateUserInput{UserName: aws.String("bot"), NewUserName: aws.String("robot")}, "arn:aws:iam::123456789012:user/machines/robot"},
	}
	for _, tt := range tests {
		ok(f.iam.UpdateUser(ctx, &tt.in))(t)

		want := `{"Statement":[{"Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/people/bot"}},` +
			`"Effect":"Allow","Principal":{"AWS":"` + tt.arn + `"}}],"Version":"2012-10-17"}`
		deployer := must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")}))(t).Role
		if got := decoded(t, deployer.AssumeRolePolicyDocument); got != want {
			t.Errorf("after the new %s, trust policy of deployer =\n%s\nwant\n%s", tt.name, got, want)
		}
	}
}

func TestTrustPolicyPrincipalsMustExist(t *testing.T) {
	tests := map[string]struct {
		principal string
		wantError bool
	}{
		"existing user":                {principal: `"arn:aws:iam::123456789012:user/people/alice"`},
		"existing role":                {principal: `"arn:aws:iam::123456789012:role/ops/deployer"`},
		"user name in other case":      {principal: `"arn:aws:iam::123456789012:user/people/ALICE"`},
		"missing user":                 {principal: `"arn:aws:iam::123456789012:user/nobody"`, wantError: true},
		"missing role":                 {principal: `"arn:aws:iam::123456789012:role/nobody"`, wantError: true},
		"user under another path":      {principal: `"arn:aws:iam::123456789012:user/alice"`, wantError: true},
		"missing user in a list":       {principal: `["arn:aws:iam::123456789012:user/people/alice","arn:aws:iam::123456789012:user/nobody"]`, wantError: true},
		"role that is being made":      {principal: `"arn:aws:iam::123456789012:role/new"`, wantError: true},
		"other account's user":         {principal: `"arn:aws:iam::210987654321:user/nobody"`},
		"account root":                 {principal: `"arn:aws:iam::123456789012:root"`},
		"account id":                   {principal: `"123456789012"`},
		"everyone":                     {principal: `"*"`},
		"role session":                 {principal: `"arn:aws:sts::123456789012:assumed-role/nobody/session"`},
		"unique id of a lost user":     {principal: `"AIDAQ3EGSESSIONXXXXXX"`},
		"user group":                   {principal: `"arn:aws:iam::123456789012:group/admins"`, wantError: true},
		"wildcard in an ARN":           {principal: `"arn:aws:iam::210987654321:role/deploy-*"`, wantError: true},
		"role without a name":          {principal: `"arn:aws:iam::123456789012:role/ops/"`, wantError: true},
		"another partition":            {principal: `"arn:aws-cn:iam::123456789012:user/people/alice"`, wantError: true},
		"session of another partition": {principal: `"arn:aws-cn:sts::210987654321:assumed-role/x/y"`, wantError: true},
		"instance profile":             {principal: `"arn:aws:iam::123456789012:instance-profile/web"`, wantError: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			ctx := t.Context()
			ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/people/")}))(t)
			ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), Path: aws.String("/ops/"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":` + tt.principal + `},"Action":"sts:AssumeRole"}]}`

			_, createErr := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("new"), AssumeRolePolicyDocument: aws.String(doc)})
			_, updateErr := f.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("deployer"), PolicyDocument: aws.String(doc)})

			if !tt.wantError {
				if createErr != nil {
					t.Errorf("CreateRole: %v", createErr)
				}
				if updateErr != nil {
					t.Errorf("UpdateAssumeRolePolicy: %v", updateErr)
				}
				return
			}
			wantError(t, createErr, "MalformedPolicyDocument", 400, "")
			wantError(t, updateErr, "MalformedPolicyDocument", 400, "")
			if _, err := f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("new")}); err == nil {
				t.Errorf("a rejected CreateRole made the role")
			}
			got := must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")}))(t)
			if decoded(t, got.Role.AssumeRolePolicyDocument) != trustEC2Document {
				t.Errorf("a rejected UpdateAssumeRolePolicy changed the trust policy to %s", decoded(t, got.Role.AssumeRolePolicyDocument))
			}
		})
	}
}

func TestInvalidPrincipalMessage(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	tests := map[string]string{
		"Principal":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/nobody"},"Action":"sts:AssumeRole"}]}`,
		"Principal list": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/nobody"]},"Action":"sts:AssumeRole"}]}`,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)})
			wantError(t, err, "MalformedPolicyDocument", 400, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/nobody"`)
		})
	}

	// A trust policy may not have NotPrincipal at all.
	notPrincipal := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	_, err := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(notPrincipal)})
	wantError(t, err, "MalformedPolicyDocument", 400, "Has prohibited field NotPrincipal")
}
