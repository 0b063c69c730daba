package main

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/bench"
)

// runAsCLIEnv makes the test binary run as the iamsync command line, so
// that iamsync bench, which starts iamsync as child processes through
// os.Executable, can be tested without building the binary first.
const runAsCLIEnv = "IAMSYNC_TEST_RUN_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(runAsCLIEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// The whole benchmark at its smallest size, with a short latency, to keep
// the command working; the figures themselves are not checked.
func TestBenchSmallest(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several sandbox processes")
	}
	t.Setenv(runAsCLIEnv, "1")
	h := &harness{t: t}
	r := h.mustRun(exitOK, "bench", "--sizes", "100", "--apply-parallelism", "16", "--latency", "1ms", "--json")

	var report bench.Report
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("bench --json printed no report: %v\n%s", err, r.stdout)
	}
	var layouts []bench.Layout
	for _, plan := range report.Plans {
		layouts = append(layouts, plan.Layout)
		if plan.Entities != 100 || plan.Changes != 0 {
			t.Errorf("plan of %d entities, layout %s, with %d changes, want 100 entities and none", plan.Entities, plan.Layout, plan.Changes)
		}
		if plan.TotalCalls == 0 || plan.TotalCalls > plan.CallBudget {
			t.Errorf("plan, layout %s, made %d calls, want between 1 and the budget of %d: %v", plan.Layout, plan.TotalCalls, plan.CallBudget, plan.Calls)
		}
		if plan.User+plan.System <= 0 || plan.MaxRSSKiB <= 0 {
			t.Errorf("plan process, layout %s, measured with %v user, %v system and %d KiB, want all above zero", plan.Layout, plan.User, plan.System, plan.MaxRSSKiB)
		}
	}
	if diff := cmp.Diff(bench.DefaultLayouts, layouts); diff != "" {
		t.Fatalf("layouts of the plans differ (-want +got):\n%s", diff)
	}
	if plan := report.Plans[0]; plan.Baseline == nil || plan.Baseline.TotalCalls <= plan.TotalCalls {
		t.Errorf("baseline %+v, want one with more calls than the bulk read's %d", plan.Baseline, plan.TotalCalls)
	}
	if report.Apply == nil || len(report.Apply.Runs) != 1 || report.Apply.Runs[0].Calls != bench.ApplyCalls {
		t.Errorf("apply %+v, want one run of %d calls", report.Apply, bench.ApplyCalls)
	}
}

// TestBenchRefusesBadFlags checks the flags that would make the benchmark
// divide by zero or measure nothing, before it starts a sandbox.
func TestBenchRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--apply-parallelism", "0"},
		{"--apply-parallelism", "4,-2"},
		{"--baseline-parallelism", "0"},
		{"--baseline-parallelism", "-5"},
		{"--latency", "-1s"},
		{"--latency", "0s"},
		{"--sizes", "10"},
		{"--sizes", "100001"},
	} {
		r := runOffline(t, append([]string{"bench", "--sizes", "100"}, args...)...)
		if r.code != exitError || !strings.HasPrefix(r.stderr, "Error: ") || strings.Contains(r.stderr, "bench: plan of") {
			t.Errorf("bench %s: exit code %d, stderr %q; want an input error", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}

// A plan reads an account of N entities in at most ceil(N/1000)+5 calls,
// counted by the provider of the plan command's own session. The account
// is the largest that iamsync bench plans, which takes a few seconds.
func TestPlanCallBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("plans a large account")
	}
	const entities = 10000
	state, config := writeBenchAccount(t, entities)
	h := newHarness(t, state)

	r := h.mustRun(exitOK, "bench", "plan-once", config)
	var once bench.PlanOnceResult
	if err := json.Unmarshal([]byte(r.stdout), &once); err != nil {
		t.Fatalf("plan-once printed no result: %v\n%s", err, r.stdout)
	}
	total := 0
	for _, n := range once.Calls {
		total += n
	}
	if budget := (entities+999)/1000 + 5; total > budget {
		t.Errorf("plan of %d entities made %d calls, want at most %d: %v", entities, total, budget, once.Calls)
	}
	if pages := (entities + 999) / 1000; once.Calls["GetAccountAuthorizationDetails"] != pages {
		t.Errorf("plan made %d GetAccountAuthorizationDetails calls, want %d pages", once.Calls["GetAccountAuthorizationDetails"], pages)
	}
	if once.Changes != 0 {
		t.Errorf("plan of the generated account has %d changes, want none", once.Changes)
	}
}

// TestPlanOnceWritesProfiles plans a small generated account with both
// profiles of plan-once. The memory profile records every allocation, which
// slows a large plan many times over.
func TestPlanOnceWritesProfiles(t *testing.T) {
	state, config := writeBenchAccount(t, 100)
	h := newHarness(t, state)
	dir := t.TempDir()

	h.mustRun(exitOK, "bench", "plan-once", "--cpu-profile", filepath.Join(dir, "cpu"),
		"--mem-profile", filepath.Join(dir, "mem"), config)

	for _, name := range []string{"cpu", "mem"} {
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Size() == 0 {
			t.Errorf("plan-once wrote no %s profile: %v", name, err)
		}
	}
}

// writeBenchAccount writes a generated account of that many entities as a
// sandbox state file and the configuration, a block per entity, that
// declares it, and returns their paths.
func writeBenchAccount(t *testing.T, entities int) (state, config string) {
	t.Helper()
	shape, err := bench.ShapeFor(entities)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	state = filepath.Join(dir, "state.json")
	if err := bench.WriteState(state, shape); err != nil {
		t.Fatal(err)
	}
	config = filepath.Join(dir, "config")
	if err := os.Mkdir(config, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := bench.WriteConfig(config, shape); err != nil {
		t.Fatal(err)
	}
	return state, config
}
