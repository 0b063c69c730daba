package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/planfile"
	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// applyCommand makes the account match the configuration.
type applyCommand struct {
	std              *streams
	global           *globalOptions
	conn             connectionOptions
	config           configOptions
	plan             planFlags
	autoApprove      bool
	parallelism      int
	maxRPS           float64
	allowSelfLockout bool
}

func newApplyCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &applyCommand{std: std, global: global}
	c.conn.reach.std = std
	c.conn.notices = std.errOut
	cmd := &cobra.Command{
		Use:   "apply [DIR|PLANFILE]",
		Short: "Make the account match the configuration",
		Long: `Apply plans like plan does, shows the plan, asks for confirmation and then
makes the IAM API calls, in an order that respects IAM's dependency rules and
with independent calls in parallel. It ends by reading the account again and
saying whether it now matches the configuration.

On an API error apply starts no new call, waits for those running, prints
what was done and what was not, and exits with 1; running apply again
finishes the job. Without a terminal, apply needs --auto-approve.

Given a file saved by plan --out, apply carries out exactly that plan without
asking: it refuses when the account has changed since the plan was made, when
the plan is for another account, or when the file is from an unknown version.

Apply refuses a plan that may take IAM rights away from the identity it runs
as (deleting its user, role or keys, or the policies that give it IAM rights),
or, for a saved plan, from the identity that made the plan, unless given
--allow-self-lockout. It also refuses a plan that deletes or replaces more
than --max-deletes entities.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.Run(cmd.Context(), configDir(args))
		},
	}
	c.conn.addFlags(cmd.Flags())
	c.config.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&c.autoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().IntVar(&c.parallelism, "parallelism", 4, "maximum number of API calls in flight at once, lowered for a while when IAM throttles")
	cmd.Flags().Float64Var(&c.maxRPS, "max-rps", 0, "send at most this many API calls per second, the reads before and after the changes and retries included (default: no limit)")
	cmd.Flags().BoolVar(&c.allowSelfLockout, "allow-self-lockout", false, "apply even when the plan may take IAM rights away from the identity iamsync runs as")
	c.plan.addFlags(cmd.Flags())
	return cmd
}

// Run applies the configuration in arg, or the plan saved in it when arg
// is a file.
func (c *applyCommand) Run(ctx context.Context, arg string) error {
	if c.parallelism < 1 {
		return fmt.Errorf("invalid --parallelism %d: it must be at least 1", c.parallelism)
	}
	if err := c.conn.setMaxRPS(c.maxRPS); err != nil {
		return err
	}
	if info, err := os.Stat(arg); err == nil && info.Mode().IsRegular() {
		if err := c.checkSavedPlanFlags(); err != nil {
			return err
		}
		return c.runSaved(ctx, arg)
	} else if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist: give a configuration directory, or a plan file saved by plan --out", arg)
	}
	return c.runDir(ctx, arg)
}

// runDir plans the configuration in dir, prompts for approval unless
// --auto-approve is set, and applies the plan.
func (c *applyCommand) runDir(ctx context.Context, dir string) error {
	s, err := openSession(ctx, dir, &c.conn, &c.config, c.plan.options())
	if err != nil {
		return err
	}
	defer s.Close()

	// Show the plan, as plan would.
	diags := s.diags
	if c.allowSelfLockout {
		diags = planner.LockoutAllowed(diags)
	}
	if err := writeDiagnostics(c.std.errOut, diags, s.files(), useColor(c.std.errOut, c.global)); err != nil {
		return err
	}
	if s.plan == nil {
		return errReported
	}
	if err := c.show(s.state, s.plan); err != nil || !s.plan.HasChanges() {
		return err
	}
	if err := c.check(s.plan, s.state, ""); err != nil {
		return err
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

	if err := c.execute(ctx, s.conn, s.plan, s.state, dir, ""); err != nil {
		return err
	}
	return c.verify(ctx, s.conn, s.cfg, s.readOptions, s.planOptions.Targets)
}

// checkSavedPlanFlags rejects the flags that shape a plan, which a saved
// plan has already fixed: applying the file would silently ignore them.
func (c *applyCommand) checkSavedPlanFlags() error {
	var given []string
	if len(c.plan.targets) > 0 {
		given = append(given, "--target")
	}
	if len(c.config.vars) > 0 {
		given = append(given, "--var")
	}
	if len(c.config.varFiles) > 0 {
		given = append(given, "--var-file")
	}
	if c.config.filesOutside {
		given = append(given, "--allow-files-outside")
	}
	if len(given) == 0 {
		return nil
	}
	return fmt.Errorf("%s cannot be used with a saved plan, which already fixes the targets and the "+
		"configuration's inputs: give them to plan --out instead", strings.Join(given, ", "))
}

// runSaved applies a plan saved by plan --out. Saving the plan was the
// approval, so runSaved does not prompt. It rejects the plan when the plan
// no longer fits the account.
func (c *applyCommand) runSaved(ctx context.Context, path string) error {
	f, err := planfile.Read(path)
	if err != nil {
		return err
	}

	// The saved configuration's provider block sets how to reach the
	// account, as it did for plan.
	saved, diags, err := f.Config.Load()
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		writeDiagnostics(c.std.errOut, diags, saved.Parser.Files(), useColor(c.std.errOut, c.global))
		return errReported
	}
	if saved.Provider != nil {
		c.conn.applyProvider(saved.Provider)
	}
	for _, entry := range os.Environ() {
		key, _, _ := strings.Cut(entry, "=")
		name, ok := strings.CutPrefix(key, spec.EnvironmentPrefix)
		if ok && slices.Contains(saved.Variables, name) && !slices.Contains(f.Config.Environ, entry) {
			fmt.Fprintf(c.std.errOut, "Warning: %s is ignored: a saved plan keeps the variable values it was made with.\n\n", key)
		}
	}
	conn, err := c.conn.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	// The plan must be for this account, and the account unchanged.
	identity, err := conn.provider.CallerIdentity(ctx)
	if err != nil {
		return fmt.Errorf("read caller identity: %w", err)
	}
	if err := c.conn.reach.checkAccount(identity); err != nil {
		return err
	}
	if err := f.CheckAccount(identity.Account); err != nil {
		return err
	}
	readOpts := f.ReadOptions
	readOpts.Caller = &identity
	live, err := conn.readState(ctx, readOpts, "")
	if err != nil {
		return fmt.Errorf("read account %s: %w", identity.Account, err)
	}
	prep, diags, err := f.Prepare(live)
	var files map[string]*hcl.File
	if prep != nil && prep.Config != nil && prep.Config.Parser != nil {
		files = prep.Config.Parser.Files()
	}
	printed := diags
	if c.allowSelfLockout {
		printed = planner.LockoutAllowed(diags)
	}
	if werr := writeDiagnostics(c.std.errOut, printed, files, useColor(c.std.errOut, c.global)); werr != nil {
		return werr
	}
	if diags.HasErrors() {
		// err repeats the printed diagnostics, so it is not printed.
		return errReported
	}
	if err != nil {
		return err
	}

	// Show what is applied, then apply it.
	if err := c.show(live, prep.Plan); err != nil || !prep.Plan.HasChanges() {
		return err
	}
	if err := c.check(prep.Plan, live, f.CallerARN); err != nil {
		return err
	}
	if err := c.execute(ctx, conn, prep.Plan, live, prep.Config.Dir, f.CallerARN); err != nil {
		return err
	}
	return c.verify(ctx, conn, prep.Config, f.ReadOptions, f.Targets)
}

// show prints the account line and the plan.
func (c *applyCommand) show(state *provider.State, plan *planner.Plan) error {
	fmt.Fprintln(c.std.out, describeAccount(state))
	fmt.Fprintln(c.std.out)
	return planner.RenderText(c.std.out, plan, planner.RenderOptions{Color: useColor(c.std.out, c.global)})
}

// check rejects a plan over the delete limit. It also rejects a plan that
// may lock iamsync's own identity out, unless --allow-self-lockout is given.
// A saved plan names in plannedBy the identity that made it, which is
// checked too: in CI that is the plan job's role, which a change could
// lock out of every later plan while the apply role stays unharmed.
func (c *applyCommand) check(plan *planner.Plan, state *provider.State, plannedBy string) error {
	if err := c.plan.checkMaxDeletes(plan); err != nil {
		return err
	}
	if c.allowSelfLockout {
		return nil
	}
	own, ofPlanner := lockoutRisks(plan, state, plannedBy)
	if len(own) == 0 && len(ofPlanner) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("apply refused: ")
	advice := "Run it as another identity, or pass --allow-self-lockout if that is what you mean."
	if len(own) > 0 {
		fmt.Fprintf(&b, "the plan may take IAM rights away from the identity iamsync runs as (%s):", state.Caller.ARN)
		writeRisks(&b, own, "")
	}
	if len(ofPlanner) > 0 {
		lead := "the plan may take"
		if len(own) > 0 {
			lead = "\nIt may also take"
		}
		fmt.Fprintf(&b, "%s IAM rights away from the identity that made it (%s), so that later plans fail:", lead, plannedBy)
		writeRisks(&b, ofPlanner, "iamsync planned as")
		advice = "Check these changes, and pass --allow-self-lockout if they are what you mean."
	}
	return fmt.Errorf("%s\n%s", b.String(), advice)
}

// lockoutRisks returns the changes of plan that may lock out the identity
// of state, and those that may lock out plannedBy, the identity that made
// a saved plan, when that is another identity.
func lockoutRisks(plan *planner.Plan, state *provider.State, plannedBy string) (own, ofPlanner []planner.LockoutRisk) {
	own = planner.SelfLockoutRisks(plan, state)
	if plannedBy != "" && plannedBy != state.Caller.ARN {
		asPlanner := *state
		asPlanner.Caller = provider.Identity{Account: state.Caller.Account, ARN: plannedBy}
		ofPlanner = planner.SelfLockoutRisks(plan, &asPlanner)
	}
	return own, ofPlanner
}

// writeRisks lists lockout risks, one change a line. The reasons speak of
// "the identity iamsync runs as"; a non-empty identity replaces "iamsync
// runs as" when the risks are those of another identity.
func writeRisks(b *strings.Builder, risks []planner.LockoutRisk, identity string) {
	for _, r := range risks {
		reason := r.Reason
		if identity != "" {
			reason = strings.ReplaceAll(reason, "iamsync runs as", identity)
		}
		fmt.Fprintf(b, "\n  %s %s", r.Change.Address, reason)
	}
}

// execute carries a plan out and reports a failure with what was done and
// what was not.
func (c *applyCommand) execute(ctx context.Context, conn *connection, plan *planner.Plan, state *provider.State, dir, plannedBy string) error {
	// Changes that may take rights away from iamsync's own identity, or
	// from the identity that made a saved plan, go last, so that every
	// other call is made while the rights are there.
	var last []string
	if c.allowSelfLockout {
		own, ofPlanner := lockoutRisks(plan, state, plannedBy)
		for _, r := range append(own, ofPlanner...) {
			if !slices.Contains(last, r.Change.Address) {
				last = append(last, r.Change.Address)
			}
		}
	}
	graph, err := executor.Compile(plan, executor.Last(last...))
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
	result := executor.Run(ctx, graph, conn.provider, executor.Options{
		Parallelism:    c.parallelism,
		MaxRPS:         c.maxRPS,
		Hook:           newProgressHook(c.std.out),
		Stdout:         c.std.out,
		Dir:            dir,
		PasswordPolicy: state.PasswordPolicy,
		Logger:         slog.Default(),
	})
	if !stopNotice() {
		<-noticed
	}
	if result.Err != nil {
		writeApplyFailure(c.std.errOut, result)
		return &exitCodeError{code: exitError, silent: true}
	}
	return nil
}

// confirm prompts the user on the terminal to approve the plan, and reports
// whether the user typed yes.
func (c *applyCommand) confirm(plan *planner.Plan) (bool, error) {
	if !isTerminal(c.std.in) {
		return false, errors.New("apply needs confirmation, but standard input is not a terminal: run it in a terminal or pass --auto-approve")
	}
	fmt.Fprintln(c.std.out)
	if n := destructiveCount(plan); n > 0 {
		fmt.Fprintf(c.std.out, "This plan deletes or replaces %s.\n", plural(n, "object"))
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
// matches the configuration, within the targets when the plan had some.
func (c *applyCommand) verify(ctx context.Context, conn *connection, cfg *spec.Config, readOpts provider.ReadOptions, targets []string) error {
	state, err := conn.readState(ctx, readOpts, "again to check the apply")
	if err != nil {
		return fmt.Errorf("every call of the apply succeeded, but reading the account again to check it failed; "+
			"run plan to see whether the account matches the configuration: %w", err)
	}
	cfg.InspectSecretFiles(cfg.Dir)
	plan, diags := planner.Make(cfg, state, planner.Options{Now: time.Now().UTC(), Targets: targets})
	if diags.HasErrors() {
		var files map[string]*hcl.File
		if cfg.Parser != nil {
			files = cfg.Parser.Files()
		}
		writeDiagnostics(c.std.errOut, diags, files, useColor(c.std.errOut, c.global))
		return errReported
	}
	if !plan.HasChanges() {
		if len(targets) > 0 {
			fmt.Fprintln(c.std.out, "\nApply complete. The targeted objects match the configuration; "+
				"a plan without targets shows whether anything else differs.")
			return nil
		}
		fmt.Fprintln(c.std.out, "\nApply complete. The account matches the configuration.")
		return nil
	}
	fmt.Fprintln(c.std.out, "\nApply finished, but the account still differs from the configuration:")
	if err := planner.RenderText(c.std.out, plan, planner.RenderOptions{Color: useColor(c.std.out, c.global)}); err != nil {
		return err
	}
	return &exitCodeError{code: exitError, silent: true}
}
