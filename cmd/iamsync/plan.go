package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/planfile"
	"github.com/iamsync/iamsync/planner"
)

// planCommand shows what apply would change.
type planCommand struct {
	std              *streams
	global           *globalOptions
	conn             connectionOptions
	config           configOptions
	plan             planFlags
	json             bool
	detailedExitCode bool
	out              string
	maxRPS           float64
}

func newPlanCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &planCommand{std: std, global: global}
	c.conn.reach.std = std
	c.conn.notices = std.errOut
	cmd := &cobra.Command{
		Use:   "plan [DIR]",
		Short: "Show the changes that would make the account match the configuration",
		Long: `Plan reads the live account through the IAM API, compares it with the
configuration in DIR (the current directory by default) and prints the changes
apply would make. It changes nothing.

With --out, the plan is saved to a file that apply can carry out exactly, as
long as the account has not changed since; show prints a saved plan.

Exit codes: 0 when the plan succeeds, 1 on an error (including a plan over
--max-deletes or one that prevent_destroy stops). With --detailed-exitcode:
0 when there are no changes, 2 when there are changes, 1 on an error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.Run(cmd, configDir(args))
		},
	}
	c.conn.addFlags(cmd.Flags())
	c.config.addFlags(cmd.Flags())
	c.plan.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&c.json, "json", false, "print the plan as JSON (see docs/plan-json.md)")
	cmd.Flags().StringVar(&c.out, "out", "", "save the plan to this file, for apply FILE")
	cmd.Flags().BoolVar(&c.detailedExitCode, "detailed-exitcode", false, "exit with 2 when the plan has changes and 0 when it has none")
	cmd.Flags().Float64Var(&c.maxRPS, "max-rps", 0, "send at most this many API calls per second, retries included (default: no limit)")
	return cmd
}

// Run plans the configuration in dir against the account.
func (c *planCommand) Run(cmd *cobra.Command, dir string) error {
	if err := c.conn.setMaxRPS(c.maxRPS); err != nil {
		return err
	}
	if c.out != "" {
		if err := planfile.CheckPath(c.out); err != nil {
			return err
		}
	}
	s, err := openSession(cmd.Context(), dir, &c.conn, &c.config, c.plan.options())
	if err != nil {
		return err
	}
	defer s.Close()

	color := useColor(c.std.out, c.global)
	if err := writeDiagnostics(c.std.errOut, s.diags, s.files(), useColor(c.std.errOut, c.global)); err != nil {
		return err
	}
	if s.plan == nil {
		return errReported
	}

	if c.json {
		fmt.Fprintln(c.std.errOut, describeAccount(s.state))
		if err := planner.RenderJSON(c.std.out, s.plan); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(c.std.out, describeAccount(s.state))
		fmt.Fprintln(c.std.out)
		if err := planner.RenderText(c.std.out, s.plan, planner.RenderOptions{Color: color}); err != nil {
			return err
		}
	}

	// Refuse a plan over the delete limit, and save the others when asked.
	if err := c.plan.checkMaxDeletes(s.plan); err != nil {
		return err
	}
	if c.out != "" {
		err := planfile.Write(c.out, planfile.Input{
			Plan: s.plan, Options: s.planOptions, State: s.state, ReadOptions: s.readOptions,
			Config: s.cfg, Dir: dir, LoadOptions: c.config.used,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.std.errOut, "Saved the plan to %s. Apply it with: %s\n", c.out, suggestCommand(cmd.Flags(), "apply", c.out))
	}

	if c.detailedExitCode && s.plan.HasChanges() {
		return &exitCodeError{code: exitChanges, silent: true}
	}
	return nil
}
