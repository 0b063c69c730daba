package bench

import (
	"encoding/json"
	"time"
)

// ReportVersion is the version of the JSON form of Report. It changes when
// a field changes meaning or is removed.
const ReportVersion = 2

// Report contains the measurements of one run. Durations are time.Duration
// values, which the JSON form writes as nanoseconds.
type Report struct {
	Version int       `json:"version"`
	Date    time.Time `json:"date"`
	// Command is the command line that made the report.
	Command string  `json:"command"`
	Machine Machine `json:"machine"`

	Plans []PlanResult `json:"plans"`
	// Apply is nil when the run left the apply benchmark out.
	Apply *ApplyResult `json:"apply,omitempty"`
}

// Machine describes the machine that the report was measured on.
type Machine struct {
	CPUModel  string `json:"cpu_model"`
	Cores     int    `json:"cores"`
	MemoryMiB int64  `json:"memory_mib"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	// LoadAverage is the one-minute load average when the run started.
	// Other work on the machine slows every figure down.
	LoadAverage string `json:"load_average"`
}

// PlanResult is the measurement of one plan of a synthetic account.
type PlanResult struct {
	Entities int   `json:"entities"`
	Shape    Shape `json:"shape"`
	// Layout is the form in which the configuration declares the account.
	Layout Layout `json:"layout"`

	// Calls counts the API calls of the plan by action, as the AWS
	// provider counted them. CallBudget is the maximum total allowed,
	// ceil(Entities/1000)+5.
	Calls      map[string]int `json:"calls"`
	TotalCalls int            `json:"total_calls"`
	CallBudget int            `json:"call_budget"`
	// Changes is the number of changes the plan found, 0 when the
	// configuration matches the account as generated.
	Changes int `json:"changes"`

	// Wall, User and System are the elapsed time and the CPU times of the
	// iamsync process that planned, from its start to its exit. MaxRSSKiB
	// is its peak resident memory.
	Wall      time.Duration `json:"wall"`
	User      time.Duration `json:"user"`
	System    time.Duration `json:"system"`
	MaxRSSKiB int64         `json:"max_rss_kib"`
	// SandboxCPU is the CPU time the sandbox process spent serving the plan.
	SandboxCPU time.Duration `json:"sandbox_cpu"`

	// Phases splits one more plan, made in the bench process, into
	// loading the configuration, reading the account and planning.
	Phases []Phase `json:"phases"`

	// Baseline is the per-entity read of the same account, nil when the run
	// left it out. It does not depend on the configuration, so only the
	// first layout of each size has it.
	Baseline *BaselineResult `json:"baseline,omitempty"`
}

// CPU returns the user and system CPU time of the plan process.
func (r PlanResult) CPU() time.Duration { return r.User + r.System }

// Phase is the wall and CPU time of one step of a plan.
type Phase struct {
	Name string        `json:"name"`
	Wall time.Duration `json:"wall"`
	CPU  time.Duration `json:"cpu"`
}

// BaselineResult is the measurement of a per-entity read, made in the
// bench process.
type BaselineResult struct {
	Parallelism int            `json:"parallelism"`
	Calls       map[string]int `json:"calls"`
	TotalCalls  int            `json:"total_calls"`
	Wall        time.Duration  `json:"wall"`
	// CPU is the bench process's CPU time during the read.
	CPU        time.Duration `json:"cpu"`
	SandboxCPU time.Duration `json:"sandbox_cpu"`
}

// ApplyResult is the measurement of applying ApplyShape to an empty account
// with added latency, at several parallelisms.
type ApplyResult struct {
	Shape   Shape         `json:"shape"`
	Latency time.Duration `json:"latency"`
	// Steps is the number of steps of the apply graph, one API call each,
	// and Depth the number of steps on its longest dependency chain.
	Steps int        `json:"steps"`
	Depth int        `json:"depth"`
	Runs  []ApplyRun `json:"runs"`
}

// ApplyRun is one apply at one parallelism.
type ApplyRun struct {
	Parallelism int `json:"parallelism"`
	// Calls is the number of API calls the apply made.
	Calls int           `json:"calls"`
	Wall  time.Duration `json:"wall"`
	// Ideal is the shortest possible wall time: Calls x latency /
	// parallelism, or Depth x latency when the dependency chain is longer.
	Ideal time.Duration `json:"ideal"`
	// Busy is Ideal / Wall, which is 1 when every call slot was busy all the
	// time.
	Busy float64 `json:"busy"`
}

// PlanOnceResult is the output of the "bench plan-once" command, as JSON:
// the calls and changes of one plan, which only the planning process can
// count.
type PlanOnceResult struct {
	Calls   map[string]int `json:"calls"`
	Changes int            `json:"changes"`
}

// MarshalIndent returns the report as indented JSON.
func (r *Report) MarshalIndent() ([]byte, error) {
	return json.MarshalIndent(r, "", "  ")
}
