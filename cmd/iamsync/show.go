package main

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/planfile"
	"github.com/iamsync/iamsync/planner"
)

// showCommand prints a saved plan.
type showCommand struct {
	std      *streams
	global   *globalOptions
	json     bool
	markdown bool
	maxChars int
	// maxCharsSet is set when --max-chars was given.
	maxCharsSet bool
}

func newShowCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &showCommand{std: std, global: global}
	cmd := &cobra.Command{
		Use:   "show PLANFILE",
		Short: "Print a plan saved by plan --out",
		Long: `Show prints a plan that plan --out saved, without contacting AWS: as text, as
JSON (--json, the format of plan --json), or as Markdown for a pull-request
comment (--markdown), which stays under GitHub's comment size and says what it
left out.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c.maxCharsSet = cmd.Flags().Changed("max-chars")
			return c.Run(args[0])
		},
	}
	cmd.Flags().BoolVar(&c.json, "json", false, "print the plan as JSON (see docs/plan-json.md)")
	cmd.Flags().BoolVar(&c.markdown, "markdown", false, "print the plan as Markdown for a pull-request comment")
	cmd.Flags().IntVar(&c.maxChars, "max-chars", planner.DefaultMarkdownMaxChars, "size the Markdown aims at, in bytes: changes beyond it are summarised, while the heading, the summary table and the warnings always appear")
	cmd.MarkFlagsMutuallyExclusive("json", "markdown")
	return cmd
}

// Run prints the plan saved in path.
func (c *showCommand) Run(path string) error {
	f, err := planfile.Read(path)
	if err != nil {
		return err
	}
	if c.maxCharsSet && !c.markdown {
		return errors.New("--max-chars applies only to --markdown")
	}
	switch {
	case c.json:
		return planner.RenderJSON(c.std.out, f.Plan)
	case c.markdown:
		if c.maxChars < planner.MinMarkdownMaxChars {
			return fmt.Errorf("invalid --max-chars %d: it must be at least %d", c.maxChars, planner.MinMarkdownMaxChars)
		}
		return planner.RenderMarkdown(c.std.out, f.Plan, planner.MarkdownOptions{MaxChars: c.maxChars})
	}
	// The warnings go to standard error, as plan prints them.
	var warnings hcl.Diagnostics
	for _, w := range f.Plan.Warnings {
		warnings = append(warnings, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: w.Summary, Detail: w.Detail, Subject: w.Range})
	}
	if err := writeDiagnostics(c.std.errOut, warnings, nil, useColor(c.std.errOut, c.global)); err != nil {
		return err
	}
	fmt.Fprintf(c.std.out, "Plan for account %s, made %s as %s\n\n", f.AccountID, f.CreatedAt.UTC().Format("2006-01-02 15:04:05 MST"), f.CallerARN)
	return planner.RenderText(c.std.out, f.Plan, planner.RenderOptions{Color: useColor(c.std.out, c.global)})
}
