package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad loads arbitrary bytes as a configuration file. Load must report
// problems as diagnostics and never panic. The seeds are the files of the
// valid example and of the invalid corpus.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/valid/*.hcl")
	invalid, _ := filepath.Glob("testdata/invalid/*.hcl")
	for _, path := range append(seeds, invalid...) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(`user "a" { for_each = toset(["x"]) name = each.key }`))
	f.Add([]byte("policy \"p\" {\n  document = \"{\\\"Statement\\\": [\"\n}\n"))

	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.hcl"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := Load(dir, LoadOptions{})
		if cfg == nil || cfg.Parser == nil {
			t.Fatal("Load returned no Config")
		}
		if !diags.HasErrors() {
			CheckQuotas(cfg, DefaultQuotas())
		}
	})
}
