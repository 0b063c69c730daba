package planner

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRenderTextColor(t *testing.T) {
	plan := &Plan{Changes: []*Change{
		{Address: "user.alice", Type: TypeUser, Action: Create, Name: "alice", Attrs: []Attr{{Name: "path", After: "/"}}},
		{Address: "user.bob", Type: TypeUser, Action: Delete, Reason: ReasonNotDeclared, Name: "bob"},
		{Address: "group.ops", Type: TypeGroup, Action: Update, Name: "ops", Attrs: []Attr{{Name: "path", Before: "/", After: "/ops/"}}},
	}}
	var b bytes.Buffer
	if err := RenderText(&b, plan, RenderOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	got := b.String()

	tests := map[string]string{
		"create in green":  ansiGreen + "  + user.alice {" + ansiReset,
		"delete in red":    ansiRed + "  - user.bob" + ansiReset,
		"update in yellow": ansiYellow + "  ~ group.ops {" + ansiReset,
		"header in bold":   ansiBold + "  # user.bob will be deleted because it is not in the configuration" + ansiReset,
	}
	for name, want := range tests {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("%s: output lacks line %q:\n%s", name, want, got)
		}
	}
}

func TestRenderTextNoColor(t *testing.T) {
	plan := &Plan{Changes: []*Change{{Address: "user.bob", Type: TypeUser, Action: Delete, Reason: ReasonNotDeclared, Name: "bob"}}}
	var b bytes.Buffer
	if err := RenderText(&b, plan, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Errorf("output without color has escape sequences:\n%q", b.String())
	}
}

func TestRenderSensitiveValues(t *testing.T) {
	const secret = "hunter2-not-for-printing"
	plan := &Plan{Changes: []*Change{{
		Address: "user.alice.login_profile", Type: TypeLoginProfile, Action: Create,
		Attrs: []Attr{{Name: "password", After: secret, Sensitive: true}},
	}}}

	var text bytes.Buffer
	if err := RenderText(&text, plan, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), secret) {
		t.Errorf("text output shows a sensitive value:\n%s", text.String())
	}
	if !strings.Contains(text.String(), "+ password = "+sensitiveMarker) {
		t.Errorf("text output lacks the sensitive marker:\n%s", text.String())
	}

	var js bytes.Buffer
	if err := RenderJSON(&js, plan); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js.String(), secret) {
		t.Errorf("JSON output shows a sensitive value:\n%s", js.String())
	}
	var doc struct {
		Changes []struct {
			Attributes map[string]jsonAttr `json:"attributes"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := jsonAttr{Before: nil, After: sensitiveMarker, Sensitive: true}
	if diff := cmp.Diff(want, doc.Changes[0].Attributes["password"]); diff != "" {
		t.Errorf("password attribute mismatch (-want +got):\n%s", diff)
	}
}

func TestDescription(t *testing.T) {
	tests := map[string]struct {
		change *Change
		want   string
	}{
		"create": {
			change: &Change{Address: "user.alice", Action: Create},
			want:   "user.alice will be created",
		},
		"not declared": {
			change: &Change{Address: "user.bob", Action: Delete, Reason: ReasonNotDeclared},
			want:   "user.bob will be deleted because it is not in the configuration",
		},
		"expired owner": {
			change: &Change{Address: "user.bob.inline_policy[\"x\"]", Action: Delete, Reason: ReasonExpired, Detail: "2026-01-01T00:00:00Z", Cause: "user.bob"},
			want:   "user.bob.inline_policy[\"x\"] will be deleted because user.bob expired at 2026-01-01T00:00:00Z",
		},
		"two attributes force replacement": {
			change: &Change{Address: "policy.p", Action: Replace, Reason: ReasonCannotUpdate, Attrs: []Attr{
				{Name: "path", ForcesReplacement: true}, {Name: "document"}, {Name: "description", ForcesReplacement: true},
			}},
			want: "policy.p must be replaced because IAM cannot change path and description in place",
		},
		"renamed": {
			change: &Change{Address: "group.eng", Action: Update, Reason: ReasonRenamed, OldName: "devs"},
			want:   "group.eng will be updated in place because it is renamed from \"devs\"",
		},
		"reference deleted": {
			change: &Change{Address: "instance_profile.web", Action: Update, Reason: ReasonReferenceDeleted, Cause: "role.old"},
			want:   "instance_profile.web will be updated in place because role.old will be deleted",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.change.Description(); got != tc.want {
				t.Errorf("Description() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRenderTagsAlignsShownKeys updates one tag next to a longer key that
// does not change. Only the changed key is shown, so it needs no padding.
func TestRenderTagsAlignsShownKeys(t *testing.T) {
	plan := &Plan{Changes: []*Change{{
		Address: "user.alice", Type: TypeUser, Action: Update, Name: "alice",
		Attrs: []Attr{{
			Name:   "tags",
			Before: map[string]string{"cost-centre-of-record": "1", "x": "y"},
			After:  map[string]string{"cost-centre-of-record": "1"},
		}},
	}}}
	var b bytes.Buffer
	if err := RenderText(&b, plan, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if want := `          - "x" = "y"` + "\n"; !strings.Contains(b.String(), want) {
		t.Errorf("output lacks line %q:\n%s", want, b.String())
	}
}
