package executor

import (
	"fmt"
	"slices"

	"github.com/iamsync/iamsync/planner"
)

// CompileOption changes the graph that Compile builds.
type CompileOption func(*compileOptions)

type compileOptions struct {
	// last holds the addresses of the changes whose steps run last.
	last []string
}

// Last makes the steps of the changes at the given addresses run after
// every other step of the plan, together with the steps that depend on
// them, directly or not. Apply uses it for changes that may take IAM rights
// away from the identity that runs it, so that every other call is made
// while the rights are still there. An address that names no change of the
// plan makes Compile fail.
//
// NOTE: the order among the late steps is IAM's order alone. When the
// first of them takes the rights away, the others fail, and planning again
// as an identity that still has rights finishes the work.
func Last(addresses ...string) CompileOption {
	return func(o *compileOptions) { o.last = append(o.last, addresses...) }
}

// checkLastAddresses returns an error for each address of Last that names
// no change of the plan.
func checkLastAddresses(plan *planner.Plan, addresses []string) []error {
	known := make(map[string]bool, len(plan.Changes))
	for _, c := range plan.Changes {
		known[c.Address] = true
	}
	var errs []error
	for _, a := range addresses {
		if !known[a] {
			errs = append(errs, fmt.Errorf("%s: the change to run last is not in the plan", a))
		}
	}
	return errs
}

// orderLast makes the steps of the changes at addresses, and every step
// that depends on them, come after all other steps. The new edges run only
// from steps outside that closure to steps inside it, so they close no
// cycle. A cycle would need a path back out of the closure, but every step
// that depends on a step of the closure is in the closure itself.
func orderLast(nodes []*node, addresses []string) {
	if len(addresses) == 0 {
		return
	}
	named := make(map[string]bool, len(addresses))
	for _, a := range addresses {
		named[a] = true
	}

	// The late steps are those of the named changes and their dependents.
	late := make(map[*node]bool)
	var stack []*node
	for _, n := range nodes {
		if named[n.step.Address] {
			stack = append(stack, n)
		}
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if late[n] {
			continue
		}
		late[n] = true
		stack = append(stack, n.dependents...)
	}

	// Each late step that depends on no other late step waits for the
	// early steps that no other early step depends on. Every early step
	// comes before one of those, so the late steps wait for all of them.
	isLate := func(n *node) bool { return late[n] }
	var lastEarly, firstLate []*node
	for _, n := range nodes {
		switch {
		case !late[n] && !slices.ContainsFunc(n.dependents, func(d *node) bool { return !late[d] }):
			lastEarly = append(lastEarly, n)
		case late[n] && !slices.ContainsFunc(n.deps, isLate):
			firstLate = append(firstLate, n)
		}
	}
	sequence(lastEarly, firstLate)
}
