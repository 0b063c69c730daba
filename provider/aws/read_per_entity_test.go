package awsprovider_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/provider"
)

// The per-entity baseline must read what the bulk read reads, or the
// benchmark would compare different work.
func TestReadStatePerEntityMatchesReadState(t *testing.T) {
	tg := newTarget(t)
	writeAccount(t, tg)

	bulk, err := tg.p.ReadState(t.Context(), provider.ReadOptions{})
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	before := tg.p.Calls()
	perEntity, err := tg.p.ReadStatePerEntity(t.Context(), 4)
	if err != nil {
		t.Fatalf("ReadStatePerEntity: %v", err)
	}
	calls := callsSince(before, tg.p.Calls())

	// The baseline leaves AWS-managed policies out; GetAccountAuthorizationDetails
	// returns those the account attaches.
	bulk.Policies = slices.DeleteFunc(bulk.Policies, (*provider.ManagedPolicy).AWSManaged)
	for _, s := range []*provider.State{bulk, perEntity} {
		for _, p := range s.Policies {
			sort.Slice(p.Versions, func(i, j int) bool { return p.Versions[i].ID < p.Versions[j].ID })
		}
	}
	if diff := cmp.Diff(bulk, perEntity); diff != "" {
		t.Errorf("ReadStatePerEntity differs from ReadState (-bulk +per-entity):\n%s", diff)
	}

	// Every entity took its own calls.
	for _, action := range []string{"GetUser", "GetGroup", "GetRole", "GetPolicy", "GetPolicyVersion", "GetUserPolicy", "GetRolePolicy"} {
		if calls[action] == 0 {
			t.Errorf("ReadStatePerEntity made no %s call: %v", action, calls)
		}
	}
	if calls["GetAccountAuthorizationDetails"] != 0 {
		t.Errorf("ReadStatePerEntity called GetAccountAuthorizationDetails %d times, want none", calls["GetAccountAuthorizationDetails"])
	}
}
