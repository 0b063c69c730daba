package executor

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// compiler turns one change type's actions into steps. A replace is the
// steps of remove followed by those of create. An update of a type that IAM
// cannot update in place has no update function.
type compiler struct {
	create func(b *builder, c *planner.Change) []*node
	update func(b *builder, c *planner.Change) []*node
	remove func(b *builder, c *planner.Change) []*node
}

// compilers holds the compiler of every change type. The functions live in
// the compile_*.go files, one per group of types.
var compilers = map[planner.Type]compiler{
	planner.TypeUser:            {create: (*builder).createUser, update: (*builder).updateUser, remove: (*builder).deleteUser},
	planner.TypeGroup:           {create: (*builder).createGroup, update: (*builder).updateGroup, remove: (*builder).deleteGroup},
	planner.TypeRole:            {create: (*builder).createRole, update: (*builder).updateRole, remove: (*builder).deleteRole},
	planner.TypePolicy:          {create: (*builder).createPolicy, update: (*builder).updatePolicy, remove: (*builder).deletePolicy},
	planner.TypeInstanceProfile: {create: (*builder).createInstanceProfile, update: (*builder).updateInstanceProfile, remove: (*builder).deleteInstanceProfile},
	planner.TypeInlinePolicy:    {create: (*builder).putInlinePolicy, update: (*builder).updateInlinePolicy, remove: (*builder).deleteInlinePolicy},
	planner.TypeAttachment:      {create: (*builder).attachPolicy, remove: (*builder).detachPolicy},
	planner.TypeBoundary:        {create: (*builder).putBoundary, update: (*builder).updateBoundary, remove: (*builder).deleteBoundary},
	planner.TypeMembership:      {create: (*builder).addMembership, remove: (*builder).removeMembership},
	planner.TypeAccessKey:       {create: (*builder).createAccessKey, update: (*builder).updateAccessKey, remove: (*builder).deleteAccessKey},
	planner.TypeLoginProfile:    {create: (*builder).createLoginProfile, update: (*builder).updateLoginProfile, remove: (*builder).deleteLoginProfile},
	planner.TypeAccountAlias:    {create: (*builder).createAlias, update: (*builder).replaceAlias, remove: (*builder).deleteAlias},
	planner.TypePasswordPolicy:  {create: (*builder).setPasswordPolicy, update: (*builder).setPasswordPolicy, remove: (*builder).deletePasswordPolicy},
}

// Compile turns a plan into a graph of steps. It makes no call. It returns
// an error when a change lacks an attribute its calls need or carries one
// of the wrong type, and when IAM's ordering rules form a cycle, such as two
// users that swap names. The error joins one error per problem.
func Compile(plan *planner.Plan, opts ...CompileOption) (*Graph, error) {
	var o compileOptions
	for _, opt := range opts {
		opt(&o)
	}
	b := newBuilder(plan)
	for _, c := range plan.Changes {
		b.compile(c)
	}
	b.checkSecretFiles()
	b.errs = append(b.errs, checkLastAddresses(plan, o.last)...)
	if err := errors.Join(b.errs...); err != nil {
		return nil, err
	}

	link(b.nodes)
	orderLast(b.nodes, o.last)
	sorted, err := sortNodes(b.nodes)
	if err != nil {
		return nil, err
	}

	// Number the nodes in graph order. Run breaks ties by this number, so
	// one worker makes the calls in exactly this order.
	for i, n := range sorted {
		n.index = i
	}
	return &Graph{nodes: sorted, passwordPolicy: b.passwordPolicy, ownPasswordPolicy: b.ownPasswordPolicy}, nil
}

// builder collects the nodes of a plan while Compile reads its changes.
type builder struct {
	nodes []*node
	ids   map[string]bool
	errs  []error

	// renamedFrom maps the folded old name of a user or group renamed by
	// the plan to its new name, and renamedTo holds the folded new names.
	renamedFrom map[planner.Type]map[string]string
	renamedTo   map[planner.Type]map[string]bool

	// passwordPolicy is the password policy the plan sets, or nil when the
	// plan deletes it. ownPasswordPolicy reports whether the plan does
	// either.
	passwordPolicy    *provider.PasswordPolicy
	ownPasswordPolicy bool

	// boundaryAtCreate maps the folded name of a user or role that the plan
	// creates with a permissions boundary to the boundary's policy ARN.
	// CreateUser and CreateRole set the boundary themselves, because IAM
	// policies that delegate the creation of users and roles commonly
	// allow it only with a boundary (the iam:PermissionsBoundary condition
	// key), and so that the entity is never without it.
	boundaryAtCreate map[planner.Type]map[string]string
}

