package planfile

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/spec"
)

// maxSnapshotBytes bounds the files a snapshot holds. IAM's size quotas
// keep a configuration far smaller; a larger one most likely reads
// something it should not, such as a data file.
const maxSnapshotBytes = 64 << 20

// Snapshot is the configuration a plan was made from: the files that
// spec.Load read and the values given for the input variables, enough to
// decode the same configuration again without the directory.
type Snapshot struct {
	// Dir is the configuration directory as the plan command named it.
	// Source ranges of the decoded configuration name files in it.
	Dir string `json:"dir"`
	// Files are the files spec.Load read, by their slash-separated paths
	// relative to Dir, sorted. A path may start with "../" when the
	// configuration reads files outside its directory.
	Files []SnapshotFile `json:"files"`

	// AccountID and Partition are those the ARNs were built in.
	AccountID string `json:"account_id"`
	Partition string `json:"partition"`

	// Variables are the -var arguments; VarFiles the -var-file files, in
	// order, by the paths given; Environ the IAMSYNC_VAR_ environment
	// variables, sorted. They may hold secrets, which is one reason plan
	// files are written with mode 0600.
	Variables         map[string]string `json:"variables,omitempty"`
	VarFiles          []SnapshotFile    `json:"var_files,omitempty"`
	Environ           []string          `json:"environ,omitempty"`
	AllowFilesOutside bool              `json:"allow_files_outside,omitempty"`
}

// Fingerprint returns a hash of the snapshot's files and variable values.
// It leaves out Dir, which only names the files in messages, so two
// snapshots of the same configuration and values match wherever they were
// taken.
func (s *Snapshot) Fingerprint() string {
	unnamed := *s
	unnamed.Dir = ""
	return hashJSON(&unnamed)
}

// SnapshotFile is one file of a snapshot. Data is base64 in the plan file.
type SnapshotFile struct {
	Path string `json:"path"`
	Data []byte `json:"data"`
}

// takeSnapshot reads the files that cfg was decoded from and the variable
// values that opts gave.
func takeSnapshot(dir string, cfg *spec.Config, opts spec.LoadOptions) (*Snapshot, error) {
	s := &Snapshot{
		Dir:               dir,
		AccountID:         opts.AccountID,
		Partition:         opts.Partition,
		Variables:         opts.Variables,
		AllowFilesOutside: opts.AllowFilesOutside,
	}
	total := 0
	read := func(path string) ([]byte, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if total += len(data); total > maxSnapshotBytes {
			return nil, fmt.Errorf("the configuration's files take more than %d MiB", maxSnapshotBytes>>20)
		}
		return data, nil
	}

	// The configuration files and what the file functions read.
	for _, rel := range cfg.ReadFiles {
		if filepath.IsAbs(rel) {
			return nil, fmt.Errorf("snapshot configuration: it reads %s by an absolute path, which a saved plan "+
				"cannot hold: name the file relative to the configuration directory", rel)
		}
		data, err := read(filepath.Join(dir, rel))
		if err != nil {
			return nil, fmt.Errorf("snapshot configuration: %w", err)
		}
		s.Files = append(s.Files, SnapshotFile{Path: filepath.ToSlash(rel), Data: data})
	}
	slices.SortFunc(s.Files, func(a, b SnapshotFile) int { return strings.Compare(a.Path, b.Path) })

	// The values of the input variables.
	for _, path := range opts.VarFiles {
		data, err := read(path)
		if err != nil {
			return nil, fmt.Errorf("snapshot variables file: %w", err)
		}
		s.VarFiles = append(s.VarFiles, SnapshotFile{Path: path, Data: data})
	}
	// Of the environment, only the values of declared variables: the
	// others do not change the plan, and may be secrets.
	for _, entry := range opts.Environ {
		key, _, _ := strings.Cut(entry, "=")
		if name, ok := strings.CutPrefix(key, spec.EnvironmentPrefix); ok && slices.Contains(cfg.Variables, name) {
			s.Environ = append(s.Environ, entry)
		}
	}
	slices.Sort(s.Environ)
	return s, nil
}

// Load decodes the configuration of the snapshot again, as spec.Load
// decoded it when the plan was made. It writes the files into a temporary
// directory, which it removes before returning; ranges and diagnostics name
// the files by their original paths.
func (s *Snapshot) Load() (*spec.Config, hcl.Diagnostics, error) {
	tmp, err := os.MkdirTemp("", "iamsync-plan-")
	if err != nil {
		return nil, nil, fmt.Errorf("decode saved configuration: %w", err)
	}
	defer os.RemoveAll(tmp)

	configDir, varFiles, err := s.extract(tmp)
	if err != nil {
		return nil, nil, fmt.Errorf("decode saved configuration: %w", err)
	}
	cfg, diags := spec.Load(configDir, spec.LoadOptions{
		AccountID:         s.AccountID,
		Partition:         s.Partition,
		Variables:         s.Variables,
		VarFiles:          varFiles,
		Environ:           s.Environ,
		AllowFilesOutside: s.AllowFilesOutside,
		DisplayDir:        s.Dir,
	})

	// Diagnostics about variables files name them as the user did.
	original := map[string]string{}
	for i, path := range varFiles {
		original[path] = s.VarFiles[i].Path
	}
	for _, d := range diags {
		for _, r := range []*hcl.Range{d.Subject, d.Context} {
			if r != nil && original[r.Filename] != "" {
				r.Filename = original[r.Filename]
			}
		}
	}
	return cfg, diags, nil
}

// extract writes the snapshot's files under tmp and returns the directory
// to load and the paths of the variables files. The configuration goes as
// deep under tmp as its "../" paths need, so that they stay inside tmp.
func (s *Snapshot) extract(tmp string) (string, []string, error) {
	depth := 0
	for _, f := range s.Files {
		depth = max(depth, leadingParents(f.Path))
	}
	parts := []string{tmp}
	for i := range depth {
		parts = append(parts, fmt.Sprintf("up%d", i+1))
	}
	configDir := filepath.Join(append(parts, "config")...)
	if err := os.MkdirAll(configDir, 0o700); err != nil {
		return "", nil, err
	}

	for _, f := range s.Files {
		if err := writeInside(tmp, filepath.Join(configDir, filepath.FromSlash(f.Path)), f.Data); err != nil {
			return "", nil, err
		}
	}
	var varFiles []string
	for i, f := range s.VarFiles {
		path := filepath.Join(tmp, "vars", fmt.Sprintf("%d-%s", i, filepath.Base(f.Path)))
		if err := writeInside(tmp, path, f.Data); err != nil {
			return "", nil, err
		}
		varFiles = append(varFiles, path)
	}
	return configDir, varFiles, nil
}

// leadingParents counts the ".." segments that a slash-separated path
// starts with.
func leadingParents(path string) int {
	n := 0
	for _, segment := range strings.Split(path, "/") {
		if segment != ".." {
			break
		}
		n++
	}
	return n
}

// writeInside writes a file of a snapshot, refusing a path that leads out
// of root: a plan file is input, and a crafted one must not write elsewhere.
func writeInside(root, path string, data []byte) error {
	if _, inside := relativeTo(root, path); !inside {
		return fmt.Errorf("the plan file names %s, outside the configuration", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
