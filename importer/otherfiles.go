package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// OtherFilesError is returned by WriteDir when dir contains configuration
// files that it would not write, which declare blocks of the kinds that it
// writes. Plans load every configuration file of a directory, so these
// would declare entities twice, as after an import with another layout, or
// keep entities that the account no longer has. Overwriting does not help,
// because it replaces only the files that WriteDir writes.
type OtherFilesError struct {
	Dir   string
	Names []string
}

func (e *OtherFilesError) Error() string {
	return fmt.Sprintf("%s contains other configuration files that declare blocks of the kinds import writes: %s",
		e.Dir, strings.Join(e.Names, ", "))
}

// generatedBlocks are the top-level blocks that Generate writes. A file
// with only other blocks, such as provider and variable blocks, does not
// block an import.
var generatedBlocks = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "scope"},
	{Type: "account"},
	{Type: "password_policy"},
	{Type: "locals"},
	{Type: "policy_document", LabelNames: []string{"name"}},
	{Type: "user", LabelNames: []string{"name"}},
	{Type: "group", LabelNames: []string{"name"}},
	{Type: "role", LabelNames: []string{"name"}},
	{Type: "policy", LabelNames: []string{"name"}},
	{Type: "instance_profile", LabelNames: []string{"name"}},
}}

// otherFiles returns the names of the configuration files of dir that
// files does not name and that declare generated blocks, sorted. It reads
// the files that plans load: those ending in .hcl or .hcl.json, except
// hidden and backup files.
func otherFiles(dir string, files Files) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var names []string
	for _, entry := range entries {
		name := entry.Name()
		if _, written := files[name]; written || entry.IsDir() || !isConfigFile(name) {
			continue
		}
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", path, err)
		}
		if declaresGeneratedBlocks(name, src) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// isConfigFile reports whether plans load a file of this name, as
// spec.Load decides.
func isConfigFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") {
		return false
	}
	return strings.HasSuffix(name, ".hcl") || strings.HasSuffix(name, ".hcl.json")
}

// declaresGeneratedBlocks reports whether a configuration file declares
// one of the generatedBlocks.
func declaresGeneratedBlocks(name string, src []byte) bool {
	return declares(name, src, generatedBlocks)
}

// declares reports whether a configuration file declares one of the blocks
// of schema. Syntax errors are ignored here, because a plan reports them
// anyway: what parses is checked.
func declares(name string, src []byte, schema *hcl.BodySchema) bool {
	parser := hclparse.NewParser()
	var file *hcl.File
	if strings.HasSuffix(name, ".hcl.json") {
		file, _ = parser.ParseJSON(src, name)
	} else {
		file, _ = parser.ParseHCL(src, name)
	}
	if file == nil || file.Body == nil {
		return false
	}
	content, _, _ := file.Body.PartialContent(schema)
	return content != nil && len(content.Blocks) > 0
}

// OwnBlocksError is returned by WriteDir when a file that it would write
// exists and holds blocks that import never writes, such as a provider
// block with the account guard. Overwriting the file would lose them.
type OwnBlocksError struct {
	Dir   string
	Names []string
}

func (e *OwnBlocksError) Error() string {
	return fmt.Sprintf("%s holds provider or variable blocks in %s, which import would replace and does not write: "+
		"move those blocks to a file of another name, such as provider.hcl, then import again",
		e.Dir, strings.Join(e.Names, ", "))
}

// ownBlocks are the top-level blocks that only a person writes.
var ownBlocks = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "provider"},
	{Type: "variable", LabelNames: []string{"name"}},
}}

// filesWithOwnBlocks returns the names of the files that files names, that
// exist in dir and that declare ownBlocks, sorted.
func filesWithOwnBlocks(dir string, files Files) ([]string, error) {
	var names []string
	for _, name := range files.Names() {
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", path, err)
		}
		if declares(name, src, ownBlocks) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}
