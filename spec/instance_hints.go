package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// maxListedKeys is how many for_each keys a message lists.
const maxListedKeys = 5

// explainEntityLookups adds to HCL's "Invalid index" and "Unsupported
// attribute" errors what went wrong when the expression refers to an
// entity: the keys of a for_each block, a close key, or the attributes that
// an entity has. HCL's own words name neither the entity nor its keys.
func (l *loader) explainEntityLookups() {
	for _, d := range l.diags {
		if d.Severity != hcl.DiagError || d.Expression == nil || d.Subject == nil {
			continue
		}
		var hint string
		switch d.Summary {
		case "Invalid index":
			hint = l.invalidIndexHint(d)
		case "Unsupported attribute":
			hint = l.unsupportedAttributeHint(d)
		}
		if hint != "" {
			d.Detail += " " + hint
		}
	}
}

// entityLookup is a reference to an entity, user.alice, followed by one
// more step: an index or an attribute.
type entityLookup struct {
	decl *entityDecl
	// key is the index, when the step is one and its value is known.
	key    cty.Value
	attr   string
	isAttr bool
}

// findEntityLookup finds, in the expression of d, the entity reference whose
// next step is d's subject.
func (l *loader) findEntityLookup(d *hcl.Diagnostic) (entityLookup, bool) {
	var found entityLookup
	ok := false
	hclsyntax.VisitAll(d.Expression.(hclsyntax.Node), func(node hclsyntax.Node) hcl.Diagnostics {
		if ok {
			return nil
		}
		switch e := node.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			if len(e.Traversal) < 3 {
				return nil
			}
			decl := l.entityOf(e.Traversal[:2])
			if decl == nil {
				return nil
			}
			switch step := e.Traversal[2].(type) {
			case hcl.TraverseIndex:
				if step.SrcRange == *d.Subject {
					found, ok = entityLookup{decl: decl, key: step.Key}, true
				}
			case hcl.TraverseAttr:
				if step.SrcRange == *d.Subject {
					found, ok = entityLookup{decl: decl, attr: step.Name, isAttr: true}, true
				}
			}
		case *hclsyntax.IndexExpr:
			collection, isTraversal := e.Collection.(*hclsyntax.ScopeTraversalExpr)
			if !isTraversal || len(collection.Traversal) != 2 || e.BracketRange != *d.Subject {
				return nil
			}
			if decl := l.entityOf(collection.Traversal); decl != nil {
				key, diags := e.Key.Value(d.EvalContext)
				if diags.HasErrors() {
					key = cty.NilVal
				}
				found, ok = entityLookup{decl: decl, key: key}, true
			}
		}
		return nil
	})
	return found, ok
}

// entityOf returns the entity that a traversal of two names, such as
// user.alice, refers to, or nil.
func (l *loader) entityOf(t hcl.Traversal) *entityDecl {
	root, ok := t[0].(hcl.TraverseRoot)
	if !ok {
		return nil
	}
	attr, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return nil
	}
	return l.entities[root.Name][attr.Name]
}

// invalidIndexHint returns what to add to an "Invalid index" error about an
// entity: the keys of its for_each and a close one, or that it has none.
func (l *loader) invalidIndexHint(d *hcl.Diagnostic) string {
	lookup, ok := l.findEntityLookup(d)
	if !ok || lookup.isAttr {
		return ""
	}

	decl := lookup.decl
	if !decl.hasForEach {
		return fmt.Sprintf("%s has no for_each, so it has no instances to index: write %s.name, %s.path or %s.arn.",
			decl.nodeID(), decl.nodeID(), decl.nodeID(), decl.nodeID())
	}

	keys := make([]string, 0, len(decl.instances))
	for _, inst := range decl.instances {
		keys = append(keys, inst.key)
	}
	var key string
	if lookup.key != cty.NilVal && lookup.key.IsWhollyKnown() && lookup.key.Type() == cty.String {
		key = lookup.key.AsString()
	}

	var b strings.Builder
	if key != "" {
		fmt.Fprintf(&b, "%s has no instance with the key %q.", decl.nodeID(), key)
	} else {
		fmt.Fprintf(&b, "The key is not one of the for_each keys of %s.", decl.nodeID())
	}
	switch {
	case len(keys) == 0:
		b.WriteString(" Its for_each has no elements.")
	case len(keys) <= maxListedKeys:
		fmt.Fprintf(&b, " Its keys are %s.", quotedList(keys))
	default:
		fmt.Fprintf(&b, " It has %d keys, such as %s.", len(keys), quotedList(keys[:maxListedKeys]))
	}

	if key != "" {
		if suggestion := nameSuggestion(key, keys); suggestion != "" {
			fmt.Fprintf(&b, " Did you mean %q?", suggestion)
		}
	}
	return b.String()
}

// unsupportedAttributeHint returns what to add to an "Unsupported attribute"
// error about an entity: how to pick an instance, or the attributes it has.
func (l *loader) unsupportedAttributeHint(d *hcl.Diagnostic) string {
	lookup, ok := l.findEntityLookup(d)
	if !ok || !lookup.isAttr {
		return ""
	}
	id := lookup.decl.nodeID()
	if lookup.decl.hasForEach {
		example := "KEY"
		if len(lookup.decl.instances) > 0 {
			example = lookup.decl.instances[0].key
		}
		return fmt.Sprintf("%s has for_each, so it is an object of instances by key: pick one, as in %s[%q].%s, "+
			"or take all of them, as in [for x in %s : x.%s].", id, id, example, lookup.attr, id, lookup.attr)
	}
	return fmt.Sprintf("An entity reference has the attributes name, path and arn, as in %s.arn.", id)
}
