package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/spf13/pflag"

	"github.com/iamsync/iamsync/spec"
)

// configOptions choose the configuration directory and its variables.
type configOptions struct {
	vars         []string
	varFiles     []string
	filesOutside bool

	// parsed holds the files that reading the provider block parsed, for
	// load to reuse.
	parsed *hclparse.Parser

	// used are the options of the last load, which a saved plan records.
	used spec.LoadOptions
}

func (o *configOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.vars, "var", nil, "set a variable: NAME=VALUE (repeatable)")
	fs.StringArrayVar(&o.varFiles, "var-file", nil, "read variables from an HCL or JSON file (repeatable)")
	fs.BoolVar(&o.filesOutside, "allow-files-outside", false, "let file functions read outside the configuration directory")
}

// configDir returns the configuration directory named by args, the current
// directory by default.
func configDir(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}

// load decodes the configuration in dir for the given account.
func (o *configOptions) load(dir, accountID, partition string) (*spec.Config, hcl.Diagnostics) {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Configuration directory not found",
			Detail:   fmt.Sprintf("The directory %q does not exist or is not a directory. Give the directory that holds the .hcl files, or run iamsync from it.", dir),
		}}
	}

	variables, diags := o.variables()
	if diags.HasErrors() {
		return nil, diags
	}
	opts := o.loadOptions(variables)
	opts.AccountID, opts.Partition = accountID, partition
	opts.Parser = o.parsed
	o.used = opts
	return spec.Load(dir, opts)
}

// variables parses the -var options.
func (o *configOptions) variables() (map[string]string, hcl.Diagnostics) {
	variables := map[string]string{}
	var diags hcl.Diagnostics
	for _, v := range o.vars {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid -var option",
				Detail:   fmt.Sprintf("The option -var %q is not of the form NAME=VALUE.", v),
			})
			continue
		}
		variables[name] = value
	}
	return variables, diags
}

// loadOptions returns the options of spec.Load, without an account.
func (o *configOptions) loadOptions(variables map[string]string) spec.LoadOptions {
	return spec.LoadOptions{
		Variables:         variables,
		VarFiles:          o.varFiles,
		Environ:           os.Environ(),
		AllowFilesOutside: o.filesOutside,
	}
}
