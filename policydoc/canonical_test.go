package policydoc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEqual(t *testing.T) {
	tests := map[string]struct {
		a, b  string
		equal bool
	}{
		"white space and key order": {
			a:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			b:     "{\n \"Statement\": [{\"Resource\": \"*\", \"Action\": \"s3:GetObject\",\n \"Effect\": \"Allow\"}],\n \"Version\": \"2012-10-17\"}",
			equal: true,
		},
		"Statement object equals one-element list": {
			a:     `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			b:     `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			equal: true,
		},
		"statement order": {
			a:     `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*"},{"Effect":"Deny","Action":"b:B","Resource":"*"}]}`,
			b:     `{"Statement":[{"Effect":"Deny","Action":"b:B","Resource":"*"},{"Effect":"Allow","Action":"a:A","Resource":"*"}]}`,
			equal: true,
		},
		"repeated statement": {
			a:     `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*"},{"Effect":"Allow","Action":"a:A","Resource":"*"}]}`,
			b:     `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*"}]}`,
			equal: true,
		},
		"string equals one-element list in Action": {
			a:     `{"Statement":{"Action":"s3:GetObject"}}`,
			b:     `{"Statement":{"Action":["s3:GetObject"]}}`,
			equal: true,
		},
		"Action order and duplicates": {
			a:     `{"Statement":{"Action":["s3:PutObject","s3:GetObject","s3:PutObject"]}}`,
			b:     `{"Statement":{"Action":["s3:GetObject","s3:PutObject"]}}`,
			equal: true,
		},
		"action case": {
			a:     `{"Statement":{"NotAction":["S3:getobject"]}}`,
			b:     `{"Statement":{"NotAction":"s3:GetObject"}}`,
			equal: true,
		},
		"Action and NotAction differ": {
			a: `{"Statement":{"Action":"s3:GetObject"}}`,
			b: `{"Statement":{"NotAction":"s3:GetObject"}}`,
		},
		"Resource order and one-element list": {
			a:     `{"Statement":{"Resource":["arn:aws:s3:::b","arn:aws:s3:::a"],"NotResource":"arn:aws:s3:::c"}}`,
			b:     `{"Statement":{"Resource":["arn:aws:s3:::a","arn:aws:s3:::b"],"NotResource":["arn:aws:s3:::c"]}}`,
			equal: true,
		},
		"resource case is significant": {
			a: `{"Statement":{"Resource":"arn:aws:s3:::Bucket"}}`,
			b: `{"Statement":{"Resource":"arn:aws:s3:::bucket"}}`,
		},
		"Effect case": {
			a:     `{"Statement":{"Effect":"allow"}}`,
			b:     `{"Statement":{"Effect":"Allow"}}`,
			equal: true,
		},
		"Allow differs from Deny": {
			a: `{"Statement":{"Effect":"Allow"}}`,
			b: `{"Statement":{"Effect":"Deny"}}`,
		},
		"Sid is significant": {
			a: `{"Statement":{"Sid":"One","Effect":"Allow"}}`,
			b: `{"Statement":{"Sid":"Two","Effect":"Allow"}}`,
		},
		"Sid case is significant": {
			a: `{"Statement":{"Sid":"one"}}`,
			b: `{"Statement":{"Sid":"One"}}`,
		},
		"empty Sid equals no Sid": {
			a:     `{"Statement":{"Sid":"","Effect":"Allow"}}`,
			b:     `{"Statement":{"Effect":"Allow"}}`,
			equal: true,
		},
		"absent Version differs from 2012-10-17": {
			// IAM applies the 2008-10-17 language to a document without a
			// Version, so the two mean different things for policy variables.
			a: `{"Statement":[]}`,
			b: `{"Version":"2012-10-17","Statement":[]}`,
		},
		"Id is significant": {
			a: `{"Id":"a","Statement":[]}`,
			b: `{"Id":"b","Statement":[]}`,
		},
		"Principal star equals AWS star": {
			a:     `{"Statement":{"Principal":"*"}}`,
			b:     `{"Statement":{"Principal":{"AWS":["*"]}}}`,
			equal: true,
		},
		"NotPrincipal star equals AWS star": {
			a:     `{"Statement":{"NotPrincipal":"*"}}`,
			b:     `{"Statement":{"NotPrincipal":{"AWS":"*"}}}`,
			equal: true,
		},
		"account ID equals root ARN": {
			// IAM stores a bare account ID principal as the account's root ARN.
			a:     `{"Statement":{"Principal":{"AWS":"123456789012"}}}`,
			b:     `{"Statement":{"Principal":{"AWS":"arn:aws:iam::123456789012:root"}}}`,
			equal: true,
		},
		"account ID equals root ARN in another partition": {
			a:     `{"Statement":{"Principal":{"AWS":["123456789012"]}}}`,
			b:     `{"Statement":{"Principal":{"AWS":"arn:aws-cn:iam::123456789012:root"}}}`,
			equal: true,
		},
		"account ID differs from a user of the account": {
			a: `{"Statement":{"Principal":{"AWS":"123456789012"}}}`,
			b: `{"Statement":{"Principal":{"AWS":"arn:aws:iam::123456789012:user/root"}}}`,
		},
		"account ID is only folded in AWS principals": {
			a: `{"Statement":{"Principal":{"Service":"123456789012"}}}`,
			b: `{"Statement":{"Principal":{"Service":"arn:aws:iam::123456789012:root"}}}`,
		},
		"principal list order and duplicates": {
			// AWS returns principal lists in varying order between calls.
			a:     `{"Statement":{"Principal":{"AWS":["arn:aws:iam::111111111111:role/b","arn:aws:iam::111111111111:role/a"],"Service":"ec2.amazonaws.com"}}}`,
			b:     `{"Statement":{"Principal":{"Service":["ec2.amazonaws.com","ec2.amazonaws.com"],"AWS":["arn:aws:iam::111111111111:role/a","arn:aws:iam::111111111111:role/b"]}}}`,
			equal: true,
		},
		"principal type matters": {
			a: `{"Statement":{"Principal":{"AWS":"x"}}}`,
			b: `{"Statement":{"Principal":{"Federated":"x"}}}`,
		},
		"condition value string equals one-element list": {
			a:     `{"Statement":{"Condition":{"StringEquals":{"aws:username":"alice"}}}}`,
			b:     `{"Statement":{"Condition":{"StringEquals":{"aws:username":["alice"]}}}}`,
			equal: true,
		},
		"condition value order and duplicates": {
			a:     `{"Statement":{"Condition":{"StringEquals":{"aws:username":["bob","alice","bob"]}}}}`,
			b:     `{"Statement":{"Condition":{"StringEquals":{"aws:username":["alice","bob"]}}}}`,
			equal: true,
		},
		"condition key case": {
			a:     `{"Statement":{"Condition":{"StringEquals":{"AWS:UserName":"alice"}}}}`,
			b:     `{"Statement":{"Condition":{"StringEquals":{"aws:username":"alice"}}}}`,
			equal: true,
		},
		"condition value case is significant": {
			a: `{"Statement":{"Condition":{"StringEquals":{"aws:username":"Alice"}}}}`,
			b: `{"Statement":{"Condition":{"StringEquals":{"aws:username":"alice"}}}}`,
		},
		"condition operator case is significant": {
			// IAM rejects "stringEquals", so it must not compare equal to a
			// valid document.
			a: `{"Statement":{"Condition":{"stringEquals":{"aws:username":"alice"}}}}`,
			b: `{"Statement":{"Condition":{"StringEquals":{"aws:username":"alice"}}}}`,
		},
		"bool condition value equals its string": {
			a:     `{"Statement":{"Condition":{"Bool":{"aws:SecureTransport":false}}}}`,
			b:     `{"Statement":{"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`,
			equal: true,
		},
		"number condition value equals its string": {
			a:     `{"Statement":{"Condition":{"NumericLessThan":{"s3:max-keys":[10]}}}}`,
			b:     `{"Statement":{"Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}}`,
			equal: true,
		},
		"number literals are compared as written": {
			a: `{"Statement":{"Condition":{"NumericLessThan":{"s3:max-keys":10}}}}`,
			b: `{"Statement":{"Condition":{"NumericLessThan":{"s3:max-keys":10.0}}}}`,
		},
		"condition keys differing only in case are kept apart": {
			// Both keys must match (AND); merging their values would mean OR.
			a: `{"Statement":{"Condition":{"StringEquals":{"aws:PrincipalTag/team":"a","aws:principaltag/team":"b"}}}}`,
			b: `{"Statement":{"Condition":{"StringEquals":{"aws:principaltag/team":["a","b"]}}}}`,
		},
		"empty Condition equals none": {
			a:     `{"Statement":{"Effect":"Allow","Condition":{}}}`,
			b:     `{"Statement":{"Effect":"Allow"}}`,
			equal: true,
		},
		"condition operators differ": {
			a: `{"Statement":{"Condition":{"StringEquals":{"aws:username":"alice"}}}}`,
			b: `{"Statement":{"Condition":{"StringLike":{"aws:username":"alice"}}}}`,
		},
		"unknown elements are compared as written": {
			a: `{"Statement":{"Effect":"Allow","Actions":["b","a"]}}`,
			b: `{"Statement":{"Effect":"Allow","Actions":["a","b"]}}`,
		},
		"empty document": {
			a:     `{}`,
			b:     ` { } `,
			equal: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			a, b := MustParse(tt.a), MustParse(tt.b)
			if got := Equal(a, b); got != tt.equal {
				t.Errorf("Equal() = %v, want %v\ncanonical a: %s\ncanonical b: %s", got, tt.equal, a.Canonical(), b.Canonical())
			}
			if got := b.Equal(a); got != tt.equal {
				t.Errorf("b.Equal(a) = %v, want %v", got, tt.equal)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := map[string]struct {
		text string
		want string
	}{
		"full statement": {
			text: `{
				"Version": "2012-10-17",
				"Statement": {
					"Sid": "Read",
					"Effect": "allow",
					"Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/B"]},
					"Action": ["S3:ListBucket", "s3:GetObject"],
					"Resource": "arn:aws:s3:::Bucket/*",
					"Condition": {"Bool": {"AWS:SecureTransport": true}, "StringLike": {"s3:prefix": ["b*", "a*"]}}
				}
			}`,
			want: `{"Statement":[{"Action":["s3:getobject","s3:listbucket"],` +
				`"Condition":{"Bool":{"aws:securetransport":["true"]},"StringLike":{"s3:prefix":["a*","b*"]}},` +
				`"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:role/B"]},` +
				`"Resource":["arn:aws:s3:::Bucket/*"],"Sid":"Read"}],"Version":"2012-10-17"}`,
		},
		"escapes are normalised": {
			text: `{"Statement":{"Sid":"\u0041\/\u00e9\u2019\ud83d\ude00"}}`,
			want: "{\"Statement\":[{\"Sid\":\"A/\u00e9\\u2019\\ud83d\\ude00\"}]}",
		},
		"invalid statement kept as written": {
			text: `{"Statement":"text"}`,
			want: `{"Statement":["text"]}`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, MustParse(tt.text).Canonical()); diff != "" {
				t.Errorf("Canonical() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
