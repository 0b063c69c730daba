package planfile

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// CheckAccount returns an *AccountError when accountID, the account that
// the credentials act on, is not the account the plan was made for. Call it
// before reading the account, to read nothing from the wrong one.
func (f *File) CheckAccount(accountID string) error {
	if accountID != f.AccountID {
		return &AccountError{Planned: f.AccountID, Current: accountID}
	}
	return nil
}

// Verify checks that the plan still holds for the account's live state,
// read with f.ReadOptions: that it is the account planned for, and that
// nothing the planner compares changed since. It returns an *AccountError
// or a *StaleError naming the entities that changed.
func (f *File) Verify(live *provider.State) error {
	if err := f.CheckAccount(live.AccountID); err != nil {
		return err
	}
	current := ScopedFingerprints(live, f.Scope)
	if combine(current) == f.StateFingerprint {
		return nil
	}
	d := diffEntities(f.Entities, current)
	return &StaleError{Changed: d.Changed, Created: d.Created, Deleted: d.Deleted}
}

// matches reports whether the saved configuration, planned against live at
// the saved time, has no changes.
func (f *File) matches(live *provider.State) bool {
	cfg, diags, err := f.Config.Load()
	if err != nil || diags.HasErrors() {
		return false
	}
	plan, diags := planner.Make(cfg, live, planner.Options{Now: f.CreatedAt, Targets: f.Targets})
	return !diags.HasErrors() && !plan.HasChanges()
}

// Prepared is a saved plan checked against the account, ready to apply.
type Prepared struct {
	// Config is the saved configuration decoded again. Its Dir and its
	// source ranges name the directory the plan was made in.
	Config *spec.Config
	// Plan is the configuration planned again against the account at the
	// saved time. It equals the saved plan.
	Plan *planner.Plan
}

// Prepare checks a saved plan before it is applied. It verifies the live
// state (see Verify), decodes the saved configuration again and plans it
// against live at the saved time with the saved targets. A result other
// than the saved plan is a *MismatchError. The diagnostics are those of
// decoding and planning, for the caller to print, and with errors among
// them the plan must not be applied.
func (f *File) Prepare(live *provider.State) (*Prepared, hcl.Diagnostics, error) {
	if err := f.Verify(live); err != nil {
		var stale *StaleError
		if errors.As(err, &stale) {
			stale.Matches = f.matches(live)
		}
		return nil, nil, err
	}

	// Decode and plan again, as the plan command did.
	cfg, diags, err := f.Config.Load()
	if err != nil {
		return nil, nil, err
	}
	if diags.HasErrors() {
		return nil, diags, fmt.Errorf("decode saved configuration: %s", firstError(diags))
	}
	plan, planDiags := planner.Make(cfg, live, planner.Options{Now: f.CreatedAt, Targets: f.Targets})
	diags = append(diags, planDiags...)
	if planDiags.HasErrors() {
		return nil, diags, fmt.Errorf("plan saved configuration: %s", firstError(planDiags))
	}

	// Apply exactly what was saved.
	if differ := differingChanges(f.Plan, plan, f.Config.Dir); len(differ) > 0 {
		return nil, diags, &MismatchError{Addresses: differ}
	}
	return &Prepared{Config: cfg, Plan: plan}, diags, nil
}
