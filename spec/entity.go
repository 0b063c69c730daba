package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/zclconf/go-cty/cty"
)

// entityDecl is a user, group, role, policy or instance_profile block.
type entityDecl struct {
	typ   string
	label string
	block *hcl.Block
	// identity holds the for_each, name and path attributes.
	identity   hcl.Attributes
	hasForEach bool
	// refs caches the references of the identity attributes.
	refs []hcl.Traversal

	instances []*instance
	// value is what a reference such as user.alice evaluates to: an object
	// with name, path and arn, or with for_each an object of such objects
	// by key.
	value cty.Value
}

// instance is one IAM entity that a block declares: the block itself, or
// one element of its for_each.
type instance struct {
	decl   *entityDecl
	key    string
	each   cty.Value // the each object, cty.NilVal without for_each
	name   string
	path   string
	failed bool
}

func (i *instance) address() Address {
	return Address{Type: i.decl.typ, Label: i.decl.label, Key: i.key, HasKey: i.decl.hasForEach}
}

// context returns ctx extended with the instance's each object.
func (i *instance) context(ctx *hcl.EvalContext) *hcl.EvalContext {
	if !i.decl.hasForEach {
		return ctx
	}
	child := ctx.NewChild()
	child.Variables = map[string]cty.Value{rootEach: i.each}
	return child
}

// arnResourceTypes maps block types to the resource type in their ARNs.
var arnResourceTypes = map[string]string{
	blockUser:            "user",
	blockGroup:           "group",
	blockRole:            "role",
	blockPolicy:          "policy",
	blockInstanceProfile: "instance-profile",
}

func (e *entityDecl) nodeID() string       { return e.typ + "." + e.label }
func (e *entityDecl) nodeRange() hcl.Range { return e.block.DefRange }

func (e *entityDecl) references() []hcl.Traversal {
	if e.refs == nil {
		e.refs = []hcl.Traversal{}
		for _, name := range []string{"for_each", "name", "path"} {
			if attr, ok := e.identity[name]; ok {
				e.refs = append(e.refs, attr.Expr.Variables()...)
			}
		}
	}
	return e.refs
}

// evaluate expands for_each and evaluates the name and path of each
// instance, which give the entity's ARN.
func (e *entityDecl) evaluate(l *loader) {
	ctx := l.contextFor(e.references())
	e.value = cty.DynamicVal
	if !e.hasForEach {
		inst := l.evaluateInstance(e, ctx, "", cty.NilVal)
		e.instances = []*instance{inst}
		if !inst.failed {
			e.value = l.instanceObject(inst)
		}
		return
	}

	elements, ok := l.evaluateForEach(e.identity["for_each"], ctx)
	if !ok {
		return
	}
	objects := make(map[string]cty.Value, len(elements))
	for _, key := range keys(elements) {
		each := cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(key), "value": elements[key]})
		from := len(l.diags)
		inst := l.evaluateInstance(e, ctx, key, each)
		l.tagInstance(from, inst)
		e.instances = append(e.instances, inst)
		objects[key] = cty.DynamicVal
		if !inst.failed {
			objects[key] = l.instanceObject(inst)
		}
	}
	e.value = cty.ObjectVal(objects)
}

func (l *loader) instanceObject(inst *instance) cty.Value {
	arn := iamARN(l.opts.Partition, l.opts.AccountID, arnResourceTypes[inst.decl.typ], inst.path, inst.name)
	return cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal(inst.name),
		"path": cty.StringVal(inst.path),
		"arn":  cty.StringVal(arn),
	})
}

// evaluateInstance evaluates name and path. The name defaults to the for_each
// key, or to the block label, and the path to "/".
func (l *loader) evaluateInstance(e *entityDecl, ctx *hcl.EvalContext, key string, each cty.Value) *instance {
	inst := &instance{decl: e, key: key, each: each, name: e.label, path: "/"}
	if e.hasForEach {
		inst.name = key
	}
	r := l.newReader(e.identity, inst.context(ctx))
	inst.name = r.strDefault("name", inst.name)
	inst.path = r.strDefault("path", inst.path)
	inst.failed = r.failed["name"] || r.failed["path"]
	return inst
}

