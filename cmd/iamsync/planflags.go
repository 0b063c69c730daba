package main

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/iamsync/iamsync/planner"
)

// planFlags are the flags that shape a plan, shared by plan and apply.
type planFlags struct {
	targets    []string
	maxDeletes int
}

func (f *planFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.targets, "target", nil, "limit the plan to this address and what it needs, such as role.app (repeatable); the plan is then partial")
	fs.IntVar(&f.maxDeletes, "max-deletes", -1, "fail when the plan deletes or replaces more than this many entities (default: no limit)")
}

// options returns the planner's options for a plan made now.
func (f *planFlags) options() planner.Options {
	return planner.Options{Now: time.Now().UTC(), Targets: f.targets}
}

// checkMaxDeletes fails a plan that deletes more than --max-deletes allows.
func (f *planFlags) checkMaxDeletes(plan *planner.Plan) error {
	if f.maxDeletes < 0 {
		return nil
	}
	return planner.CheckMaxDeletes(plan, f.maxDeletes)
}
