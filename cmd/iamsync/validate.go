package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/spec"
)

// validateCommand checks a configuration without reaching any account.
type validateCommand struct {
	std    *streams
	global *globalOptions
	config configOptions
	json   bool
	sarif  bool
}

func newValidateCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &validateCommand{std: std, global: global}
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check a configuration offline",
		Long: `Validate decodes the configuration in DIR (the current directory by default)
and checks it without contacting AWS: HCL syntax, IAM names and paths, policy
documents and their grammar, references, and quotas at IAM's default values.
Every problem is printed with its file, line and column. The exit code is 1
when there are errors.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(configDir(args)) },
	}
	c.config.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&c.json, "json", false, "print the diagnostics as JSON")
	cmd.Flags().BoolVar(&c.sarif, "sarif", false, "print the diagnostics as SARIF 2.1.0, for code scanning, with file paths relative to the working directory")
	cmd.MarkFlagsMutuallyExclusive("json", "sarif")
	return cmd
}

// firstConfigFile returns the first .hcl or .hcl.json file of dir by name,
// or dir itself when it has none.
func firstConfigFile(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return dir
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && !strings.HasPrefix(name, ".") && (strings.HasSuffix(name, ".hcl") || strings.HasSuffix(name, ".hcl.json")) {
			return filepath.Join(dir, name)
		}
	}
	return dir
}

// Run validates the configuration in dir.
func (c *validateCommand) Run(dir string) error {
	cfg, diags := c.config.load(dir, "", "")
	if cfg != nil && !diags.HasErrors() {
		diags = append(diags, spec.CheckQuotas(cfg, spec.DefaultQuotas())...)
	}

	var files map[string]*hcl.File
	if cfg != nil && cfg.Parser != nil {
		files = cfg.Parser.Files()
	}
	switch {
	case c.json:
		if err := writeJSONDiagnostics(c.std.out, diags); err != nil {
			return err
		}
	case c.sarif:
		workDir, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("find the working directory, which SARIF paths are relative to: %w", err)
		}
		if err := writeSARIF(c.std.out, diags, workDir, firstConfigFile(dir)); err != nil {
			return err
		}
	default:
		if err := writeDiagnostics(c.std.errOut, diags, files, useColor(c.std.errOut, c.global)); err != nil {
			return err
		}
		if !diags.HasErrors() {
			fmt.Fprintln(c.std.out, "The configuration is valid.")
		}
	}
	if diags.HasErrors() {
		return errReported
	}
	return nil
}
