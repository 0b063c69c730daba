package wildcard

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "arn:aws:s3:::b/k", true},
		{"iam:*", "iam:CreateUser", true},
		{"iam:Create*", "iam:DeleteUser", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/dir/key", true},
		{"arn:aws:s3:::b/?ey", "arn:aws:s3:::b/key", true},
		{"arn:aws:s3:::b/?ey", "arn:aws:s3:::b/kkey", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*x", "x", true},
		{"", "", true},
		{"", "a", false},
		{"caf?", "café", true},
		{"sts:AssumeRole*", "sts:AssumeRole", true},
		{"ci-?", "ci-", false},
		{"arn:aws:iam::*:role/ops-*", "arn:aws:iam::123456789012:role/ops-admin", true},
		{"Team", "team", false},
		{"*a*b", "aaab", true},
		// Many wildcards against a long text that does not match: a
		// matcher that goes back to every * takes exponential time here.
		{"arn:aws:s3:::" + strings.Repeat("*-", 9) + "x", "arn:aws:s3:::" + strings.Repeat("a-", 40) + "y", false},
		{"arn:aws:s3:::" + strings.Repeat("*-", 9) + "y", "arn:aws:s3:::" + strings.Repeat("a-", 40) + "y", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %t, want %t", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestMatchFold(t *testing.T) {
	if !MatchFold("IAM:create*", "iam:CreateUser") {
		t.Error(`MatchFold("IAM:create*", "iam:CreateUser") = false, want true`)
	}
	if Match("IAM:create*", "iam:CreateUser") {
		t.Error(`Match("IAM:create*", "iam:CreateUser") = true, want false`)
	}
}
