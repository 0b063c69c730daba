package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/bench"
	"github.com/iamsync/iamsync/planner"
)

// benchCommand measures plan and apply on synthetic accounts.
type benchCommand struct {
	std              *streams
	sizes            []int
	layouts          []string
	baselineParallel int
	noBaseline       bool
	applyParallelism []int
	noApply          bool
	latency          time.Duration
	dir              string
	json             bool
}

func newBenchCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &benchCommand{std: std}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure plan and apply on generated accounts",
		Long: `Bench generates synthetic accounts of the given sizes, each as an IAM sandbox
state file and as the configurations that match it, one block per entity and
for_each over JSON data files, and measures a plan of each: API calls by action, wall time, CPU time and peak memory of the iamsync
process, with the sandbox served by its own "iamsync sandbox serve" process
on loopback. Next to each plan it reads the same account one entity at a
time, as Terraform's refresh does, and compares the two. Last, it applies a
small account to an empty sandbox that adds latency to every call, at several
parallelisms, and reports how busy the apply kept its calls.

Nothing reaches AWS. The default run takes about a minute; see
docs/benchmarks.md for recorded results.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd) },
	}
	cmd.Flags().IntSliceVar(&c.sizes, "sizes", bench.DefaultSizes, "account sizes to plan, in entities (users, groups, roles and policies), each at least 20")
	cmd.Flags().StringSliceVar(&c.layouts, "layouts", layoutNames(bench.DefaultLayouts), `configurations to plan each size with: "blocks" (a block per entity) and "data" (for_each over JSON data files)`)
	cmd.Flags().IntVar(&c.baselineParallel, "baseline-parallelism", bench.DefaultBaselineParallelism, "entities the per-entity baseline reads at once (Terraform's default -parallelism is 10)")
	cmd.Flags().BoolVar(&c.noBaseline, "no-baseline", false, "leave out the per-entity baseline")
	cmd.Flags().IntSliceVar(&c.applyParallelism, "apply-parallelism", bench.DefaultApplyParallelism, "parallelisms to run the apply benchmark at")
	cmd.Flags().BoolVar(&c.noApply, "no-apply", false, "leave out the apply benchmark")
	cmd.Flags().DurationVar(&c.latency, "latency", bench.DefaultLatency, "latency the sandbox adds to every call of the apply benchmark")
	cmd.Flags().StringVar(&c.dir, "dir", "", "write the generated accounts to this directory and keep them (default: a temporary directory, removed at the end)")
	cmd.Flags().BoolVar(&c.json, "json", false, "print the report as JSON")
	cmd.AddCommand(newBenchPlanOnceCommand(std, global))
	return cmd
}

// Run runs the benchmark and prints its report.
func (c *benchCommand) Run(cmd *cobra.Command) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the iamsync executable: %w", err)
	}
	opts := bench.Options{
		Executable:          exe,
		Command:             "iamsync " + strings.Join(os.Args[1:], " "),
		Sizes:               c.sizes,
		Layouts:             layouts(c.layouts),
		BaselineParallelism: c.baselineParallel,
		ApplyParallelism:    c.applyParallelism,
		Latency:             c.latency,
		Dir:                 c.dir,
		Hook:                benchProgress{w: c.std.errOut},
	}
	if c.baselineParallel < 1 && !c.noBaseline {
		return fmt.Errorf("invalid --baseline-parallelism %d: give at least 1, or --no-baseline to leave the baseline out", c.baselineParallel)
	}
	for _, n := range c.applyParallelism {
		if n < 1 && !c.noApply {
			return fmt.Errorf("invalid --apply-parallelism %d: each parallelism must be at least 1; --no-apply leaves the apply benchmark out", n)
		}
	}
	if c.latency <= 0 && !c.noApply {
		return fmt.Errorf("invalid --latency %s: give a duration above 0, such as 20ms", c.latency)
	}
	if c.noBaseline {
		opts.BaselineParallelism = -1
	}
	if c.noApply {
		opts.ApplyParallelism = nil
	}

	report, err := bench.Run(cmd.Context(), opts)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if c.json {
		data, err := report.MarshalIndent()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(c.std.out, string(data))
		return err
	}
	return bench.WriteText(c.std.out, report)
}

func layoutNames(layouts []bench.Layout) []string {
	names := make([]string, len(layouts))
	for i, l := range layouts {
		names[i] = string(l)
	}
	return names
}

func layouts(names []string) []bench.Layout {
	out := make([]bench.Layout, len(names))
	for i, name := range names {
		out[i] = bench.Layout(name)
	}
	return out
}

// benchProgress prints each step of the benchmark on standard error.
type benchProgress struct{ w io.Writer }

func (p benchProgress) Step(description string) { fmt.Fprintf(p.w, "bench: %s\n", description) }

// benchPlanOnceCommand plans as the plan command does and prints what the
// benchmark cannot measure from outside the process: the API calls by
// action and the number of changes.
type benchPlanOnceCommand struct {
	std        *streams
	global     *globalOptions
	conn       connectionOptions
	config     configOptions
	cpuProfile string
	memProfile string
}

func newBenchPlanOnceCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &benchPlanOnceCommand{std: std, global: global}
	cmd := &cobra.Command{
		Use:    "plan-once [DIR]",
		Short:  "Plan once and print the API calls as JSON (used by iamsync bench)",
		Hidden: true,
		Args:   cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.Run(cmd, configDir(args))
		},
	}
	c.conn.addFlags(cmd.Flags())
	c.config.addFlags(cmd.Flags())
	cmd.Flags().StringVar(&c.cpuProfile, "cpu-profile", "", "write a CPU profile of the plan to this file, for go tool pprof")
	cmd.Flags().StringVar(&c.memProfile, "mem-profile", "", "write a profile of the memory the plan allocated to this file, for go tool pprof")
	return cmd
}

// Run plans the configuration in dir, renders the plan as plan does but
// discards the text, and prints a bench.PlanOnceResult.
func (c *benchPlanOnceCommand) Run(cmd *cobra.Command, dir string) error {
	if c.cpuProfile != "" {
		stop, err := startCPUProfile(c.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if c.memProfile != "" {
		// Record every allocation, not a sample of one per 512 KiB, and
		// restore the rate afterwards for the rest of the process.
		rate := runtime.MemProfileRate
		runtime.MemProfileRate = 1
		defer func() {
			writeMemProfile(c.memProfile)
			runtime.MemProfileRate = rate
		}()
	}
	s, err := openSession(cmd.Context(), dir, &c.conn, &c.config, planner.Options{Now: time.Now().UTC()})
	if err != nil {
		return err
	}
	defer s.Close()
	if s.plan == nil {
		writeDiagnostics(c.std.errOut, s.diags, s.files(), false)
		return errReported
	}
	fmt.Fprintln(io.Discard, describeAccount(s.state))
	if err := planner.RenderText(io.Discard, s.plan, planner.RenderOptions{}); err != nil {
		return err
	}
	return json.NewEncoder(c.std.out).Encode(bench.PlanOnceResult{
		Calls:   s.conn.provider.Calls(),
		Changes: len(s.plan.Changes),
	})
}

// writeMemProfile writes the allocations made so far to path. Errors are
// ignored, because the profile only serves the one who asked for it.
func writeMemProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	pprof.Lookup("allocs").WriteTo(f, 0)
}

// startCPUProfile starts writing a CPU profile to path and returns the
// function that stops it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