// newBuilder returns a builder with the plan's renames recorded, because
// steps on a renamed user or group call IAM with the new name even where
// the plan names the entity by its old one.
func newBuilder(plan *planner.Plan) *builder {
	b := &builder{
		ids:              make(map[string]bool),
		renamedFrom:      make(map[planner.Type]map[string]string),
		renamedTo:        make(map[planner.Type]map[string]bool),
		boundaryAtCreate: boundariesAtCreate(plan),
	}
	for _, c := range plan.Changes {
		if c.Action != planner.Update || (c.Type != planner.TypeUser && c.Type != planner.TypeGroup) {
			continue
		}
		oldName, newName := b.renameOf(c)
		if newName == "" {
			continue
		}
		if b.renamedFrom[c.Type] == nil {
			b.renamedFrom[c.Type] = make(map[string]string)
			b.renamedTo[c.Type] = make(map[string]bool)
		}
		b.renamedFrom[c.Type][strings.ToLower(oldName)] = newName
		b.renamedTo[c.Type][strings.ToLower(newName)] = true
	}
	return b
}

// boundariesAtCreate returns the boundaries that the plan puts on users and
// roles it creates, or creates again, by type and folded name.
func boundariesAtCreate(plan *planner.Plan) map[planner.Type]map[string]string {
	created := make(map[planner.Ref]bool)
	for _, c := range plan.Changes {
		if (c.Type == planner.TypeUser || c.Type == planner.TypeRole) && (c.Action == planner.Create || c.Action == planner.Replace) {
			created[planner.Ref{Type: c.Type, Name: strings.ToLower(c.Name)}] = true
		}
	}
	out := make(map[planner.Type]map[string]string)
	for _, c := range plan.Changes {
		if c.Type != planner.TypeBoundary || c.Parent == nil || (c.Action != planner.Create && c.Action != planner.Replace) {
			continue
		}
		owner := planner.Ref{Type: c.Parent.Type, Name: strings.ToLower(c.Parent.Name)}
		attr := c.Attr("policy_arn")
		if !created[owner] || attr == nil {
			continue
		}
		arn, ok := attr.After.(string)
		if !ok || arn == "" {
			continue
		}
		if out[owner.Type] == nil {
			out[owner.Type] = make(map[string]string)
		}
		out[owner.Type][owner.Name] = arn
	}
	return out
}

// compile adds the steps of one change.
func (b *builder) compile(c *planner.Change) {
	if c.Action == planner.NoOp {
		return
	}
	comp, ok := compilers[c.Type]
	if !ok {
		b.fail(c, fmt.Errorf("unknown change type %q", c.Type))
		return
	}
	if c.Parent == nil && isOwned(c.Type) {
		b.fail(c, fmt.Errorf("a %s change needs the owner in Parent", c.Type))
		return
	}

	var removed, applied []*node
	switch c.Action {
	case planner.Create:
		applied = comp.create(b, c)
	case planner.Update:
		if comp.update == nil {
			b.fail(c, fmt.Errorf("a %s cannot be updated in place", c.Type))
			return
		}
		applied = comp.update(b, c)
	case planner.Delete:
		removed = comp.remove(b, c)
	case planner.Replace:
		removed = comp.remove(b, c)
		applied = comp.create(b, c)
		sequence(removed, applied)
	default:
		b.fail(c, fmt.Errorf("unknown action %q", c.Action))
		return
	}

	if isOwned(c.Type) {
		b.ownedBy(b.owner(c), removed, applied)
	}
}

