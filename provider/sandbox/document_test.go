package sandbox

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// decoded URL-decodes a document as IAM returns it.
func decoded(t *testing.T, doc *string) string {
	t.Helper()
	s, err := url.PathUnescape(aws.ToString(doc))
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", aws.ToString(doc), err)
	}
	return s
}

func TestValidateDocument(t *testing.T) {
	tests := map[string]struct {
		doc  string
		kind documentKind
		want string // message of MalformedPolicyDocument; empty when valid
	}{
		"valid permissions":          {doc: allowAllDocument},
		"valid trust":                {doc: trustEC2Document, kind: trustDocument},
		"statement object":           {doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::b"}}`},
		"no version":                 {doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		"not JSON":                   {doc: `{"Version":`, want: msgSyntaxErrors},
		"trailing text":              {doc: allowAllDocument + `{}`, want: msgSyntaxErrors},
		"array":                      {doc: `[]`, want: msgSyntaxErrors},
		"unknown version":            {doc: `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, want: msgSyntaxErrors},
		"unknown top-level element":  {doc: `{"Version":"2012-10-17","Statements":[]}`, want: msgSyntaxErrors},
		"no statement":               {doc: `{"Version":"2012-10-17"}`, want: msgSyntaxErrors},
		"empty statement list":       {doc: `{"Version":"2012-10-17","Statement":[]}`, want: msgSyntaxErrors},
		"unknown statement element":  {doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]}`, want: msgSyntaxErrors},
		"effect misspelt":            {doc: `{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}`, want: msgSyntaxErrors},
		"effect in lower case":       {doc: `{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`, want: msgLegacyParsing},
		"no effect":                  {doc: `{"Statement":[{"Action":"*","Resource":"*"}]}`, want: msgSyntaxErrors},
		"no action":                  {doc: `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, want: msgNeedsActions},
		"empty action list":          {doc: `{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, want: msgNeedsActions},
		"action without vendor":      {doc: `{"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`, want: msgActionNeedsVendr},
		"action number":              {doc: `{"Statement":[{"Effect":"Allow","Action":1,"Resource":"*"}]}`, want: msgSyntaxErrors},
		"no resource":                {doc: `{"Statement":[{"Effect":"Allow","Action":"*"}]}`, want: msgNeedsResources},
		"resource not an ARN":        {doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket"}]}`, want: `Resource bucket must be in ARN format or "*".`},
		"principal in permissions":   {doc: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`, want: msgNoPrincipal},
		"trust without principal":    {doc: `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, kind: trustDocument, want: msgNeedsPrincipal},
		"trust with resource":        {doc: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`, kind: trustDocument, want: msgNoResource},
		"duplicate sid":              {doc: `{"Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"*","Resource":"*"}]}`, want: msgDuplicateSid},
		"condition not an object":    {doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}]}`, want: msgSyntaxErrors},
		"character above U+00FF":     {doc: `{"Statement":[{"Sid":"€","Effect":"Allow","Action":"*","Resource":"*"}]}`, want: msgSyntaxErrors},
		"control character":          {doc: "{\"Statement\":[{\"Sid\":\"a\x01\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", want: msgSyntaxErrors},
		"Latin-1 character accepted": {doc: `{"Statement":[{"Sid":"café","Effect":"Allow","Action":"*","Resource":"*"}]}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := validateDocument(tc.doc, tc.kind)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("validateDocument = %v, want no error", err)
			case tc.want != "" && err == nil:
				t.Errorf("validateDocument = no error, want %q", tc.want)
			case tc.want != "" && (err.code != "MalformedPolicyDocument" || err.message != tc.want):
				t.Errorf("validateDocument = %s %q, want MalformedPolicyDocument %q", err.code, err.message, tc.want)
			}
		})
	}
}

func TestDocumentSize(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want int
	}{
		"compact":             {doc: `{"a":"b"}`, want: 9},
		"white space ignored": {doc: "{ \"a\" :\t\"b\"\r\n}", want: 9},
		"characters counted":  {doc: `{"é":1}`, want: 7},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := documentSize(tc.doc); got != tc.want {
				t.Errorf("documentSize(%q) = %d, want %d", tc.doc, got, tc.want)
			}
		})
	}
}

// TestDocumentsRoundTripURLEncoded sends a document with white space and
// characters that URL encoding changes, and checks that IAM's encoding of
// it comes back and decodes to the exact text.
func TestDocumentsRoundTripURLEncoded(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Sid\": \"café+100%\", \"Effect\": \"Allow\", \"Action\": \"s3:*\",\n" +
		"    \"Resource\": \"arn:aws:s3:::a&b/~x y\", \"Condition\": {\"StringLike\": {\"aws:UserAgent\": \"*<tool>*\"}}}]\n}"
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	ok(f.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}))(t)

	got := must(f.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p")}))(t)
	raw := aws.ToString(got.PolicyDocument)
	if !strings.HasPrefix(raw, "%7B%0A%20%20%22Version%22%3A%20") || strings.ContainsAny(raw, " +{}\"") {
		t.Errorf("document is not RFC 3986 percent-encoded: %.80s", raw)
	}
	if decoded(t, got.PolicyDocument) != doc {
		t.Errorf("document came back as %q, want %q", decoded(t, got.PolicyDocument), doc)
	}

	details := must(f.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{}))(t)
	if decoded(t, details.UserDetailList[0].UserPolicyList[0].PolicyDocument) != doc {
		t.Errorf("GetAccountAuthorizationDetails document differs from the one sent")
	}
}

func TestEncodeDocument(t *testing.T) {
	got := encodeDocument(`{"a b":"c/d-e_f.g~h+é"}`)
	want := "%7B%22a%20b%22%3A%22c%2Fd-e_f.g~h%2B%C3%A9%22%7D"
	if got != want {
		t.Errorf("encodeDocument = %s, want %s", got, want)
	}
	if decodeDocument(got) != `{"a b":"c/d-e_f.g~h+é"}` {
		t.Errorf("decodeDocument(encodeDocument(x)) != x")
	}
}
