package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Files maps file names, such as "users.hcl", to their contents.
type Files map[string][]byte

// Names returns the file names in order.
func (f Files) Names() []string {
	names := make([]string, 0, len(f))
	for name := range f {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Names of the files that hold the same things in both layouts.
const (
	fileAccount   = "account.hcl"
	fileDocuments = "documents.hcl"
)

// Files of LayoutByKind.
const (
	fileUsers            = "users.hcl"
	fileGroups           = "groups.hcl"
	fileRoles            = "roles.hcl"
	filePolicies         = "policies.hcl"
	fileInstanceProfiles = "instance_profiles.hcl"
)

// fileRootPath is the file of the entities at the path "/" in
// LayoutByPath.
const fileRootPath = "main.hcl"

// fileSet builds the files of one import. Each file is a list of chunks,
// one top-level block or comment each, which are formatted apart and
// joined by blank lines.
type fileSet struct {
	files map[string][]*hclwrite.File
	// byPath maps IAM paths to file names in LayoutByPath.
	byPath map[string]string
}

func newFileSet() *fileSet {
	return &fileSet{files: map[string][]*hclwrite.File{}, byPath: map[string]string{}}
}

// nameFilesByPath gives each IAM path its file in LayoutByPath: main.hcl
// for "/", and for another path its segments joined by underscores, such
// as team_a.hcl for "/team/a/". Names that collide, with each other or
// with account.hcl and documents.hcl, take a numeric suffix, in the order
// of paths.
func (set *fileSet) nameFilesByPath(paths []string) {
	slices.Sort(paths)
	paths = slices.Compact(paths)
	names := newLabeler("path")
	names.claim(strings.TrimSuffix(fileAccount, ".hcl"))
	names.claim(strings.TrimSuffix(fileDocuments, ".hcl"))
	names.claim(strings.TrimSuffix(fileRootPath, ".hcl"))
	for _, p := range paths {
		if p == "/" {
			set.byPath[p] = fileRootPath
			continue
		}
		set.byPath[p] = names.claim(pathFileBase(p)) + ".hcl"
	}
}

// pathFileBase returns the base of a file name for an IAM path: lower
// case, with each run of characters other than letters, digits, hyphens
// and underscores, slashes included, replaced by one underscore.
func pathFileBase(p string) string {
	base := strings.Trim(sanitizeLabel(p, "path"), "_")
	if base == "" {
		return "path"
	}
	return base
}

// appendBlock appends block to the named file.
func (set *fileSet) appendBlock(name string, block *hclwrite.Block) {
	chunk := hclwrite.NewEmptyFile()
	chunk.Body().AppendBlock(block)
	set.files[name] = append(set.files[name], chunk)
}

// appendTokens appends raw tokens, such as a comment, to the named file.
func (set *fileSet) appendTokens(name string, toks hclwrite.Tokens) {
	chunk := hclwrite.NewEmptyFile()
	chunk.Body().AppendUnstructuredTokens(toks)
	set.files[name] = append(set.files[name], chunk)
}

// emptyBlockPattern matches the body of a block with nothing in it, which
// hclwrite writes over two lines.
var emptyBlockPattern = regexp.MustCompile(`(?m)\{\n[ \t]*\}$`)

// format returns the files in canonical form, as hclwrite.Format writes it,
// with empty blocks closed on their first line, such as
// instance_profile "spare" {}, which hclwrite.Format leaves as they are.
//
// Formatting takes most of the time of an import, so chunks are formatted
// in parallel. Formatting them apart gives what formatting the whole file
// gives, because hclwrite aligns only runs of lines without blank lines
// between them, and top-level blocks are separated by one.
func (set *fileSet) format() Files {
	type job struct {
		chunk *hclwrite.File
		out   *[]byte
	}
	formatted := map[string][][]byte{}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				*j.out = emptyBlockPattern.ReplaceAll(hclwrite.Format(j.chunk.Bytes()), []byte("{}"))
			}
		})
	}
	for name, chunks := range set.files {
		formatted[name] = make([][]byte, len(chunks))
		for i, chunk := range chunks {
			jobs <- job{chunk: chunk, out: &formatted[name][i]}
		}
	}
	close(jobs)
	wg.Wait()

	out := make(Files, len(formatted))
	for name, chunks := range formatted {
		out[name] = bytes.Join(chunks, []byte("\n"))
	}
	return out
}

// WriteDir writes files into dir, creating dir when it does not exist.
// Files in dir that files does not name are never changed or removed.
//
// WriteDir writes nothing and returns an *OtherFilesError when such a file
// is a configuration file that declares blocks of the kinds Generate
// writes, with or without overwrite. Unless overwrite is set, it also
// writes nothing and returns an *ExistingFilesError when one of the files
// exists already.
func WriteDir(dir string, files Files, overwrite bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}

	// Check every file before writing any, so that a refusal leaves the
	// directory as it was.
	others, err := otherFiles(dir, files)
	if err != nil {
		return err
	}
	if len(others) > 0 {
		return &OtherFilesError{Dir: dir, Names: others}
	}
	withOwnBlocks, err := filesWithOwnBlocks(dir, files)
	if err != nil {
		return err
	}
	if len(withOwnBlocks) > 0 {
		return &OwnBlocksError{Dir: dir, Names: withOwnBlocks}
	}
	if !overwrite {
		var existing []string
		for _, name := range files.Names() {
			_, err := os.Lstat(filepath.Join(dir, name))
			switch {
			case err == nil:
				existing = append(existing, name)
			case !errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("check %s: %w", filepath.Join(dir, name), err)
			}
		}
		if len(existing) > 0 {
			return &ExistingFilesError{Dir: dir, Names: existing}
		}
	}

	for _, name := range files.Names() {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// ExistingFilesError is returned by WriteDir when files it would write
// exist already and overwriting was not asked for.
type ExistingFilesError struct {
	Dir   string
	Names []string
}

func (e *ExistingFilesError) Error() string {
	return fmt.Sprintf("%s already holds %s", e.Dir, strings.Join(e.Names, ", "))
}