// isOwned reports whether changes of the type are sub-resources that name
// their owner in Change.Parent.
func isOwned(t planner.Type) bool {
	switch t {
	case planner.TypeInlinePolicy, planner.TypeAttachment, planner.TypeBoundary, planner.TypeMembership,
		planner.TypeAccessKey, planner.TypeLoginProfile:
		return true
	}
	return false
}

// ownedBy states the owner rules of a sub-resource's steps. The steps that
// remove it come after the owner's rename and before the owner's delete.
// The steps that make or change it come after the owner exists under its
// current name.
func (b *builder) ownedBy(owner planner.Ref, removed, applied []*node) {
	for _, n := range removed {
		n.needs = append(n.needs, newFact(factRenamed, owner.Type, owner.Name))
		n.provides = append(n.provides, newFact(factUnused, owner.Type, owner.Name))
	}
	for _, n := range applied {
		n.needs = append(n.needs, newFact(factExists, owner.Type, owner.Name))
	}
}

// owner returns the owner of a sub-resource change by its current name.
func (b *builder) owner(c *planner.Change) planner.Ref {
	return planner.Ref{Type: c.Parent.Type, Name: b.currentName(c.Parent.Type, c.Parent.Name)}
}

// currentName returns the name a user or group has once the plan's renames
// are made: the new name when name is the old name of a renamed entity,
// and name itself otherwise.
func (b *builder) currentName(t planner.Type, name string) string {
	folded := strings.ToLower(name)
	if b.renamedTo[t][folded] {
		return name
	}
	if newName, ok := b.renamedFrom[t][folded]; ok {
		return newName
	}
	return name
}

// fail records a problem of a change that keeps the plan from being run.
func (b *builder) fail(c *planner.Change, err error) {
	b.errs = append(b.errs, fmt.Errorf("%s: %w", c.Address, err))
}

// before and after read the attributes of a change.
func (b *builder) before(c *planner.Change) values { return values{b: b, change: c, side: before} }
func (b *builder) after(c *planner.Change) values  { return values{b: b, change: c, side: after} }

// add adds a step of change c. The suffix distinguishes the steps of one
// change that make the same call, such as the deletes of two versions.
func (b *builder) add(c *planner.Change, action, suffix string, target []string, run runFunc) *node {
	id := c.Address + "/" + action
	if suffix != "" {
		id += "[" + suffix + "]"
	}
	if b.ids[id] {
		b.fail(c, fmt.Errorf("duplicate step %s: the plan contains the change twice", id))
	}
	b.ids[id] = true

	n := &node{
		step:  Step{ID: id, Address: c.Address, Action: action, Target: target},
		index: len(b.nodes),
		run:   run,
	}
	b.nodes = append(b.nodes, n)
	return n
}

// creates states that n makes the object of type t named name: it needs the
// name free and provides the object's existence.
func creates(n *node, t planner.Type, name string) {
	n.needs = append(n.needs, newFact(factNameFree, t, name))
	n.provides = append(n.provides, newFact(factExists, t, name))
}

// deletes states that the nodes delete the object of type t named name:
// each of them waits until every use of the object is gone, and the last
// one frees the name.
func deletes(nodes []*node, last *node, t planner.Type, name string) {
	for _, n := range nodes {
		n.needs = append(n.needs, newFact(factUnused, t, name))
	}
	last.provides = append(last.provides, newFact(factNameFree, t, name))
}

// call wraps a step that makes one call and discovers nothing.
func call(fn func(ctx context.Context, client Client) error) runFunc {
	return func(ctx context.Context, e *env) ([]*node, error) {
		return nil, fn(ctx, e.client)
	}
}

// checkSecretFiles records two secrets planned for the same file, because
// the second would find the first's file and fail half-way through.
func (b *builder) checkSecretFiles() {
	owner := make(map[string]string)
	for _, n := range b.nodes {
		if n.secret == "" || n.secret == stdoutDest {
			continue
		}
		path := filepath.Clean(n.secret)
		if first, ok := owner[path]; ok {
			b.errs = append(b.errs, fmt.Errorf("%s: secret file %s is also the secret file of %s: give each secret its own file",
				n.step.Address, n.secret, first))
			continue
		}
		owner[path] = n.step.Address
	}
}
