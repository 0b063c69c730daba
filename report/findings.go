package report

import (
	"fmt"
	"time"
)

// Kinds of finding.
const (
	// KindKeyUnused is an active access key not used for StaleDays, or
	// never used and created more than StaleDays ago.
	KindKeyUnused = "access_key_unused"
	// KindKeyNotRotated is an active access key created more than
	// RotationDays ago.
	KindKeyNotRotated = "access_key_not_rotated"
	// KindConsoleWithoutMFA is a user with a console password and no MFA.
	KindConsoleWithoutMFA = "console_without_mfa"
	// KindPasswordUnused is a console password not used for StaleDays, or
	// never used and set more than StaleDays ago.
	KindPasswordUnused = "password_unused"
	// KindRootAccessKey is an active access key of the root user.
	KindRootAccessKey = "root_access_key"
	// KindRootWithoutMFA is a root user without MFA.
	KindRootWithoutMFA = "root_without_mfa"
)

// DefaultDays is the default of FindingOptions.StaleDays and RotationDays.
const DefaultDays = 90

// FindingOptions set the clock and the thresholds of Findings.
type FindingOptions struct {
	// Now is the time the report is judged at.
	Now time.Time
	// StaleDays is how long a key or password may go unused, DefaultDays
	// when zero.
	StaleDays int
	// RotationDays is the maximum age of an active key, DefaultDays when
	// zero.
	RotationDays int
}

// Finding is one credential that needs attention.
type Finding struct {
	Kind string `json:"kind"`
	User string `json:"user"`
	ARN  string `json:"arn"`
	// Key is the access key slot, 1 or 2, for findings about a key, and 0
	// otherwise.
	Key int `json:"key,omitempty"`
	// Message describes the finding in a sentence.
	Message string `json:"message"`
}

// Findings judges the credential report's entries at opts.Now. Findings
// come in the order of the entries, and for each entry root findings
// first, then password findings, then key findings by slot.
func Findings(entries []CredentialEntry, opts FindingOptions) []Finding {
	if opts.StaleDays <= 0 {
		opts.StaleDays = DefaultDays
	}
	if opts.RotationDays <= 0 {
		opts.RotationDays = DefaultDays
	}
	var out []Finding
	for _, e := range entries {
		j := judge{entry: e, opts: opts}
		j.root()
		j.password()
		for _, key := range e.AccessKeys {
			j.accessKey(key)
		}
		out = append(out, j.findings...)
	}
	return out
}

// judge collects the findings of one entry.
type judge struct {
	entry    CredentialEntry
	opts     FindingOptions
	findings []Finding
}

func (j *judge) add(kind string, key int, format string, args ...any) {
	j.findings = append(j.findings, Finding{
		Kind: kind, User: j.entry.User, ARN: j.entry.ARN, Key: key, Message: fmt.Sprintf(format, args...),
	})
}

// daysSince returns the whole days from t to the judging time.
func (j *judge) daysSince(t time.Time) int {
	return int(j.opts.Now.Sub(t) / (24 * time.Hour))
}

func (j *judge) root() {
	if !j.entry.Root {
		return
	}
	if !j.entry.MFAActive {
		j.add(KindRootWithoutMFA, 0, "The root user has no MFA device.")
	}
	for _, key := range j.entry.AccessKeys {
		if key.Active {
			j.add(KindRootAccessKey, key.Slot, "The root user has an active access key (key %d).", key.Slot)
		}
	}
}

func (j *judge) password() {
	e := j.entry
	if e.Root || !e.PasswordEnabled {
		return
	}
	if !e.MFAActive {
		j.add(KindConsoleWithoutMFA, 0, "The user has a console password and no MFA device.")
	}
	switch {
	case e.PasswordLastUsed != nil && j.daysSince(*e.PasswordLastUsed) > j.opts.StaleDays:
		j.add(KindPasswordUnused, 0, "The console password was last used %d days ago.", j.daysSince(*e.PasswordLastUsed))
	case e.PasswordLastUsed == nil && e.PasswordLastChanged != nil && j.daysSince(*e.PasswordLastChanged) > j.opts.StaleDays:
		j.add(KindPasswordUnused, 0, "The console password was never used, and was set %d days ago.", j.daysSince(*e.PasswordLastChanged))
	}
}

// accessKey judges one key. Root keys are findings in themselves, and
// inactive keys cannot be used, so neither is judged further.
func (j *judge) accessKey(key AccessKeyEntry) {
	if j.entry.Root || !key.Active {
		return
	}
	switch {
	case key.LastUsed != nil && j.daysSince(*key.LastUsed) > j.opts.StaleDays:
		j.add(KindKeyUnused, key.Slot, "Access key %d was last used %d days ago.", key.Slot, j.daysSince(*key.LastUsed))
	case key.LastUsed == nil && key.LastRotated != nil && j.daysSince(*key.LastRotated) > j.opts.StaleDays:
		j.add(KindKeyUnused, key.Slot, "Access key %d was never used, and was created %d days ago.", key.Slot, j.daysSince(*key.LastRotated))
	}
	if key.LastRotated != nil && j.daysSince(*key.LastRotated) > j.opts.RotationDays {
		j.add(KindKeyNotRotated, key.Slot, "Access key %d was created %d days ago and not rotated since.", key.Slot, j.daysSince(*key.LastRotated))
	}
}
