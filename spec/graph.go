package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// node is a declaration that other declarations may refer to before the rest
// of the configuration is decoded: a local value, the identity of an entity
// block (for_each, name and path, which make its ARN), or a policy_document.
// Nodes are evaluated in dependency order, so a local may name a user's ARN
// and a user's name may use a local, as long as no cycle forms.
type node interface {
	// nodeID is the node's reference, such as local.tags or user.alice.
	nodeID() string
	nodeRange() hcl.Range
	references() []hcl.Traversal
	evaluate(l *loader)
}

var (
	_ node = (*localDecl)(nil)
	_ node = (*entityDecl)(nil)
	_ node = (*documentDecl)(nil)
)

type visitState int

const (
	unvisited visitState = iota
	visiting
	visited
)

// evaluateGraph evaluates every node after the nodes it refers to, in
// depth-first order, and reports reference cycles.
func (l *loader) evaluateGraph() {
	state := map[node]visitState{}
	var stack []node
	var visit func(n node)
	visit = func(n node) {
		switch state[n] {
		case visited:
			return
		case visiting:
			l.reportCycle(stack, n)
			return
		}
		state[n] = visiting
		stack = append(stack, n)
		for _, dep := range l.dependencies(n) {
			visit(dep)
		}
		stack = stack[:len(stack)-1]
		state[n] = visited
		n.evaluate(l)
	}

	for _, n := range l.nodes() {
		visit(n)
	}
}

// nodes returns every node in declaration order.
func (l *loader) nodes() []node {
	out := make([]node, 0, len(l.localOrder)+len(l.entityOrder)+len(l.documentOrder))
	for _, local := range l.localOrder {
		out = append(out, local)
	}
	for _, e := range l.entityOrder {
		out = append(out, e)
	}
	for _, d := range l.documentOrder {
		out = append(out, d)
	}
	return out
}

// reportCycle reports the cycle that closes when the node on top of the
// stack refers to back, which is further down the stack. A node that refers
// into a cycle is evaluated with unknown values for the nodes of the cycle,
// which decoding skips without further diagnostics.
func (l *loader) reportCycle(stack []node, back node) {
	start := len(stack) - 1
	for start > 0 && stack[start] != back {
		start--
	}
	var names []string
	for _, n := range stack[start:] {
		names = append(names, n.nodeID())
	}
	names = append(names, back.nodeID())
	detail := fmt.Sprintf("These values refer to each other, so none can be evaluated first: %s refers to %s. "+
		"Break the cycle by writing one of the values out.", names[0], strings.Join(names[1:], ", which refers to "))
	if len(names) == 2 {
		detail = fmt.Sprintf("%s refers to itself, so it cannot be evaluated: write the value out.", names[0])
		if _, entity := back.(*entityDecl); entity {
			detail = fmt.Sprintf("%s refers to itself, so it cannot be evaluated. An entity's name, path and for_each "+
				"cannot use its own attributes: write the value out.", names[0])
		}
	}
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cycle in references",
		Detail:   detail,
		Subject:  l.referenceRange(stack[len(stack)-1], back).Ptr(),
	})
}

// referenceRange returns the range of the reference from n to dep, or of
// dep's declaration when no single reference names it, as with a computed
// name such as user[local.label].
func (l *loader) referenceRange(n, dep node) hcl.Range {
	for _, t := range n.references() {
		if name, ok := staticAttr(t); ok && l.node(t.RootName(), name) == dep {
			return t.SourceRange()
		}
	}
	return dep.nodeRange()
}

// dependencies returns the nodes that n refers to, in the order of its
// references. A reference with a computed name, such as user[local.label],
// depends on every node of that type.
func (l *loader) dependencies(n node) []node {
	var deps []node
	for _, t := range n.references() {
		root := t.RootName()
		if name, ok := staticAttr(t); ok {
			if dep := l.node(root, name); dep != nil {
				deps = append(deps, dep)
			}
			continue
		}
		for _, name := range l.namesOf(root) {
			deps = append(deps, l.node(root, name))
		}
	}
	return deps
}

// node returns the node that root.name refers to, or nil.
func (l *loader) node(root, name string) node {
	switch root {
	case rootLocal:
		if local, ok := l.locals[name]; ok {
			return local
		}
	case blockPolicyDocument:
		if d, ok := l.documents[name]; ok {
			return d
		}
	default:
		if e, ok := l.entities[root][name]; ok {
			return e
		}
	}
	return nil
}

// namesOf returns the declared names of a namespace such as local or user,
// and nil for var, each and account, which are not nodes.
func (l *loader) namesOf(root string) []string {
	switch root {
	case rootLocal:
		return keys(l.locals)
	case blockPolicyDocument:
		return keys(l.documents)
	}
	return keys(l.entities[root])
}

// isNamespace reports whether root names a kind of node.
func (l *loader) isNamespace(root string) bool {
	_, entity := l.entities[root]
	return entity || root == rootLocal || root == blockPolicyDocument
}

// valueOf returns the value of root.name, unknown when it is not evaluated
// yet or failed.
func (l *loader) valueOf(root, name string) cty.Value {
	var val cty.Value
	switch root {
	case rootLocal:
		val = l.locals[name].value
	case blockPolicyDocument:
		val = l.documents[name].value
	default:
		val = l.entities[root][name].value
	}
	if val == cty.NilVal {
		return cty.DynamicVal
	}
	return val
}

// contextFor builds an evaluation context that holds what the given
// references need. Building only those keeps evaluating each node cheap in
// configurations with thousands of blocks.
func (l *loader) contextFor(refs []hcl.Traversal) *hcl.EvalContext {
	namespaces := map[string]map[string]cty.Value{}
	for _, t := range refs {
		root := t.RootName()
		if !l.isNamespace(root) {
			continue
		}
		values := namespaces[root]
		if values == nil {
			values = map[string]cty.Value{}
			namespaces[root] = values
		}
		if name, ok := staticAttr(t); ok {
			if l.node(root, name) != nil {
				values[name] = l.valueOf(root, name)
			}
			continue
		}
		for _, name := range l.namesOf(root) {
			values[name] = l.valueOf(root, name)
		}
	}

	vars := map[string]cty.Value{rootVar: l.vars, rootAccount: l.accountValue}
	for root, values := range namespaces {
		vars[root] = cty.ObjectVal(values)
	}
	return &hcl.EvalContext{Variables: vars, Functions: l.funcs}
}

// fullContext builds the context in which the rest of the configuration is
// decoded, with every value.
func (l *loader) fullContext() *hcl.EvalContext {
	vars := map[string]cty.Value{rootVar: l.vars, rootAccount: l.accountValue}
	roots := append([]string{rootLocal, blockPolicyDocument}, entityTypes...)
	for _, root := range roots {
		values := map[string]cty.Value{}
		for _, name := range l.namesOf(root) {
			values[name] = l.valueOf(root, name)
		}
		vars[root] = cty.ObjectVal(values)
	}
	return &hcl.EvalContext{Variables: vars, Functions: l.funcs}
}

func (d *localDecl) nodeID() string              { return rootLocal + "." + d.attr.Name }
func (d *localDecl) nodeRange() hcl.Range        { return d.attr.NameRange }
func (d *localDecl) references() []hcl.Traversal { return d.attr.Expr.Variables() }

func (d *localDecl) evaluate(l *loader) {
	val, diags := d.attr.Expr.Value(l.contextFor(d.references()))
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		val = cty.DynamicVal
	}
	d.value = val
}
