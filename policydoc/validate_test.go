package policydoc

import (
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

// finding is a Problem without its Detail, which tests check separately.
type finding struct {
	Severity Severity
	Path     string
	Summary  string
}

func findings(problems []Problem) []finding {
	var out []finding
	for _, p := range problems {
		out = append(out, finding{p.Severity, p.Path, p.Summary})
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := map[string]struct {
		kind Kind
		doc  string
		want []finding
	}{
		// Documents IAM accepts.
		"identity policy": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[{"Sid":"Read1","Effect":"Allow","Action":["s3:Get*","s3:List?ucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":true}}}]}`,
		},
		"trust policy": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com","AWS":["123456789012","arn:aws:iam::123456789012:role/x"]},"Action":"sts:AssumeRole"}}`,
		},
		"resource policy": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Id":"key-policy","Statement":{"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}}`,
		},
		"old version without variables": {
			kind: Identity,
			doc:  `{"Version":"2008-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`,
		},
		"missing version without variables": {
			kind: Identity,
			doc:  `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`,
		},
		"wildcard partition and policy variables in resource": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:${aws:partition}:s3:::home/${aws:username}/*"}}`,
		},
		"set operators and IfExists": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*"]},"ForAnyValue:StringEquals":{"aws:TagKeys":"b"},"NumericLessThanEquals":{"s3:max-keys":10},"Null":{"aws:MultiFactorAuthAge":"true"}}}}`,
		},

		// Document structure.
		"unsupported version": {
			kind: Identity,
			doc:  `{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Version", "Invalid policy version"}},
		},
		"version as a date-like number": {
			kind: Identity,
			doc:  `{"Version":20121017,"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Version", "Invalid policy version"}},
		},
		"missing Statement": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17"}`,
			want: []finding{{Error, "", "Missing Statement"}},
		},
		"misspelt Statement": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statements":[]}`,
			want: []finding{{Error, "/Statements", "Unknown policy element"}, {Error, "", "Missing Statement"}},
		},
		"Statement of the wrong type": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":"allow all"}`,
			want: []finding{{Error, "/Statement", "Invalid Statement"}},
		},
		"empty Statement list": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[]}`,
			want: []finding{{Warning, "/Statement", "Empty Statement list"}},
		},
		"statement that is not an object": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[["Allow"]]}`,
			want: []finding{{Error, "/Statement/0", "Invalid statement"}},
		},
		"Id that is not a string": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Id":1,"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Id", "Invalid Id"}},
		},
		"unknown statement element": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resources":"*"}}`,
			want: []finding{{Error, "/Statement/Resources", "Unknown statement element"}, {Error, "/Statement", "Missing Resource"}},
		},

		// Sid.
		"Sid with punctuation in an identity policy": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Sid":"read-only","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Sid", "Invalid Sid"}},
		},
		"Sid with spaces in a resource policy": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Statement":{"Sid":"Allow read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
		},
		"Sid that is not a string": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Sid":1,"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Sid", "Invalid Sid"}},
		},
		"duplicate Sid": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`,
			want: []finding{{Error, "/Statement/1/Sid", "Duplicate Sid"}},
		},
		"duplicate Sid in a resource policy": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}`,
			want: []finding{{Warning, "/Statement/1/Sid", "Duplicate Sid"}},
		},
		"empty Sids are not duplicates": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`,
		},

		// Effect.
		"missing Effect": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement", "Missing Effect"}},
		},
		"miscased Effect": {
			// IAM fails "allow" with "The policy failed legacy parsing".
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Effect", "Invalid Effect"}},
		},
		"Effect of the wrong type": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":true,"Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Effect", "Invalid Effect"}},
		},

		// Action.
		"both Action and NotAction": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement", "Both Action and NotAction"}},
		},
		"neither Action nor NotAction": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}`,
			want: []finding{{Error, "/Statement", "Missing Action"}},
		},
		"action without service prefix": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","GetObject"],"Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Action/1", "Invalid action"}},
		},
		"action with an empty name": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"s3:","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/NotAction", "Invalid action"}},
		},
		"action that is not a string": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject",1],"Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Action/1", "Invalid Action"}},
		},
		"empty Action list": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Action", "Empty Action list"}},
		},
		"Action object": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":{"s3":"GetObject"},"Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Action", "Invalid Action"}},
		},

		// Resource.
		"missing Resource in an identity policy": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject"}}`,
			want: []finding{{Error, "/Statement", "Missing Resource"}},
		},
		"both Resource and NotResource": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::b"}}`,
			want: []finding{{Error, "/Statement", "Both Resource and NotResource"}},
		},
		"resource that is not an ARN": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b","my-bucket/*"]}}`,
			want: []finding{{Error, "/Statement/Resource/1", "Invalid resource"}},
		},
		"ARN with too few parts": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:b"}}`,
			want: []finding{{Error, "/Statement/Resource", "Invalid resource"}},
		},
		"ARN with an empty resource part": {
			// AWS's own AmazonDevOpsGuruOrganizationsAccess policy has one.
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"organizations:List*","Resource":"arn:aws:organizations::*:"}}`,
		},
		"ARN in upper case": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"ARN:aws:s3:::b"}}`,
			want: []finding{{Error, "/Statement/Resource", "Invalid resource"}},
		},
		"Resource in a trust policy": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Resource", "Resource in a trust policy"}},
		},

		// Principal.
		"Principal in an identity policy": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/Principal", "Principal in an identity policy"}},
		},
		"NotPrincipal in an identity policy": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}}`,
			want: []finding{{Error, "/Statement/NotPrincipal", "NotPrincipal in an identity policy"}},
		},
		"missing Principal in a trust policy": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement", "Missing Principal"}},
		},
		"missing Principal in a resource policy": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want: []finding{{Error, "/Statement", "Missing Principal"}},
		},
		"principal string other than star": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"123456789012","Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement/Principal", "Invalid Principal"}},
		},
		"empty principal object": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement/Principal", "Empty Principal"}},
		},
		"unknown principal type": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Services":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement/Principal/Services", "Unknown principal type"}},
		},
		"principal value of the wrong type": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com",{"x":1}]},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement/Principal/Service/1", "Invalid Principal Service"}},
		},
		"invalid AWS principal": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement/Principal/AWS", "Invalid AWS principal"}},
		},
		"principal ARNs IAM accepts": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/a/b/alice","arn:aws:iam::123456789012:role/deploy","arn:aws:sts::123456789012:assumed-role/deploy/ci","arn:aws:sts::123456789012:federated-user/bob"]},"Action":"sts:AssumeRole"}}`,
		},
		"wildcard in a principal ARN": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/deploy-*","arn:aws:iam::123456789012:user/?"]},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement/Principal/AWS/0", "Wildcard in principal ARN"}, {Error, "/Statement/Principal/AWS/1", "Wildcard in principal ARN"}},
		},
		"group as principal": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:group/admins"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want: []finding{{Error, "/Statement/Principal/AWS", "Group as principal"}},
		},
		"IAM ARNs that are not principals": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/","arn:aws:iam::123456789012:user/team/","arn:aws:iam::123456789012:instance-profile/web","arn:aws:iam::123456789012:policy/p"]},"Action":"sts:AssumeRole"}}`,
			want: []finding{
				{Error, "/Statement/Principal/AWS/0", "Invalid AWS principal"}, {Error, "/Statement/Principal/AWS/1", "Invalid AWS principal"},
				{Error, "/Statement/Principal/AWS/2", "Invalid AWS principal"}, {Error, "/Statement/Principal/AWS/3", "Invalid AWS principal"},
			},
		},
		"CloudFront origin access identity": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
		},
		"principal ARNs with a bad account or region": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::12345678901:root","arn:aws:iam::acme:root","arn:aws:iam:us-east-1:123456789012:root","arn:aws:sts::123456789012:role/x","arn:aws:sts::123456789012:assumed-role/x","arn:aws:s3:::bucket"]},"Action":"sts:AssumeRole"}}`,
			want: []finding{
				{Error, "/Statement/Principal/AWS/0", "Invalid AWS principal"}, {Error, "/Statement/Principal/AWS/1", "Invalid AWS principal"},
				{Error, "/Statement/Principal/AWS/2", "Invalid AWS principal"}, {Error, "/Statement/Principal/AWS/3", "Invalid AWS principal"},
				{Error, "/Statement/Principal/AWS/4", "Invalid AWS principal"}, {Error, "/Statement/Principal/AWS/5", "Invalid AWS principal"},
			},
		},
		"NotPrincipal in a trust policy": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Error, "/Statement/NotPrincipal", "NotPrincipal in a trust policy"}},
		},
		"unique ID of a deleted role": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/a","AROAEXAMPLEID1234567"]},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Warning, "/Statement/Principal/AWS/1", "Principal was deleted"}},
		},
		"unique ID of a deleted user in a resource policy": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"AIDAEXAMPLEID1234567"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want: []finding{{Warning, "/Statement/Principal/AWS", "Principal was deleted"}},
		},

		// Condition.
		"miscased condition operator": {
			// IAM: "Invalid Condition type : stringEquals".
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"stringEquals":{"aws:username":"alice"}}}}`,
			want: []finding{{Error, "/Statement/Condition/stringEquals", "Unknown condition operator"}},
		},
		"Null with IfExists": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NullIfExists":{"aws:TokenIssueTime":"true"}}}}`,
			want: []finding{{Error, "/Statement/Condition/NullIfExists", "Unknown condition operator"}},
		},
		"unknown set operator prefix": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForEachValue:StringEquals":{"aws:TagKeys":"a"}}}}`,
			want: []finding{{Error, "/Statement/Condition/ForEachValue:StringEquals", "Unknown condition operator"}},
		},
		"Condition that is not an object": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":["StringEquals"]}}`,
			want: []finding{{Error, "/Statement/Condition", "Invalid Condition"}},
		},
		"condition block that is not an object": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":"alice"}}}`,
			want: []finding{{Error, "/Statement/Condition/StringEquals", "Invalid condition block"}},
		},
		"condition value that is an object": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":["a",{"b":1}]}}}}`,
			want: []finding{{Error, "/Statement/Condition/StringEquals/aws:RequestTag~1team/1", "Invalid condition value"}},
		},

		// Warnings about broad grants.
		"Allow of star on star": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			want: []finding{{Warning, "/Statement", "Statement allows all actions on all resources"}},
		},
		"Deny of star on star": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`,
		},
		"iam:PassRole on star": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","IAM:passrole"],"Resource":["*"]}}`,
			want: []finding{{Warning, "/Statement/Action/1", "iam:PassRole on all resources"}},
		},
		"iam wildcard on star": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}}`,
			want: []finding{{Warning, "/Statement/Action", "iam:PassRole on all resources"}},
		},
		"iam:PassRole denied on all resources": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`,
		},
		"iam:PassRole denied under a condition": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:Pass*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`,
			want: []finding{{Warning, "/Statement/0/Action", "iam:PassRole on all resources"}},
		},
		"iam:PassRole on named roles": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app-*"}}`,
		},
		"Allow with NotResource": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}}`,
			want: []finding{{Warning, "/Statement/NotResource", "Allow with NotResource"}},
		},
		"Deny with NotResource is no risk": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::public/*"}}`,
		},
		"Allow with NotAction": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`,
			want: []finding{{Warning, "/Statement/NotAction", "Allow with NotAction"}},
		},
		"Deny with NotAction": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}}`,
		},
		"trust policy with principal star": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}`,
			want: []finding{{Warning, "/Statement/Principal", "Role can be assumed by anyone"}},
		},
		"resource policy with principal star": {
			kind: Resource,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}}`,
		},
		"web identity trust without sub condition": {
			kind: Trust,
			doc: `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
				"Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
				"Action":"sts:AssumeRoleWithWebIdentity",
				"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}}`,
			want: []finding{{Warning, "/Statement", "Web identity trust without a subject condition"}},
		},
		"web identity trust with sub condition": {
			kind: Trust,
			doc: `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
				"Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
				"Action":"sts:AssumeRoleWithWebIdentity",
				"Condition":{"StringLike":{"token.actions.githubusercontent.com:SUB":"repo:org/app:*"}}}}`,
		},
		"web identity action without federated principal": {
			kind: Trust,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"x.amazonaws.com"},"Action":["sts:assumerolewithwebidentity"]}}`,
			want: []finding{{Warning, "/Statement", "Web identity trust without a subject condition"}},
		},
		"SAML trust needs no sub condition": {
			kind: Trust,
			doc: `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
				"Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/idp"},
				"Action":"sts:AssumeRoleWithSAML",
				"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}`,
		},

		// Policy variables.
		"policy variables without Version": {
			kind: Identity,
			doc:  `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}}`,
			want: []finding{{Warning, "", "Policy variables need version 2012-10-17"}},
		},
		"policy variables with the old Version": {
			kind: Identity,
			doc:  `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}}`,
			want: []finding{{Warning, "/Version", "Policy variables need version 2012-10-17"}},
		},

		// Several problems come out in document order.
		"problems in document order": {
			kind: Identity,
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"x-y","Effect":"Permit","Action":"s3","Resource":"bucket"}]}`,
			want: []finding{
				{Warning, "/Statement/0", "Statement allows all actions on all resources"},
				{Error, "/Statement/1/Sid", "Invalid Sid"},
				{Error, "/Statement/1/Effect", "Invalid Effect"},
				{Error, "/Statement/1/Action", "Invalid action"},
				{Error, "/Statement/1/Resource", "Invalid resource"},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d := MustParse(tt.doc)
			problems := d.Validate(tt.kind)
			if diff := cmp.Diff(tt.want, findings(problems)); diff != "" {
				t.Errorf("Validate(%v) mismatch (-want +got):\n%s", tt.kind, diff)
			}
			for _, p := range problems {
				checkProblemText(t, p)
				if _, ok := d.Locate(p.Path); !ok {
					t.Errorf("Locate(%q) found no element for the problem %q", p.Path, p.Summary)
				}
			}
		})
	}
}

// checkProblemText checks the form of a problem's messages: a sentence-case
// summary without a trailing period, and a detail of whole sentences.
func checkProblemText(t *testing.T, p Problem) {
	t.Helper()
	if p.Summary == "" || strings.HasSuffix(p.Summary, ".") || !startsUpper(p.Summary) && !strings.HasPrefix(p.Summary, "iam:") {
		t.Errorf("summary %q is not a sentence-case phrase without a trailing period", p.Summary)
	}
	if !startsUpper(p.Detail) && !strings.HasPrefix(p.Detail, `"`) || !strings.HasSuffix(p.Detail, ".") && !strings.HasSuffix(p.Detail, "?") {
		t.Errorf("detail %q of %q is not whole sentences", p.Detail, p.Summary)
	}
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

func TestValidateSuggestions(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want string // a phrase the detail of the only problem must contain
	}{
		"element name case": {
			doc:  `{"Version":"2012-10-17","Statement":{"effect":"Allow","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: `Did you mean "Effect"?`,
		},
		"element name typo": {
			doc:  `{"Version":"2012-10-17","Statment":[]}`,
			want: `Did you mean "Statement"?`,
		},
		"Effect case": {
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"DENY","Action":"s3:GetObject","Resource":"*"}}`,
			want: `Did you mean "Deny"?`,
		},
		"operator case with prefix and suffix": {
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"forallvalues:stringlikeifexists":{"aws:TagKeys":"a"}}}}`,
			want: `Did you mean "ForAllValues:StringLikeIfExists"?`,
		},
		"operator typo": {
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqual":{"aws:username":"a"}}}}`,
			want: `Did you mean "StringEquals"?`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			problems := MustParse(tt.doc).Validate(Identity)
			var errs []Problem
			for _, p := range problems {
				if p.Severity == Error && p.Summary != "Missing Statement" {
					errs = append(errs, p)
				}
			}
			if len(errs) != 1 {
				t.Fatalf("Validate() = %v, want one error", problems)
			}
			if !strings.Contains(errs[0].Detail, tt.want) {
				t.Errorf("detail %q does not contain %q", errs[0].Detail, tt.want)
			}
		})
	}
}

func TestSuggestOperatorRejectsNullIfExists(t *testing.T) {
	if got := suggestOperator("nullifexists"); got != "" {
		t.Errorf(`suggestOperator("nullifexists") = %q, want "" because Null takes no IfExists`, got)
	}
}

func TestLocate(t *testing.T) {
	d := MustParse("{\n  \"Statement\": [\n    {\"Action\": [\"a:B\", \"c:D\"],\n     \"Condition\": {\"StringEquals\": {\"aws:RequestTag/a~b\": \"x\"}}}\n  ]\n}")
	tests := map[string]struct {
		path string
		want Pos
		ok   bool
	}{
		"whole document":             {path: "", want: Pos{Offset: 0, Line: 1, Column: 1}, ok: true},
		"object member is its key":   {path: "/Statement", want: Pos{Offset: 4, Line: 2, Column: 3}, ok: true},
		"array element":              {path: "/Statement/0/Action/1", want: Pos{Offset: 42, Line: 3, Column: 24}, ok: true},
		"escaped key":                {path: "/Statement/0/Condition/StringEquals/aws:RequestTag~1a~0b", want: Pos{Offset: 86, Line: 4, Column: 37}, ok: true},
		"index out of range":         {path: "/Statement/1"},
		"index that is not a number": {path: "/Statement/x"},
		"missing key":                {path: "/Version"},
		"path into a string":         {path: "/Statement/0/Action/0/x"},
		"path without a slash":       {path: "Statement"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := d.Locate(tt.path)
			if ok != tt.ok {
				t.Fatalf("Locate(%q) ok = %v, want %v", tt.path, ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Locate(%q) mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestKindAndSeverityStrings(t *testing.T) {
	got := []string{Identity.String(), Trust.String(), Resource.String(), Kind(9).String(), Error.String(), Warning.String(), Severity(0).String()}
	want := []string{"identity", "trust", "resource", "Kind(9)", "error", "warning", "Severity(0)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
	p := Problem{Severity: Warning, Path: "", Summary: "Missing Statement"}
	if got, want := p.String(), "warning at /: Missing Statement"; got != want {
		t.Errorf("Problem.String() = %q, want %q", got, want)
	}
}
