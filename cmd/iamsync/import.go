package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/importer"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// importCommand writes the IAM of an account as a configuration.
type importCommand struct {
	std                 *streams
	global              *globalOptions
	conn                connectionOptions
	fromFile            string
	layout              string
	documents           string
	paths               []string
	exclude             []string
	skipAccountSettings bool
	overwrite           bool
}

func newImportCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &importCommand{std: std, global: global}
	cmd := &cobra.Command{
		Use:   "import [DIR]",
		Short: "Write the IAM of an existing account as a configuration",
		Long: `Import reads the live account through the IAM API, or a dump of it, and writes
its users, groups, roles, instance profiles, customer-managed policies, account
alias and password policy as .hcl files into DIR (the current directory by
default). Planning the result against the same account reports no changes.

Roles reserved by AWS and the definitions of AWS-managed policies are left out.
--path and --exclude narrow the import; the files then carry a scope block so
that plans leave the rest of the account alone. Secrets are never written:
access keys are declared by id and status, console passwords as enabled.

Import refuses to replace files that exist unless --overwrite is given. It
also refuses, with or without --overwrite, when DIR contains other .hcl or
.hcl.json files that declare blocks of the kinds it writes, such as the files
of an import with another --layout: plans load every file of DIR, so these
would declare entities twice. See docs/import.md.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.Run(cmd, configDir(args))
		},
	}
	c.conn.addFlags(cmd.Flags())
	cmd.Flags().StringVar(&c.fromFile, "from-file", "", "read the `DUMP` file that \"aws iam get-account-authorization-details\" writes, instead of an account")
	cmd.Flags().StringVar(&c.layout, "layout", "kind", "split the files by entity kind (kind: users.hcl, roles.hcl, ...) or by IAM path (path: main.hcl, people.hcl, ...)")
	cmd.Flags().StringVar(&c.documents, "documents", "jsonencode", "write policy documents as jsonencode({...}) or as policy_document blocks (policy_document)")
	cmd.Flags().StringArrayVar(&c.paths, "path", nil, "import only entities whose path starts with this prefix, such as /people/ (repeatable)")
	cmd.Flags().StringArrayVar(&c.exclude, "exclude", nil, "leave out entities whose name matches this glob pattern, ignoring case (repeatable)")
	cmd.Flags().BoolVar(&c.skipAccountSettings, "skip-account-settings", false, "leave out the account alias and password policy, and keep plans from managing them")
	cmd.Flags().BoolVar(&c.overwrite, "overwrite", false, "replace files of DIR that have the names import writes")
	cmd.MarkFlagsMutuallyExclusive("from-file", "sandbox")
	cmd.MarkFlagsMutuallyExclusive("from-file", "endpoint-url")
	cmd.MarkFlagsMutuallyExclusive("from-file", "profile")
	return cmd
}

// Run imports the account into dir.
func (c *importCommand) Run(cmd *cobra.Command, dir string) error {
	opts, err := c.options()
	if err != nil {
		return err
	}

	// Read the account, or the dump through an in-process sandbox.
	var state *provider.State
	if c.fromFile != "" {
		state, opts, err = importer.ReadDump(cmd.Context(), c.fromFile, opts)
	} else {
		state, err = c.readAccount(cmd, opts)
	}
	var notDump *sandbox.NotStateFileError
	if c.fromFile != "" && errors.As(err, &notDump) {
		return &hintError{err: err, hint: "write a dump with: aws iam get-account-authorization-details --output json > dump.json"}
	}
	if err != nil {
		return err
	}

	files, err := importer.Generate(state, opts)
	if err != nil {
		return err
	}
	if err := c.write(dir, files); err != nil {
		return err
	}

	fmt.Fprintf(c.std.out, "Imported account %s into %s:\n", state.AccountID, dir)
	for _, name := range files.Names() {
		fmt.Fprintf(c.std.out, "  %s\n", name)
	}
	plan := suggestCommand(cmd.Flags(), "plan", dir)
	if c.fromFile == "" {
		fmt.Fprintf(c.std.out, "\nPlan it against the account, which should report no changes: %s\n", plan)
		return nil
	}
	fmt.Fprintf(c.std.out, "\nWhen you can reach the account that the dump came from, plan it against that account: %s\n", plan)
	if importsRoles(state, opts) && lacksRoleSettings(c.fromFile) {
		fmt.Fprint(c.std.out, dumpRolesNote)
	}
	return nil
}

// dumpRolesNote follows the closing hint of an import from a dump with
// roles. It repeats what docs/import.md explains under "Importing a dump".
const dumpRolesNote = `A dump that "aws iam get-account-authorization-details" writes lacks role
descriptions and maximum session durations, so that plan shows a change for
each role whose description is not empty or whose maximum session duration is
not one hour. Add description and max_session_duration to those roles before
you apply.
`

// lacksRoleSettings reports whether a role of the dump at path has no
// Description or no MaxSessionDuration. Every dump that the AWS CLI writes
// lacks both, and a dump that a tool completed from ListRoles has both.
func lacksRoleSettings(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return true
	}
	var dump struct{ RoleDetailList []map[string]json.RawMessage }
	if json.Unmarshal(data, &dump) != nil {
		return true
	}
	for _, role := range dump.RoleDetailList {
		_, description := role["Description"]
		_, duration := role["MaxSessionDuration"]
		if !description || !duration {
			return true
		}
	}
	return false
}

// importsRoles reports whether the import declares a role: one that AWS
// does not reserve, inside the scope of opts.
func importsRoles(state *provider.State, opts importer.Options) bool {
	scope, err := opts.Scope()
	if err != nil {
		panic(fmt.Sprintf("import options that Generate accepted have no scope: %v", err))
	}
	for _, r := range state.Roles {
		if !r.Reserved() && scope.Contains(r.Path, r.Name) {
			return true
		}
	}
	return false
}

// write writes the files into dir, with a hint on what to do when files
// of the directory stand in the way.
func (c *importCommand) write(dir string, files importer.Files) error {
	err := importer.WriteDir(dir, files, c.overwrite)
	var existing *importer.ExistingFilesError
	var others *importer.OtherFilesError
	switch {
	case errors.As(err, &existing):
		return fmt.Errorf("%w: import into an empty directory, or give --overwrite to replace them", err)
	case errors.As(err, &others):
		return &hintError{err: err, hint: "plans would load them beside the imported files, so move or delete them " +
			"(an import with another --layout may have written them) or import into an empty directory; " +
			"--overwrite replaces only the files that import writes"}
	}
	return err
}

func (c *importCommand) readAccount(cmd *cobra.Command, opts importer.Options) (*provider.State, error) {
	conn, err := c.conn.connect(cmd.Context())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return importer.Read(cmd.Context(), conn.provider, opts)
}

// options turns the flags into importer options.
func (c *importCommand) options() (importer.Options, error) {
	opts := importer.Options{Paths: c.paths, Exclude: c.exclude, SkipAccountSettings: c.skipAccountSettings}
	switch c.layout {
	case "kind":
		opts.Layout = importer.LayoutByKind
	case "path":
		opts.Layout = importer.LayoutByPath
	default:
		return opts, fmt.Errorf("invalid --layout %q: use kind or path", c.layout)
	}
	switch c.documents {
	case "jsonencode":
		opts.Documents = importer.DocumentsJSONEncode
	case "policy_document":
		opts.Documents = importer.DocumentsPolicyDocument
	default:
		return opts, fmt.Errorf("invalid --documents %q: use jsonencode or policy_document", c.documents)
	}
	if _, err := opts.Scope(); err != nil {
		return opts, err
	}
	return opts, nil
}
