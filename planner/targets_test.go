package planner

import "testing"

func TestParseTarget(t *testing.T) {
	tests := map[string]struct {
		text    string
		want    string
		invalid bool
	}{
		"entity":                    {text: "role.app", want: "role.app"},
		"for_each instance":         {text: `user.people["alice"]`, want: `user.people["alice"]`},
		"sub-resource":              {text: `role.app.inline_policy["s3"]`, want: `role.app.inline_policy["s3"]`},
		"key to create":             {text: "user.alice.access_key[0]", want: "user.alice.access_key[0]"},
		"live entity without label": {text: `user["bob@example.com"]`, want: `user["bob@example.com"]`},
		"spaces are dropped":        {text: ` user . alice `, want: "user.alice"},
		"account alias":             {text: "account.alias", want: "account.alias"},
		"password policy":           {text: "password_policy", want: "password_policy"},
		"unknown root":              {text: "bucket.logs", invalid: true},
		"other account setting":     {text: "account.id", invalid: true},
		"unfinished index":          {text: "user.alice[", invalid: true},
		"fractional index":          {text: "user.alice.access_key[1.5]", invalid: true},
		"splat":                     {text: "user.*", invalid: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, diag := parseTarget(tc.text)
			if tc.invalid {
				if diag == nil {
					t.Errorf("parseTarget(%q) = %q, want an error", tc.text, got)
				}
				return
			}
			if diag != nil {
				t.Fatalf("parseTarget(%q): %s: %s", tc.text, diag.Summary, diag.Detail)
			}
			if got != tc.want {
				t.Errorf("parseTarget(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestSelects(t *testing.T) {
	tests := map[string]struct {
		target, addr string
		want         bool
	}{
		"same address":            {"user.alice", "user.alice", true},
		"sub-resource":            {"user.alice", `user.alice.inline_policy["s3"]`, true},
		"for_each instance":       {"user.people", `user.people["alice"]`, true},
		"longer label is another": {"user.al", "user.alice", false},
		"owner is not selected":   {`user.alice.inline_policy["s3"]`, "user.alice", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := selects(tc.target, tc.addr); got != tc.want {
				t.Errorf("selects(%q, %q) = %v, want %v", tc.target, tc.addr, got, tc.want)
			}
		})
	}
}
