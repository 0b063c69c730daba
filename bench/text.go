package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText writes the report as tables for people.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "%s on %s, %d cores, %.1f GiB, %s %s/%s, load average %s at start\n",
		r.Date.Format(time.RFC3339), m.CPUModel, m.Cores, float64(m.MemoryMiB)/1024, m.GoVersion, m.OS, m.Arch, m.LoadAverage)
	fmt.Fprintf(&b, "command: %s\n", r.Command)

	if len(r.Plans) > 0 {
		writePlans(&b, r.Plans)
		writeBaselines(&b, r.Plans)
	}
	if r.Apply != nil {
		writeApply(&b, r.Apply)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writePlans(b *strings.Builder, plans []PlanResult) {
	b.WriteString("\nPlan, by the iamsync process (the sandbox serves from its own process):\n\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "entities\tlayout\tcalls\tbudget\tchanges\twall\tcpu\tmax rss\tsandbox cpu\tload cpu\tread cpu\tplan cpu\t")
	for _, p := range plans {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			p.Entities, p.Layout, p.TotalCalls, p.CallBudget, p.Changes, seconds(p.Wall), seconds(p.CPU()),
			mebibytes(p.MaxRSSKiB), seconds(p.SandboxCPU),
			seconds(phaseCPU(p.Phases, "load")), seconds(phaseCPU(p.Phases, "read")), seconds(phaseCPU(p.Phases, "plan")))
	}
	tw.Flush()
	b.WriteString("\nLayout blocks declares every entity in a block of its own; layout data declares each type in one\n" +
		"block with for_each over a JSON data file. The load, read and plan columns come from one more plan\n" +
		"in the bench process.\n")

	for _, p := range plans {
		fmt.Fprintf(b, "Calls at %d entities, layout %s: %s\n", p.Entities, p.Layout, formatCalls(p.Calls))
	}
}

func writeBaselines(b *strings.Builder, plans []PlanResult) {
	var rows []PlanResult
	for _, p := range plans {
		if p.Baseline != nil {
			rows = append(rows, p)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\nPer-entity read (the baseline, %d entities at a time) next to the bulk read:\n\n", rows[0].Baseline.Parallelism)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "entities\tbulk calls\tper-entity calls\tratio\tbulk read wall\tper-entity wall\tratio\tper-entity sandbox cpu\t")
	for _, p := range rows {
		read := phaseWall(p.Phases, "read")
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n",
			p.Entities, p.TotalCalls, p.Baseline.TotalCalls, ratio(float64(p.Baseline.TotalCalls), float64(p.TotalCalls)),
			seconds(read), seconds(p.Baseline.Wall), ratio(float64(p.Baseline.Wall), float64(read)), seconds(p.Baseline.SandboxCPU))
	}
	tw.Flush()
	last := rows[len(rows)-1]
	fmt.Fprintf(b, "\nPer-entity calls at %d entities: %s\n", last.Entities, formatCalls(last.Baseline.Calls))
}

func writeApply(b *strings.Builder, a *ApplyResult) {
	fmt.Fprintf(b, "\nApply of %d steps (%s) to an empty account, %s added to every call, longest dependency chain %d steps:\n\n",
		a.Steps, a.Shape, a.Latency, a.Depth)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "parallelism\tcalls\twall\tideal\tbusy\t")
	for _, run := range a.Runs {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%.0f%%\t\n", run.Parallelism, run.Calls, seconds(run.Wall), seconds(run.Ideal), run.Busy*100)
	}
	tw.Flush()
	b.WriteString("\nideal = max(calls x latency / parallelism, chain x latency); busy = ideal / wall.\n")
}

func phaseCPU(phases []Phase, name string) time.Duration {
	for _, p := range phases {
		if p.Name == name {
			return p.CPU
		}
	}
	return 0
}

func phaseWall(phases []Phase, name string) time.Duration {
	for _, p := range phases {
		if p.Name == name {
			return p.Wall
		}
	}
	return 0
}

// formatCalls lists calls by action, sorted by action.
func formatCalls(calls map[string]int) string {
	actions := make([]string, 0, len(calls))
	for action := range calls {
		actions = append(actions, action)
	}
	sort.Strings(actions)
	parts := make([]string, len(actions))
	for i, action := range actions {
		parts[i] = fmt.Sprintf("%s %d", action, calls[action])
	}
	return strings.Join(parts, ", ")
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

func mebibytes(kib int64) string { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fx", a/b)
}
