package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/sergi/go-diff/diffmatchpatch"
	"github.com/spf13/cobra"
)

// fmtCommand rewrites configuration files in canonical style.
type fmtCommand struct {
	std       *streams
	global    *globalOptions
	check     bool
	diff      bool
	recursive bool
}

func newFmtCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &fmtCommand{std: std, global: global}
	cmd := &cobra.Command{
		Use:   "fmt [DIR|FILE ...]",
		Short: "Rewrite configuration files in canonical style",
		Long: `Fmt rewrites the .hcl files in the given directories (the current directory by
default) or the given .hcl files in the canonical HCL style, and lists the files
it changed. It leaves .hcl.json files alone, and refuses one named as an argument. Files that do not parse are reported with their errors and left as
they are.

With --check nothing is written: fmt lists the files that are not formatted
and exits with 3 when there is one, for CI.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			return c.Run(args)
		},
	}
	cmd.Flags().BoolVar(&c.check, "check", false, "write nothing; exit with 3 when a file is not formatted")
	cmd.Flags().BoolVar(&c.diff, "diff", false, "print the changes fmt makes or would make")
	cmd.Flags().BoolVar(&c.recursive, "recursive", false, "also format files in subdirectories")
	return cmd
}

// Run formats the files that paths name.
func (c *fmtCommand) Run(paths []string) error {
	files, err := c.collect(paths)
	if err != nil {
		return err
	}

	var diags hcl.Diagnostics
	parsed := map[string]*hcl.File{}
	unformatted := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}

		// A file that does not parse would be mangled by the formatter.
		file, syntaxDiags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		parsed[name] = file
		if syntaxDiags.HasErrors() {
			diags = append(diags, syntaxDiags...)
			continue
		}

		formatted := hclwrite.Format(src)
		if bytes.Equal(src, formatted) {
			continue
		}
		unformatted++
		fmt.Fprintln(c.std.out, name)
		if c.diff {
			c.printDiff(name, src, formatted)
		}
		if !c.check {
			if err := writeFileKeepMode(name, formatted); err != nil {
				return err
			}
		}
	}

	if err := writeDiagnostics(c.std.errOut, diags, parsed, useColor(c.std.errOut, c.global)); err != nil {
		return err
	}
	if diags.HasErrors() {
		return errReported
	}
	if c.check && unformatted > 0 {
		return &exitCodeError{code: exitUnformatted, silent: true}
	}
	return nil
}

// collect lists the .hcl files that paths name, sorted.
func (c *fmtCommand) collect(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("format %s: %w", p, err)
		}
		if !info.IsDir() {
			if !strings.HasSuffix(p, ".hcl") {
				return nil, fmt.Errorf("format %s: fmt formats native HCL files, whose names end in .hcl; "+
					"a .hcl.json file is JSON, which fmt leaves as it is", p)
			}
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && (!c.recursive || strings.HasPrefix(d.Name(), ".")) {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(d.Name(), ".hcl") && !strings.HasPrefix(d.Name(), ".") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("format %s: %w", p, err)
		}
	}
	sort.Strings(files)
	return files, nil
}

// printDiff prints a line diff between a file and its formatted form.
func (c *fmtCommand) printDiff(name string, before, after []byte) {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(string(before), string(after))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	fmt.Fprintf(c.std.out, "--- %s\n+++ %s (formatted)\n", name, name)
	for _, d := range diffs {
		prefix := "  "
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			prefix = "+ "
		case diffmatchpatch.DiffDelete:
			prefix = "- "
		default:
			continue
		}
		for _, line := range strings.SplitAfter(strings.TrimSuffix(d.Text, "\n"), "\n") {
			fmt.Fprintf(c.std.out, "%s%s\n", prefix, strings.TrimSuffix(line, "\n"))
		}
	}
}

// writeFileKeepMode replaces a file's contents atomically, keeping its mode.
func writeFileKeepMode(name string, data []byte) error {
	info, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".iamsync-fmt-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
