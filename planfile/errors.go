package planfile

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors that the typed errors of this package match with
// errors.Is, so that a caller can tell why a saved plan was rejected.
var (
	// ErrUnsupportedVersion: the file's format version is not FormatVersion.
	ErrUnsupportedVersion = errors.New("unsupported plan file format")
	// ErrOtherAccount: the plan was made for another account.
	ErrOtherAccount = errors.New("plan made for another account")
	// ErrStale: the account changed since the plan was made.
	ErrStale = errors.New("stale plan")
	// ErrPlanMismatch: the saved configuration, planned again against the
	// same state, no longer gives the saved changes.
	ErrPlanMismatch = errors.New("plan does not match its configuration")
)

// VersionError rejects a plan file of a format version this iamsync does
// not read.
type VersionError struct {
	Path    string
	Version int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("plan file %s has format version %d, but this iamsync reads version %d: make the plan "+
		"again with this version of iamsync", e.Path, e.Version, FormatVersion)
}

func (e *VersionError) Is(target error) bool { return target == ErrUnsupportedVersion }

// AccountError rejects a plan made for another account than the one the
// credentials act on.
type AccountError struct {
	Planned, Current string
}

func (e *AccountError) Error() string {
	return fmt.Sprintf("the plan was made for account %s, but the credentials act on account %s: use "+
		"credentials for account %s, or make a plan for this account", e.Planned, e.Current, e.Planned)
}

func (e *AccountError) Is(target error) bool { return target == ErrOtherAccount }

// StaleError rejects a plan whose account changed since the plan was made.
// The lists name entities as EntityFingerprints keys them, such as
// "user alice".
type StaleError struct {
	Changed, Created, Deleted []string
	// Matches is set when the saved configuration, planned again against
	// the account as it is now, has no changes: the account is already as
	// the plan would leave it, most likely because the plan was applied.
	Matches bool
}

// maxStaleNames bounds how many entities a StaleError names.
const maxStaleNames = 10

func (e *StaleError) Error() string {
	var names []string
	for _, group := range []struct {
		verb  string
		names []string
	}{{"changed", e.Changed}, {"created", e.Created}, {"deleted", e.Deleted}} {
		for _, name := range group.names {
			names = append(names, name+" "+group.verb)
		}
	}
	what := ""
	switch {
	case len(names) > maxStaleNames:
		what = fmt.Sprintf(" (%s and %d more)", strings.Join(names[:maxStaleNames], ", "), len(names)-maxStaleNames)
	case len(names) > 0:
		what = " (" + strings.Join(names, ", ") + ")"
	}
	if e.Matches {
		return fmt.Sprintf("the plan is stale: the account changed since the plan was made%s, and it already "+
			"matches the saved configuration, so the plan was most likely applied already: nothing is left to apply", what)
	}
	return fmt.Sprintf("the plan is stale: the account changed since the plan was made%s; make the plan again", what)
}

func (e *StaleError) Is(target error) bool { return target == ErrStale }

// MismatchError rejects a plan whose saved configuration, planned again
// against an unchanged account at the saved time, gives other changes. The
// likely causes are an iamsync upgraded between plan and apply and a plan
// file edited by hand.
type MismatchError struct {
	// Addresses are the changes that differ, sorted.
	Addresses []string
}

func (e *MismatchError) Error() string {
	what := strings.Join(e.Addresses, ", ")
	if len(e.Addresses) > maxStaleNames {
		what = fmt.Sprintf("%s and %d more", strings.Join(e.Addresses[:maxStaleNames], ", "), len(e.Addresses)-maxStaleNames)
	}
	return fmt.Sprintf("planning the saved configuration again gives other changes than the saved plan (%s): "+
		"make the plan again with this version of iamsync", what)
}

func (e *MismatchError) Is(target error) bool { return target == ErrPlanMismatch }
