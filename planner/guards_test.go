package planner

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckMaxDeletes(t *testing.T) {
	plan := &Plan{Changes: []*Change{
		{Address: "group.ops", Type: TypeGroup, Action: Update},
		{Address: "group.ops.membership[\"bob\"]", Type: TypeMembership, Action: Delete, Parent: &Ref{Type: TypeGroup, Name: "ops"}},
		{Address: "password_policy", Type: TypePasswordPolicy, Action: Delete},
		{Address: "role.app", Type: TypeRole, Action: Replace},
		{Address: "role.app.inline_policy[\"q\"]", Type: TypeInlinePolicy, Action: Replace, Parent: &Ref{Type: TypeRole, Name: "app"}},
		{Address: "user.bob", Type: TypeUser, Action: Delete},
		{Address: "user.carol", Type: TypeUser, Action: Create},
	}}
	counted := []string{"password_policy", "role.app", "user.bob"}

	tests := map[string]struct {
		limit   int
		wantErr bool
	}{
		"zero allows none":   {limit: 0, wantErr: true},
		"below the count":    {limit: 2, wantErr: true},
		"equal to the count": {limit: 3, wantErr: false},
		"above the count":    {limit: 10, wantErr: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckMaxDeletes(plan, tc.limit)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("CheckMaxDeletes(%d) = %v, want nil", tc.limit, err)
				}
				return
			}
			var limitErr *DeleteLimitError
			if !errors.As(err, &limitErr) {
				t.Fatalf("CheckMaxDeletes(%d) = %v, want a *DeleteLimitError", tc.limit, err)
			}
			var got []string
			for _, c := range limitErr.Changes {
				got = append(got, c.Address)
			}
			if diff := cmp.Diff(counted, got); diff != "" {
				t.Errorf("counted changes mismatch (-want +got):\n%s", diff)
			}
		})
	}

	err := CheckMaxDeletes(plan, 1)
	const want = "the plan deletes or replaces 3 entities, more than the limit of 1: password_policy (delete), role.app (replace), user.bob (delete)"
	if err == nil || err.Error() != want {
		t.Errorf("error message:\n got %v\nwant %s", err, want)
	}
}
