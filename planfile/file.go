package planfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// FormatVersion is the version of the plan file format that Write writes
// and Read reads. It grows whenever a file of the new format would be
// read wrongly by an older iamsync, or the other way round.
const FormatVersion = 1

// File is a saved plan: the changes, the configuration they were planned
// from and the fingerprints of what they were planned against.
type File struct {
	// CreatedAt is the time the plan was made with, which expiry checks
	// used; Prepare plans again at this time.
	CreatedAt time.Time
	AccountID string
	Partition string
	// CallerARN is the identity that made the plan.
	CallerARN string

	Config *Snapshot
	// ConfigFingerprint is Config.Fingerprint() as Write computed it. Read
	// rejects a file whose snapshot no longer matches it.
	ConfigFingerprint string

	StateFingerprint string
	// Entities are the fingerprints of each entity planned against, which
	// name what changed when the plan is stale.
	Entities map[string]string
	// ReadOptions are those the state was read with; Prepare's state must
	// be read with them too.
	ReadOptions provider.ReadOptions
	// Scope is the configuration's scope, which limits the entities the
	// fingerprints cover.
	Scope spec.Scope

	// Targets are the planner.Options.Targets the plan was made with.
	Targets []string
	Plan    *planner.Plan
}

// fileJSON is the plan file's JSON document. The format version comes
// first, so that a reader can check it before anything else.
type fileJSON struct {
	FormatVersion int       `json:"iamsync_plan_format"`
	CreatedAt     time.Time `json:"created_at"`
	AccountID     string    `json:"account_id"`
	Partition     string    `json:"partition"`
	CallerARN     string    `json:"caller_arn"`

	ConfigFingerprint string    `json:"config_fingerprint"`
	Config            *Snapshot `json:"config"`

	StateFingerprint string               `json:"state_fingerprint"`
	Entities         map[string]string    `json:"entities"`
	ReadOptions      provider.ReadOptions `json:"read_options"`
	Scope            *savedScope          `json:"scope,omitempty"`

	Targets []string  `json:"targets,omitempty"`
	Plan    savedPlan `json:"plan"`
}

// Input is a plan with everything that made it, for Write to save.
type Input struct {
	// Plan is the plan to save, as planner.Make returned it with no errors.
	Plan *planner.Plan
	// Options are those given to planner.Make.
	Options planner.Options
	// State is the live state given to planner.Make, read with ReadOptions.
	State       *provider.State
	ReadOptions provider.ReadOptions

	// Config is the configuration given to planner.Make, as spec.Load
	// decoded it from Dir with LoadOptions.
	Config      *spec.Config
	Dir         string
	LoadOptions spec.LoadOptions
}

// Write saves a plan to path. It snapshots the configuration's files and
// variable values, decodes the snapshot and plans it again to check that
// the snapshot gives the same plan, and writes the file atomically with
// mode 0600, because variable values may be secrets.
func Write(path string, in Input) error {
	f, err := newFile(in)
	if err != nil {
		return fmt.Errorf("save plan to %s: %w", path, err)
	}
	data, err := f.marshal()
	if err != nil {
		return fmt.Errorf("save plan to %s: %w", path, err)
	}
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("save plan to %s: %w", path, err)
	}
	return nil
}

// CheckPath reports a path that Write cannot save a plan to, because its
// folder is missing or the path is a folder, so that a command can report it
// before it reads the account.
func CheckPath(path string) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("save plan to %s: the path is a folder; name a file in it", path)
	}
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("save plan to %s: the folder %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("save plan to %s: %w", path, err)
	case !info.IsDir():
		return fmt.Errorf("save plan to %s: %s is not a folder", path, dir)
	}
	return nil
}

// newFile builds the saved plan of in.
func newFile(in Input) (*File, error) {
	if in.Plan == nil || in.State == nil || in.Config == nil {
		panic("planfile: Write needs the plan, the state and the configuration")
	}
	if !in.Plan.CreatedAt.Equal(in.Options.Now) {
		panic("planfile: the plan was not made with the given options")
	}

	// Snapshot the configuration and check that it plans the same. spec.Load
	// reads "" as the working directory, and so does a snapshot of ".".
	dir := in.Dir
	if dir == "" {
		dir = "."
	}
	snapshot, err := takeSnapshot(dir, in.Config, in.LoadOptions)
	if err != nil {
		return nil, err
	}
	cfg, diags, err := snapshot.Load()
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("the configuration does not decode from its snapshot: %s", firstError(diags))
	}
	replanned, diags := planner.Make(cfg, in.State, in.Options)
	if diags.HasErrors() {
		return nil, fmt.Errorf("the configuration does not plan from its snapshot: %s", firstError(diags))
	}
	if differ := differingChanges(in.Plan, replanned, dir); len(differ) > 0 {
		return nil, fmt.Errorf("the configuration plans differently from its snapshot (%s): a file changed while "+
			"planning, or the configuration depends on something outside the files it reads", strings.Join(differ, ", "))
	}

	entities := ScopedFingerprints(in.State, cfg.Scope)
	return &File{
		CreatedAt:         in.Options.Now,
		AccountID:         in.State.AccountID,
		Partition:         in.State.Partition,
		CallerARN:         in.State.Caller.ARN,
		Config:            snapshot,
		ConfigFingerprint: snapshot.Fingerprint(),
		StateFingerprint:  combine(entities),
		Entities:          entities,
		ReadOptions:       in.ReadOptions,
		Scope:             cfg.Scope,
		Targets:           in.Options.Targets,
		Plan:              in.Plan,
	}, nil
}

