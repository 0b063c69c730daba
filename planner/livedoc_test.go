package planner

import (
	"strings"
	"testing"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// A live document that is the very text declared is compared without
// being parsed; any other text is parsed, and compared by meaning.
func TestLiveDocAgainstDeclared(t *testing.T) {
	declared := policydoc.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	tests := map[string]struct {
		live       string
		wantSame   bool // the declared document itself stands for the live one
		wantEqual  bool
		wantParsed int
		wantWarns  int
	}{
		"same text": {
			live:     declared.String(),
			wantSame: true, wantEqual: true,
		},
		"same meaning, other text": {
			live:      `{"Statement":{"Resource":["*"],"Action":["s3:GetObject"],"Effect":"Allow"},"Version":"2012-10-17"}`,
			wantEqual: true, wantParsed: 1,
		},
		"other meaning": {
			live:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`,
			wantParsed: 1,
		},
		"unreadable": {
			live:       `{"Version":`,
			wantParsed: 1, wantWarns: 1,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := newPlanner(&spec.Config{Scope: spec.DefaultScope()}, &provider.State{}, Options{Now: testNow})
			got := p.liveDocAgainst(tt.live, declared, func() string { return "the policy under test" })
			if (got == declared) != tt.wantSame {
				t.Errorf("declared document returned = %v, want %v", got == declared, tt.wantSame)
			}
			if eq := policydoc.Equal(got, declared); eq != tt.wantEqual {
				t.Errorf("Equal(live, declared) = %v, want %v", eq, tt.wantEqual)
			}
			if len(p.liveDocs) != tt.wantParsed {
				t.Errorf("%d live documents parsed, want %d", len(p.liveDocs), tt.wantParsed)
			}
			if len(p.diags) != tt.wantWarns {
				t.Errorf("%d diagnostics, want %d: %v", len(p.diags), tt.wantWarns, p.diags)
			}
		})
	}
}

// The warning about a live document that does not parse names the document.
func TestMakeNamesUnreadableDocument(t *testing.T) {
	const unreadable = `{"Version":`
	tests := map[string]struct {
		breakDoc func(live *provider.State)
		wantName string
	}{
		"inline policy": {
			breakDoc: func(live *provider.State) { live.Users[0].InlinePolicies[0].Document = unreadable },
			wantName: "of inline policy own of user user-00000 is",
		},
		"trust policy": {
			breakDoc: func(live *provider.State) { live.Roles[0].AssumeRolePolicy = unreadable },
			wantName: "of the trust policy of role role-00000 is",
		},
		"managed policy": {
			breakDoc: func(live *provider.State) { live.Policies[0].Versions[0].Document = unreadable },
			wantName: "of the policy arn:aws:iam::111122223333:policy/policy-00000 is",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, live := largeAccount(20)
			tt.breakDoc(live)
			_, diags := Make(cfg, live, Options{Now: testNow})

			var details []string
			for _, d := range diags {
				if d.Summary == "Unreadable policy document in the account" {
					details = append(details, d.Detail)
				}
			}
			if len(details) != 1 {
				t.Fatalf("%d unreadable-document warnings, want 1: %v", len(details), diags)
			}
			if !strings.Contains(details[0], tt.wantName) {
				t.Errorf("warning %q does not name the document as %q", details[0], tt.wantName)
			}
		})
	}
}
