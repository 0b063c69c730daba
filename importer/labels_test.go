package importer

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestSanitizeLabel(t *testing.T) {
	tests := map[string]struct {
		name string
		want string
	}{
		"dots":                  {"alice.smith", "alice_smith"},
		"upper case":            {"Alice.Smith", "alice_smith"},
		"hyphens kept":          {"ci-deployer@corp", "ci-deployer_corp"},
		"run of symbols":        {"a+=,.@b", "a_b"},
		"leading digit":         {"2fa-admin", "user_2fa-admin"},
		"leading hyphen":        {"-x", "user_-x"},
		"leading symbol":        {"@ops", "_ops"},
		"only symbols":          {"+=", "_"},
		"digits only":           {"123", "user_123"},
		"trailing symbol":       {"ops.", "ops_"},
		"identifier lower case": {"Admins", "admins"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := sanitizeLabel(tt.name, "user")
			if got != tt.want {
				t.Errorf("sanitizeLabel(%q) = %q, want %q", tt.name, got, tt.want)
			}
			if !hclsyntax.ValidIdentifier(got) {
				t.Errorf("sanitizeLabel(%q) = %q, which is not an HCL identifier", tt.name, got)
			}
		})
	}
}

func TestLabelerAssign(t *testing.T) {
	tests := map[string]struct {
		names []string
		want  map[string]string
	}{
		"identifiers keep their spelling": {
			names: []string{"Admins", "ci-bot", "ops_team"},
			want:  map[string]string{"Admins": "Admins", "ci-bot": "ci-bot", "ops_team": "ops_team"},
		},
		"identifier wins over a sanitized name": {
			names: []string{"alice.smith", "alice_smith"},
			want:  map[string]string{"alice_smith": "alice_smith", "alice.smith": "alice_smith_2"},
		},
		"collisions take suffixes in name order": {
			names: []string{"a.b", "a@b", "a+b"},
			want:  map[string]string{"a+b": "a_b", "a.b": "a_b_2", "a@b": "a_b_3"},
		},
		"suffix skips a label in use": {
			names: []string{"a.b", "a_b", "a_b_2"},
			want:  map[string]string{"a_b": "a_b", "a_b_2": "a_b_2", "a.b": "a_b_3"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := newLabeler("user").assign(sortedCopy(tt.names))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("assign(%q) mismatch (-want +got):\n%s", tt.names, diff)
			}
		})
	}
}

func sortedCopy(names []string) []string {
	return slices.Sorted(slices.Values(names))
}

func TestPortable(t *testing.T) {
	tests := map[string]struct {
		value string
		want  string
	}{
		"account ARN":            {"arn:aws:iam::123456789012:root", `"arn:aws:iam::${account.id}:root"`},
		"regional ARN":           {"arn:aws:sqs:us-east-1:123456789012:queue", `"arn:aws:sqs:us-east-1:${account.id}:queue"`},
		"other account":          {"arn:aws:iam::444455556666:root", `"arn:aws:iam::444455556666:root"`},
		"account outside ARN":    {"bucket-123456789012", `"bucket-123456789012"`},
		"policy variable":        {"arn:aws:s3:::b/${aws:username}", `"arn:aws:s3:::b/$${aws:username}"`},
		"variable after account": {"arn:aws:iam::123456789012:user/${aws:username}", `"arn:aws:iam::${account.id}:user/$${aws:username}"`},
		"two ARNs":               {"arn:aws:iam::123456789012:a arn:aws:iam::123456789012:b", `"arn:aws:iam::${account.id}:a arn:aws:iam::${account.id}:b"`},
		"account id alone":       {"123456789012", `"${account.id}"`},
		"other account id":       {"444455556666", `"444455556666"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := string(portable(tt.value, "123456789012").Bytes())
			if got != tt.want {
				t.Errorf("portable(%q) = %s, want %s", tt.value, got, tt.want)
			}
		})
	}
}