func (f *File) marshal() ([]byte, error) {
	doc := fileJSON{
		FormatVersion:     FormatVersion,
		CreatedAt:         f.CreatedAt,
		AccountID:         f.AccountID,
		Partition:         f.Partition,
		CallerARN:         f.CallerARN,
		ConfigFingerprint: f.ConfigFingerprint,
		Config:            f.Config,
		StateFingerprint:  f.StateFingerprint,
		Entities:          f.Entities,
		ReadOptions:       f.ReadOptions,
		Scope:             encodeScope(f.Scope),
		Targets:           f.Targets,
		Plan:              encodePlan(f.Plan, f.Config.Dir),
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Read reads a plan file. A file of another format version is a
// *VersionError.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}

	// Check the format version before anything else.
	var head struct {
		FormatVersion *int `json:"iamsync_plan_format"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.FormatVersion == nil {
		return nil, fmt.Errorf("read plan: %s is not an iamsync plan file", path)
	}
	if *head.FormatVersion != FormatVersion {
		return nil, &VersionError{Path: path, Version: *head.FormatVersion}
	}

	var doc fileJSON
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read plan %s: %w", path, err)
	}
	if doc.Config == nil || doc.AccountID == "" || doc.StateFingerprint == "" {
		return nil, fmt.Errorf("read plan: %s lacks its configuration, account or state fingerprint", path)
	}
	if got := doc.Config.Fingerprint(); got != doc.ConfigFingerprint {
		return nil, fmt.Errorf("read plan: the configuration saved in %s does not match its fingerprint: the file was changed after it was written", path)
	}
	plan, err := decodePlan(doc.Plan, doc.Config.Dir)
	if err != nil {
		return nil, fmt.Errorf("read plan %s: %w", path, err)
	}
	return &File{
		CreatedAt:         doc.CreatedAt,
		AccountID:         doc.AccountID,
		Partition:         doc.Partition,
		CallerARN:         doc.CallerARN,
		Config:            doc.Config,
		ConfigFingerprint: doc.ConfigFingerprint,
		StateFingerprint:  doc.StateFingerprint,
		Entities:          doc.Entities,
		ReadOptions:       doc.ReadOptions,
		Scope:             decodeScope(doc.Scope),
		Targets:           doc.Targets,
		Plan:              plan,
	}, nil
}

// savedScope is the part of a spec.Scope that fingerprints depend on.
type savedScope struct {
	PathPrefixes    []string `json:"path_prefixes"`
	ExcludeNames    []string `json:"exclude_names,omitempty"`
	AccountSettings bool     `json:"account_settings"`
}

func encodeScope(s spec.Scope) *savedScope {
	return &savedScope{PathPrefixes: s.PathPrefixes, ExcludeNames: s.ExcludeNames, AccountSettings: s.AccountSettings}
}

// decodeScope restores a saved scope; a plan file without one covers the
// whole account.
func decodeScope(s *savedScope) spec.Scope {
	if s == nil {
		return spec.DefaultScope()
	}
	return spec.Scope{PathPrefixes: s.PathPrefixes, ExcludeNames: s.ExcludeNames, AccountSettings: s.AccountSettings}
}

// writeAtomic writes data to a temporary file beside path with mode 0600
// and renames it over path, so that a reader never sees half a plan.
func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// differingChanges returns the addresses of the changes that differ
// between two plans of the same configuration in dir, sorted. A
// difference in the account, time or targets is reported as "the plan's
// account, time or targets".
func differingChanges(want, got *planner.Plan, dir string) []string {
	a, b := encodePlan(want, dir), encodePlan(got, dir)
	var differ []string
	if a.AccountID != b.AccountID || !a.CreatedAt.Equal(b.CreatedAt) || fmt.Sprint(a.Targets) != fmt.Sprint(b.Targets) {
		differ = append(differ, "the plan's account, time or targets")
	}
	byAddress := map[string][]byte{}
	for _, c := range a.Changes {
		byAddress[c.Address] = mustMarshal(c)
	}
	for _, c := range b.Changes {
		saved, ok := byAddress[c.Address]
		if !ok || !bytes.Equal(saved, mustMarshal(c)) {
			differ = append(differ, c.Address)
		}
		delete(byAddress, c.Address)
	}
	for addr := range byAddress {
		differ = append(differ, addr)
	}
	sort.Strings(differ)
	return differ
}

// firstError describes the first error of diags, with its place.
func firstError(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		if d.Subject != nil {
			return fmt.Sprintf("%s: %s: %s", d.Subject, d.Summary, d.Detail)
		}
		return fmt.Sprintf("%s: %s", d.Summary, d.Detail)
	}
	return "no error"
}
