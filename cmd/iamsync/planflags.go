package main

import (
	"errors"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/iamsync/iamsync/planner"
)

// planFlags are the flags that shape a plan, shared by plan and apply.
type planFlags struct {
	targets    []string
	maxDeletes deleteLimit
}

func (f *planFlags) addFlags(fs *pflag.FlagSet) {
	f.maxDeletes = -1
	fs.StringArrayVar(&f.targets, "target", nil, "limit the plan to this address and what it needs, such as role.app (repeatable); the plan is then partial")
	fs.Var(&f.maxDeletes, "max-deletes", "fail when the plan deletes or replaces more than this many entities (default: no limit)")
}

// deleteLimit is the value of --max-deletes, negative for no limit. It
// prints as nothing when there is no limit, so that help shows the usage
// text's "no limit" and not a second default of -1.
type deleteLimit int

func (d *deleteLimit) String() string {
	if *d < 0 {
		return ""
	}
	return strconv.Itoa(int(*d))
}

func (d *deleteLimit) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not a whole number")
	}
	if n < 0 {
		return errors.New("a limit is 0 or more; leave the flag out for no limit")
	}
	*d = deleteLimit(n)
	return nil
}

func (d *deleteLimit) Type() string { return "int" }

// options returns the planner's options for a plan made now.
func (f *planFlags) options() planner.Options {
	return planner.Options{Now: time.Now().UTC(), Targets: f.targets}
}

// checkMaxDeletes fails a plan that deletes more than --max-deletes allows.
func (f *planFlags) checkMaxDeletes(plan *planner.Plan) error {
	if f.maxDeletes < 0 {
		return nil
	}
	return planner.CheckMaxDeletes(plan, int(f.maxDeletes))
}
