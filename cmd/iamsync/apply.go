package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/planner"
)

// applyCommand makes the account match the configuration.
type applyCommand struct {
	std         *streams
	global      *globalOptions
	conn        connectionOptions
	config      configOptions
	autoApprove bool
	parallelism int
}

func newApplyCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &applyCommand{std: std, global: global}
	c.conn.reach.std = std
	cmd := &cobra.Command{
		Use:   "apply [DIR]",
		Short: "Make the account match the configuration",
		Long: `Apply plans like plan does, shows the plan, asks for confirmation and then
makes the IAM API calls, in an order that respects IAM's dependency rules and
with independent calls in parallel. It ends by reading the account again and
saying whether it now matches the configuration.

On an API error apply starts no new call, waits for those running, prints
what was done and what was not, and exits with 1; running apply again
finishes the job. Without a terminal, apply needs --auto-approve.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.Run(cmd.Context(), configDir(args))
		},
	}
	c.conn.addFlags(cmd.Flags())
	c.config.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&c.autoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().IntVar(&c.parallelism, "parallelism", 4, "how many API calls may run at once")
	return cmd
}

// Run applies the configuration in dir.
func (c *applyCommand) Run(ctx context.Context, dir string) error {
	if c.parallelism < 1 {
		return fmt.Errorf("invalid --parallelism %d: it must be at least 1", c.parallelism)
	}
	s, err := openSession(ctx, dir, &c.conn, &c.config, time.Now().UTC())
	if err != nil {
		return err
	}
	defer s.Close()

	// Show the plan, as plan would.
	color := useColor(c.std.out, c.global)
	if err := writeDiagnostics(c.std.errOut, s.diags, s.files(), useColor(c.std.errOut, c.global)); err != nil {
		return err
	}
	if s.plan == nil {
		return errReported
	}
	fmt.Fprintln(c.std.out, describeAccount(s.state))
	fmt.Fprintln(c.std.out)
	if err := planner.RenderText(c.std.out, s.plan, planner.RenderOptions{Color: color}); err != nil {
		return err
	}
	if !s.plan.HasChanges() {
		return nil
	}

	// Ask before changing anything.
	if !c.autoApprove {
		approved, err := c.confirm(s.plan)
		if err != nil {
			return err
		}
		if !approved {
			fmt.Fprintln(c.std.out, "Apply cancelled: nothing was changed.")
			return &exitCodeError{code: exitError, silent: true}
		}
	}

	// Carry the plan out.
	graph, err := executor.Compile(s.plan)
	if err != nil {
		return fmt.Errorf("build the apply graph: %w", err)
	}
	fmt.Fprintln(c.std.out)
	// An interrupt is acknowledged at once, because the calls in flight
	// may take a while to finish.
	noticed := make(chan struct{})
	stopNotice := context.AfterFunc(ctx, func() {
		defer close(noticed)
		fmt.Fprintln(c.std.errOut, "\nInterrupted: starting no new call and waiting for the calls in flight. "+
			"Interrupt again to quit at once, without a report of what was done.")
	})
	result := executor.Run(ctx, graph, s.conn.provider, executor.Options{
		Parallelism:    c.parallelism,
		Hook:           newProgressHook(c.std.out),
		Stdout:         c.std.out,
		Dir:            dir,
		PasswordPolicy: s.state.PasswordPolicy,
		Logger:         slog.Default(),
	})
	if !stopNotice() {
		<-noticed
	}
	if result.Err != nil {
		writeApplyFailure(c.std.errOut, result)
		return &exitCodeError{code: exitError, silent: true}
	}

	// Check the result by planning again.
	return c.verify(ctx, s, dir)
}

// confirm asks the user to approve the plan on the terminal.
func (c *applyCommand) confirm(plan *planner.Plan) (bool, error) {
	if !isTerminal(c.std.in) {
		return false, errors.New("apply needs confirmation, but standard input is not a terminal: run it in a terminal or pass --auto-approve")
	}
	fmt.Fprintln(c.std.out)
	if n := destructiveCount(plan); n > 0 {
		fmt.Fprintf(c.std.out, "This plan deletes or replaces %d object(s).\n", n)
	}
	fmt.Fprint(c.std.out, "Apply these changes? Only 'yes' is accepted: ")
	line, err := bufio.NewReader(c.std.in).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	return strings.TrimSpace(line) == "yes", nil
}

// destructiveCount counts the deletes and replaces of a plan.
func destructiveCount(plan *planner.Plan) int {
	n := 0
	for _, ch := range plan.Changes {
		if ch.Action == planner.Delete || ch.Action == planner.Replace {
			n++
		}
	}
	return n
}

// verify reads the account again after an apply and reports whether it
// matches the configuration.
func (c *applyCommand) verify(ctx context.Context, s *session, dir string) error {
	state, err := s.conn.provider.ReadState(ctx, readOptionsFor(s.cfg))
	if err != nil {
		return fmt.Errorf("read the account after apply: %w", err)
	}
	s.cfg.InspectSecretFiles(dir)
	plan, diags := planner.Make(s.cfg, state, planner.Options{Now: time.Now().UTC()})
	if diags.HasErrors() {
		writeDiagnostics(c.std.errOut, diags, s.files(), useColor(c.std.errOut, c.global))
		return errReported
	}
	if !plan.HasChanges() {
		fmt.Fprintln(c.std.out, "\nApply complete. The account matches the configuration.")
		return nil
	}
	fmt.Fprintln(c.std.out, "\nApply finished, but the account still differs from the configuration:")
	if err := planner.RenderText(c.std.out, plan, planner.RenderOptions{Color: useColor(c.std.out, c.global)}); err != nil {
		return err
	}
	return &exitCodeError{code: exitError, silent: true}
}