// evaluateForEach returns the elements of a for_each value by key: a map's
// or object's elements, or a set of strings's elements keyed by themselves.
// Only the keys must be known here, because walking elements that come from
// a data file costs more than the rest of this function. An unknown part of
// an element fails the attribute that reads it.
func (l *loader) evaluateForEach(attr *hcl.Attribute, ctx *hcl.EvalContext) (map[string]cty.Value, bool) {
	val, diags := attr.Expr.Value(ctx)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() || !val.IsKnown() || (val.Type().IsSetType() && !val.IsWhollyKnown()) {
		return nil, false
	}
	invalid := func(detail string) (map[string]cty.Value, bool) {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Invalid for_each argument",
			Detail:      detail,
			Subject:     attr.Expr.Range().Ptr(),
			Expression:  attr.Expr,
			EvalContext: ctx,
		})
		return nil, false
	}
	if val.IsNull() {
		return invalid("The for_each value is null. Give a map, or a set of strings.")
	}

	ty := val.Type()
	elements := map[string]cty.Value{}
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		for it := val.ElementIterator(); it.Next(); {
			k, v := it.Element()
			elements[k.AsString()] = v
		}
	case ty.IsSetType() && ty.ElementType() == cty.String:
		for it := val.ElementIterator(); it.Next(); {
			_, v := it.Element()
			if v.IsNull() {
				return invalid("The for_each set contains null; every element must be a string.")
			}
			elements[v.AsString()] = v
		}
	case ty.IsSetType():
		return invalid(fmt.Sprintf("The for_each value is a set of %s; only sets of strings can be used, "+
			"because their elements become the keys.", ty.ElementType().FriendlyName()))
	default:
		return invalid(fmt.Sprintf("The for_each value is a %s; give a map, or a set of strings. "+
			"Convert a list of strings with toset(...).", ty.FriendlyName()))
	}
	return elements, true
}

// decodeEntities decodes the full body of every instance of every entity
// block, in declaration order.
func (l *loader) decodeEntities(ctx *hcl.EvalContext) {
	for _, e := range l.entityOrder {
		schema := entitySchemas[e.typ]
		// Without dynamic blocks, every instance has the same content,
		// which is decoded once.
		dynamic := hasDynamicBlocks(e.block.Body)
		var shared *hcl.BodyContent
		var sharedRanges map[string]hcl.Range
		for _, inst := range e.instances {
			if inst.failed {
				continue
			}
			from := len(l.diags)
			instCtx := inst.context(ctx)
			content := shared
			if content == nil {
				body := e.block.Body
				if dynamic {
					body = dynblock.Expand(body, instCtx)
				}
				var diags hcl.Diagnostics
				content, diags = body.Content(schema.body)
				l.diags = append(l.diags, diags...)
				if content == nil {
					l.tagInstance(from, inst)
					continue
				}
				if !dynamic {
					shared = content
				}
			}
			// Dynamic blocks make only nested blocks, so the attributes, and
			// their ranges, are those of the block in every instance.
			r := l.newSharedReader(content.Attributes, instCtx, sharedRanges)
			sharedRanges = r.ranges
			d := &entityDecoder{l: l, inst: inst, content: content, r: r}
			d.checkIdentity()
			switch e.typ {
			case blockUser:
				l.cfg.Users = append(l.cfg.Users, d.user())
			case blockGroup:
				l.cfg.Groups = append(l.cfg.Groups, d.group())
			case blockRole:
				l.cfg.Roles = append(l.cfg.Roles, d.role())
			case blockPolicy:
				l.cfg.Policies = append(l.cfg.Policies, d.policy())
			case blockInstanceProfile:
				l.cfg.InstanceProfiles = append(l.cfg.InstanceProfiles, d.instanceProfile())
			default:
				panic(fmt.Sprintf("spec: no decoder for block type %q", e.typ))
			}
			l.tagInstance(from, inst)
		}
		e.releaseDeclaration()
	}
}
