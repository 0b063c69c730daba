package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

const releaseExample = `user "alice" {
  name = "alice"
  tags = { team = "platform" }
}

group "admins" {
  name    = "Admins"
  members = [user.alice.name]
}
`

// After Load, the files keep their source and still name the block that
// encloses a position, which diagnostics print, but no longer hold their
// syntax trees.
func TestLoadReleasesSyntax(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(releaseExample), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load(dir, LoadOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}

	file := cfg.Parser.Files()[filepath.Join(dir, "main.hcl")]
	if file == nil {
		t.Fatalf("parser holds no main.hcl: %v", cfg.Parser.Files())
	}
	if got := string(file.Bytes); got != releaseExample {
		t.Errorf("file source changed (-want +got):\n%s", cmp.Diff(releaseExample, got))
	}
	if _, native := file.Body.(*hclsyntax.Body); native {
		t.Errorf("file still holds its syntax tree")
	}
	nav, ok := file.Nav.(interface{ ContextString(int) string })
	if !ok {
		t.Fatalf("file navigation %T has no ContextString", file.Nav)
	}
	offset := strings.Index(releaseExample, "members")
	if got, want := nav.ContextString(offset), `group "admins"`; got != want {
		t.Errorf("ContextString at members = %q, want %q", got, want)
	}
}

// Load takes the files that LoadProvider parsed instead of parsing them
// again: a change made on disk in between is not seen.
func TestLoadReusesProviderParse(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "main.hcl")
	if err := os.WriteFile(path, []byte(releaseExample), 0o644); err != nil {
		t.Fatal(err)
	}
	first, diags := LoadProvider(dir, LoadOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	changed := strings.Replace(releaseExample, `name = "alice"`, `name = "bob"`, 1)
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}

	reused, diags := Load(dir, LoadOptions{Parser: first.Parser})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := reused.Users[0].Name; got != "alice" {
		t.Errorf("Load with the provider's parser decoded user %q, want the parsed %q", got, "alice")
	}

	// The caller keeps the provider's parser, so Load releases the syntax
	// trees held there too.
	if _, native := first.Parser.Files()[path].Body.(*hclsyntax.Body); native {
		t.Errorf("the provider's parser still holds the syntax tree of %s after Load", path)
	}

	// A parser whose files Load already released is parsed anew.
	again, diags := Load(dir, LoadOptions{Parser: reused.Parser})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := again.Users[0].Name; got != "bob" {
		t.Errorf("Load with a released parser decoded user %q, want %q from disk", got, "bob")
	}
}
