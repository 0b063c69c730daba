package bench

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// BenchmarkPlanPipeline runs what iamsync plan runs, configuration load,
// bulk read and planning, in the benchmark's process against an in-process
// sandbox, so that a CPU profile shows the three together. The sandbox's
// own work is in the profile too; iamsync bench measures the two apart.
func BenchmarkPlanPipeline(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, layout := range DefaultLayouts {
			b.Run(fmt.Sprintf("entities=%d/layout=%s", n, layout), func(b *testing.B) {
				shape, err := ShapeFor(n)
				if err != nil {
					b.Fatal(err)
				}
				dir := filepath.Join(b.TempDir(), layout.dirName())
				statePath := filepath.Join(b.TempDir(), "state.json")
				if err := layout.write(dir, shape); err != nil {
					b.Fatal(err)
				}
				if err := WriteState(statePath, shape); err != nil {
					b.Fatal(err)
				}
				p, _ := inProcessSandbox(b, statePath)

				b.ReportAllocs()
				for b.Loop() {
					cfg, diags := spec.Load(dir, spec.LoadOptions{AccountID: AccountID})
					if diags.HasErrors() {
						b.Fatal(diags)
					}
					live, err := p.ReadState(b.Context(), provider.ReadOptions{})
					if err != nil {
						b.Fatal(err)
					}
					plan, diags := planner.Make(cfg, live, planner.Options{Now: time.Now()})
					if len(diags) > 0 || plan.HasChanges() {
						b.Fatalf("plan has %d changes and %d diagnostics, want none", len(plan.Changes), len(diags))
					}
				}
			})
		}
	}
}

// BenchmarkLoad loads the configurations of iamsync bench, in both
// layouts, and reports the allocations, which decide the time the garbage
// collector takes.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, layout := range DefaultLayouts {
			b.Run(fmt.Sprintf("entities=%d/layout=%s", n, layout), func(b *testing.B) {
				shape, err := ShapeFor(n)
				if err != nil {
					b.Fatal(err)
				}
				dir := filepath.Join(b.TempDir(), layout.dirName())
				if err := layout.write(dir, shape); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					cfg, diags := spec.Load(dir, spec.LoadOptions{AccountID: AccountID})
					if diags.HasErrors() {
						b.Fatal(diags)
					}
					if got := len(cfg.Users) + len(cfg.Groups) + len(cfg.Roles) + len(cfg.Policies); got != n {
						b.Fatalf("loaded %d entities, want %d", got, n)
					}
				}
			})
		}
	}
}
