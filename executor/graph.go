package executor

import (
	"container/heap"
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/iamsync/iamsync/provider"
)

// Step is one IAM API call of an apply, as the graph orders it. The one
// exception is the step that reads a deleted user's credentials: it calls
// ReadUserCredentials and adds one step per credential it finds.
type Step struct {
	// ID is unique in the graph: the change address and the action, then
	// the object of the call in brackets where one change makes the same
	// call more than once, such as user.bob/DeleteAccessKey[AKIA...].
	ID string
	// Address is the address of the planned change the step belongs to.
	Address string
	// Action is the IAM API action the step calls, such as "CreateUser".
	Action string
	// Target names the entities the call is about, such as the group and
	// the user of AddUserToGroup.
	Target []string
	// Deps are the IDs of the steps that must succeed before this one
	// starts, in graph order.
	Deps []string
	// Discovers marks the step that reads a user's credentials. The steps
	// that delete them are known only once it has run.
	Discovers bool
}

// String returns the step as the address, the action and the target, such
// as "user.alice: CreateUser alice".
func (s Step) String() string {
	text := s.Address + ": " + s.Action
	if len(s.Target) > 0 {
		text += " " + strings.Join(s.Target, " ")
	}
	return text
}

// Graph is the set of steps that carries out a plan, with the order IAM
// requires between them. A Graph is not changed by Run and may be run more
// than once.
type Graph struct {
	// nodes are in the order Run starts them when Parallelism is 1.
	nodes []*node

	// passwordPolicy is the policy that generated passwords must satisfy
	// when the plan sets or deletes the account's password policy.
	// ownPasswordPolicy reports whether the plan does.
	passwordPolicy    *provider.PasswordPolicy
	ownPasswordPolicy bool
}

// Steps returns the steps in the order that Run starts them when
// Parallelism is 1: every step comes after the steps it depends on, and ties
// keep the order of the plan's changes.
func (g *Graph) Steps() []Step {
	steps := make([]Step, len(g.nodes))
	for i, n := range g.nodes {
		steps[i] = n.public()
	}
	return steps
}

// runFunc makes a step's call. A step that discovers further steps returns
// them; Run places them between the step and the steps that depend on it.
type runFunc func(ctx context.Context, e *env) ([]*node, error)

// node is a step with what Run needs to carry it out.
type node struct {
	step Step
	// index is the node's position in graph order; Run starts the node
	// with the lowest index among those ready.
	index int

	deps       []*node
	dependents []*node
	depSet     map[*node]bool

	run runFunc

	// needs and provides are the facts that order steps of different
	// changes; see link.
	needs    []fact
	provides []fact

	// awaitsCreate is set when the step uses an entity that an earlier step
	// of the same apply creates. IAM may not show the new entity to every
	// endpoint yet, so the step retries NoSuchEntity and "Invalid
	// principal" for a while.
	awaitsCreate bool
	// awaitsRemoval is set when the step deletes an entity whose uses
	// earlier steps of the same apply removed. IAM may still count them for
	// a moment, so the step retries DeleteConflict for a while.
	awaitsRemoval bool
	// goneIsDone makes NoSuchEntity a success, for deletes of credentials
	// that were found at apply time and may already be gone.
	goneIsDone bool
	// secret is the destination of the secret the step creates: a file
	// name, "-" for standard output, or empty for none.
	secret string
}

// public returns the exported form of the node's step.
func (n *node) public() Step {
	s := n.step
	s.Target = append([]string(nil), n.step.Target...)
	deps := append([]*node(nil), n.deps...)
	sort.Slice(deps, func(i, j int) bool { return deps[i].index < deps[j].index })
	s.Deps = make([]string, len(deps))
	for i, d := range deps {
		s.Deps[i] = d.step.ID
	}
	return s
}

// after makes n depend on dep. Edges from a node to itself are ignored,
// because a fact a step both needs and provides, such as the name of a user
// renamed only in case, orders nothing.
func (n *node) after(dep *node) {
	if dep == n || n.depSet[dep] {
		return
	}
	if n.depSet == nil {
		n.depSet = make(map[*node]bool)
	}
	n.depSet[dep] = true
	n.deps = append(n.deps, dep)
	dep.dependents = append(dep.dependents, n)
}

// sequence makes every node of later depend on every node of earlier.
func sequence(earlier, later []*node) {
	for _, l := range later {
		for _, e := range earlier {
			l.after(e)
		}
	}
}

// nodeQueue is a min-heap of nodes by index.
type nodeQueue []*node

func (q nodeQueue) Len() int           { return len(q) }
func (q nodeQueue) Less(i, j int) bool { return q[i].index < q[j].index }
func (q nodeQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)        { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

// sortNodes orders nodes so that each comes after its dependencies, taking
// the lowest index among the ready ones, which is the order in which Run
// starts them one at a time. It returns an error naming a cycle when there
// is one.
func sortNodes(nodes []*node) ([]*node, error) {
	pending := make(map[*node]int, len(nodes))
	ready := &nodeQueue{}
	for _, n := range nodes {
		pending[n] = len(n.deps)
		if len(n.deps) == 0 {
			heap.Push(ready, n)
		}
	}

	sorted := make([]*node, 0, len(nodes))
	for ready.Len() > 0 {
		n := heap.Pop(ready).(*node)
		sorted = append(sorted, n)
		for _, d := range n.dependents {
			pending[d]--
			if pending[d] == 0 {
				heap.Push(ready, d)
			}
		}
	}
	if len(sorted) < len(nodes) {
		return nil, cycleError(nodes, pending)
	}
	return sorted, nil
}

// cycleError describes one cycle among the nodes that sortNodes could not
// order, those with pending dependencies left.
func cycleError(nodes []*node, pending map[*node]int) error {
	// Walk back along unsorted dependencies until a node repeats: every
	// unsorted node has at least one unsorted dependency, so the walk ends
	// on a cycle.
	var start *node
	for _, n := range nodes {
		if pending[n] > 0 {
			start = n
			break
		}
	}
	seen := map[*node]int{}
	var path []*node
	for n := start; ; {
		if at, ok := seen[n]; ok {
			path = path[at:]
			break
		}
		seen[n] = len(path)
		path = append(path, n)
		for _, d := range n.deps {
			if pending[d] > 0 {
				n = d
				break
			}
		}
	}

	// The walk followed dependencies, so print it the other way round.
	ids := make([]string, 0, len(path)+1)
	for i := len(path) - 1; i >= 0; i-- {
		ids = append(ids, path[i].step.ID)
	}
	ids = append(ids, path[len(path)-1].step.ID)
	return fmt.Errorf("the plan's steps depend on each other in a cycle (%s), which IAM cannot carry out in one apply: "+
		"apply part of the configuration first, for example one of two swapped names or mutual trusts, then the rest",
		strings.Join(ids, " -> "))
}
