package policydoc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCompareStatements(t *testing.T) {
	tests := map[string]struct {
		a, b string // "" is a nil document
		want []StatementChange
	}{
		"equal documents": {
			a: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			b: `{"Statement":{"Effect":"allow","Action":["S3:GETOBJECT"],"Resource":["*"]}}`,
		},
		"moved statements are no change": {
			a: `{"Statement":[{"Sid":"A","Effect":"Allow","Action":"a:A","Resource":"*"},{"Effect":"Deny","Action":"b:B","Resource":"*"}]}`,
			b: `{"Statement":[{"Effect":"Deny","Action":"b:B","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"a:A","Resource":"*"}]}`,
		},
		"created document": {
			b: `{"Statement":{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}}`,
			want: []StatementChange{{
				Change: StatementAdded, Sid: "Read", OldIndex: -1, NewIndex: 0,
				Added: []Element{
					{Field: "Sid", Value: "Read"},
					{Field: "Effect", Value: "Allow"},
					{Field: "Action", Value: "s3:GetObject"},
					{Field: "Action", Value: "s3:ListBucket"},
					{Field: "Resource", Value: "*"},
				},
			}},
		},
		"deleted document": {
			a: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`,
			want: []StatementChange{{
				Change: StatementRemoved, OldIndex: 0, NewIndex: -1,
				Removed: []Element{
					{Field: "Effect", Value: "Allow"},
					{Field: "Principal", Type: "AWS", Value: "*"},
					{Field: "Action", Value: "sts:AssumeRole"},
				},
			}},
		},
		"statements matched by Sid": {
			a: `{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"}]}`,
			b: `{"Statement":[{"Sid":"A","Effect":"Deny","Action":"ec2:RunInstances","Resource":"*"}]}`,
			want: []StatementChange{{
				Change: StatementChanged, Sid: "A", OldIndex: 0, NewIndex: 0,
				Added:   []Element{{Field: "Effect", Value: "Deny"}, {Field: "Action", Value: "ec2:RunInstances"}, {Field: "Resource", Value: "*"}},
				Removed: []Element{{Field: "Effect", Value: "Allow"}, {Field: "Action", Value: "s3:GetObject"}, {Field: "Resource", Value: "arn:aws:s3:::a/*"}},
			}},
		},
		"statements without Sid matched by content": {
			a: `{"Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}`,
			b: `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}`,
			want: []StatementChange{{
				Change: StatementChanged, OldIndex: 1, NewIndex: 0,
				Added: []Element{{Field: "Action", Value: "s3:DeleteObject"}},
			}},
		},
		"dissimilar statements are removed and added": {
			a: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a"}]}`,
			b: `{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:q"}]}`,
			want: []StatementChange{
				{
					Change: StatementRemoved, OldIndex: 0, NewIndex: -1,
					Removed: []Element{{Field: "Effect", Value: "Allow"}, {Field: "Action", Value: "s3:GetObject"}, {Field: "Resource", Value: "arn:aws:s3:::a"}},
				},
				{
					Change: StatementAdded, OldIndex: -1, NewIndex: 0,
					Added: []Element{{Field: "Effect", Value: "Allow"}, {Field: "Action", Value: "sqs:SendMessage"}, {Field: "Resource", Value: "arn:aws:sqs:eu-west-1:123456789012:q"}},
				},
			},
		},
		"renamed Sid is a change of the same statement": {
			a: `{"Statement":[{"Sid":"Old","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			b: `{"Statement":[{"Sid":"New","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			want: []StatementChange{{
				Change: StatementChanged, Sid: "New", OldIndex: 0, NewIndex: 0,
				Added:   []Element{{Field: "Sid", Value: "New"}},
				Removed: []Element{{Field: "Sid", Value: "Old"}},
			}},
		},
		"different Sids sharing only Effect and Resource": {
			a: `{"Statement":[{"Sid":"Old","Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}`,
			b: `{"Statement":[{"Sid":"New","Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`,
			want: []StatementChange{
				{
					Change: StatementRemoved, Sid: "Old", OldIndex: 0, NewIndex: -1,
					Removed: []Element{{Field: "Sid", Value: "Old"}, {Field: "Effect", Value: "Allow"}, {Field: "Action", Value: "sns:Publish"}, {Field: "Resource", Value: "*"}},
				},
				{
					Change: StatementAdded, Sid: "New", OldIndex: -1, NewIndex: 0,
					Added: []Element{{Field: "Sid", Value: "New"}, {Field: "Effect", Value: "Allow"}, {Field: "Action", Value: "kms:Decrypt"}, {Field: "Resource", Value: "*"}},
				},
			},
		},
		"principals and conditions": {
			a: `{"Statement":{"Sid":"T","Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:role/a"]},"Action":"sts:AssumeRole",
				"Condition":{"StringEquals":{"sts:ExternalId":["one","two"]},"Bool":{"aws:MultiFactorAuthPresent":true}}}}`,
			b: `{"Statement":{"Sid":"T","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/b"]},"Action":"sts:AssumeRole",
				"Condition":{"StringEquals":{"STS:EXTERNALID":["two","three"]},"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}`,
			want: []StatementChange{{
				Change: StatementChanged, Sid: "T", OldIndex: 0, NewIndex: 0,
				Added: []Element{
					{Field: "Principal", Type: "AWS", Value: "arn:aws:iam::123456789012:role/b"},
					{Field: "Condition", Type: "StringEquals", Key: "STS:EXTERNALID", Value: "three"},
				},
				Removed: []Element{
					{Field: "Principal", Type: "AWS", Value: "arn:aws:iam::123456789012:role/a"},
					{Field: "Condition", Type: "StringEquals", Key: "sts:ExternalId", Value: "one"},
				},
			}},
		},
		"changes ordered by position": {
			a: `{"Statement":[{"Sid":"A","Effect":"Allow","Action":"a:A","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"b:B","Resource":"*"}]}`,
			b: `{"Statement":[{"Sid":"C","Effect":"Deny","Action":"c:C","Resource":"arn:aws:c:::c"},{"Sid":"A","Effect":"Allow","Action":"a:A","Resource":"*"}]}`,
			want: []StatementChange{
				{
					Change: StatementAdded, Sid: "C", OldIndex: -1, NewIndex: 0,
					Added: []Element{{Field: "Sid", Value: "C"}, {Field: "Effect", Value: "Deny"}, {Field: "Action", Value: "c:C"}, {Field: "Resource", Value: "arn:aws:c:::c"}},
				},
				{
					Change: StatementRemoved, Sid: "B", OldIndex: 1, NewIndex: -1,
					Removed: []Element{{Field: "Sid", Value: "B"}, {Field: "Effect", Value: "Allow"}, {Field: "Action", Value: "b:B"}, {Field: "Resource", Value: "*"}},
				},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := CompareStatements(parseOrNil(tt.a), parseOrNil(tt.b))
			// TestCompareStatementsEffect checks the effects.
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(StatementChange{}, "Effect")); diff != "" {
				t.Errorf("CompareStatements() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompareStatementsEffect checks that each change carries its
// statement's Effect: the new one for a changed statement, even when the
// change is of the Effect itself, and the old one for a removed statement.
func TestCompareStatementsEffect(t *testing.T) {
	a := `{"Version": "2012-10-17", "Statement": [
		{"Sid": "Guard", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
		{"Sid": "Flip", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
		{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`
	b := `{"Version": "2012-10-17", "Statement": [
		{"Sid": "Flip", "Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "*"},
		{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
		{"Sid": "New", "Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}`
	got := map[string]string{}
	for _, c := range CompareStatements(parseOrNil(a), parseOrNil(b)) {
		got[c.Sid] = c.Effect
	}
	want := map[string]string{"Guard": "Deny", "Flip": "Allow", "Read": "Allow", "New": "Deny"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("effects by Sid (-want +got):\n%s", diff)
	}
}

func parseOrNil(text string) *Document {
	if text == "" {
		return nil
	}
	return MustParse(text)
}

func TestElementString(t *testing.T) {
	tests := map[string]struct {
		e    Element
		want string
	}{
		"action":    {Element{Field: "Action", Value: "s3:GetObject"}, "Action s3:GetObject"},
		"principal": {Element{Field: "Principal", Type: "AWS", Value: "*"}, "Principal AWS *"},
		"condition": {Element{Field: "Condition", Type: "StringEquals", Key: "aws:username", Value: "alice"}, "Condition StringEquals aws:username = alice"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.e.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := StatementChanged.String(); got != "changed" {
		t.Errorf("StatementChanged.String() = %q, want %q", got, "changed")
	}
}
