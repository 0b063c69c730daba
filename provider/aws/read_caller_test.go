package awsprovider_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/provider"
)

// A caller that already read its identity passes it on, and ReadState
// makes no second GetCallerIdentity call.
func TestReadStateTakesCaller(t *testing.T) {
	tg := newTarget(t)
	identity, err := tg.p.CallerIdentity(t.Context())
	if err != nil {
		t.Fatalf("CallerIdentity: %v", err)
	}

	before := tg.p.Calls()
	s, err := tg.p.ReadState(t.Context(), provider.ReadOptions{Caller: &identity})
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	calls := callsSince(before, tg.p.Calls())

	if n := calls["GetCallerIdentity"]; n != 0 {
		t.Errorf("ReadState made %d GetCallerIdentity calls, want none: %v", n, calls)
	}
	if diff := cmp.Diff(identity, s.Caller); diff != "" {
		t.Errorf("state's caller differs from the one passed (-want +got):\n%s", diff)
	}
	if s.AccountID != identity.Account {
		t.Errorf("state's account is %q, want %q", s.AccountID, identity.Account)
	}
}
