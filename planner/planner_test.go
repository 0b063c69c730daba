package planner

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPairNames(t *testing.T) {
	tests := map[string]struct {
		declared []string
		previous [][]string
		live     []string
		wantIdx  []int
		wantRen  []bool
	}{
		"case-insensitive match keeps both": {
			declared: []string{"Alice"}, previous: [][]string{nil}, live: []string{"alice"},
			wantIdx: []int{0}, wantRen: []bool{false},
		},
		"rename through a previous name": {
			declared: []string{"robert"}, previous: [][]string{{"rob", "bob"}}, live: []string{"bob"},
			wantIdx: []int{0}, wantRen: []bool{true},
		},
		"current name wins over a rename": {
			declared: []string{"carol", "bob"}, previous: [][]string{{"bob"}, nil}, live: []string{"bob"},
			wantIdx: []int{-1, 0}, wantRen: []bool{false, false},
		},
		"live new name makes no rename": {
			declared: []string{"robert"}, previous: [][]string{{"bob"}}, live: []string{"bob", "robert"},
			wantIdx: []int{1}, wantRen: []bool{false},
		},
		"not live": {
			declared: []string{"dave"}, previous: [][]string{{"david"}}, live: []string{"erin"},
			wantIdx: []int{-1}, wantRen: []bool{false},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			idx, ren, _ := pairNames(tc.declared, tc.previous, tc.live)
			if diff := cmp.Diff(tc.wantIdx, idx); diff != "" {
				t.Errorf("match mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantRen, ren); diff != "" {
				t.Errorf("renamed mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMakeDeterministic plans a drifted account twice, from states listed in
// different orders, and expects the same output.
func TestMakeDeterministic(t *testing.T) {
	render := func(reverse bool) string {
		cfg, live := largeAccount(400)
		for i, u := range live.Users {
			u.Path = "/moved/"
			if i%3 == 0 {
				u.Groups = nil
			}
		}
		live.Roles = live.Roles[:len(live.Roles)/2]
		if reverse {
			for i, j := 0, len(live.Users)-1; i < j; i, j = i+1, j-1 {
				live.Users[i], live.Users[j] = live.Users[j], live.Users[i]
			}
		}
		plan, diags := Make(cfg, live, Options{Now: testNow})
		if diags.HasErrors() {
			t.Fatalf("unexpected errors: %v", diags)
		}
		var b bytes.Buffer
		if err := RenderJSON(&b, plan); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	first := render(false)
	if diff := cmp.Diff(first, render(false)); diff != "" {
		t.Errorf("plans of the same inputs differ (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(first, render(true)); diff != "" {
		t.Errorf("plans differ with the order of the live state (-first +reversed):\n%s", diff)
	}
	if !bytes.Contains([]byte(first), []byte(`"action": "create"`)) {
		t.Errorf("drifted account planned no creation; the test does not exercise the planner")
	}
}
