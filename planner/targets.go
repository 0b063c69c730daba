package planner

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/iamsync/iamsync/policydoc"
)

// targetRoots are the names a target address may start with.
var targetRoots = map[string]bool{
	string(TypeUser): true, string(TypeGroup): true, string(TypeRole): true, string(TypePolicy): true,
	string(TypeInstanceProfile): true, "account": true, addressPasswordPolicy: true,
}

// parseTargets checks the target addresses and returns them in the form
// plan addresses take, without duplicates. Mistakes are diagnostics.
func (p *planner) parseTargets(texts []string) []string {
	seen := map[string]bool{}
	var targets []string
	for _, text := range texts {
		target, diag := parseTarget(text)
		if diag != nil {
			p.diags = append(p.diags, diag)
			continue
		}
		if !seen[target] {
			seen[target] = true
			targets = append(targets, target)
		}
	}
	return targets
}

// parseTarget parses one address, such as role.app or
// user.people["alice"].inline_policy["s3"], and writes it as the planner
// writes addresses.
func parseTarget(text string) (string, *hcl.Diagnostic) {
	invalid := func(why string) (string, *hcl.Diagnostic) {
		return "", &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid target address",
			Detail: fmt.Sprintf("The target %q %s. A target is an address as plans print it, such as role.app, "+
				"user.people[\"alice\"], role.app.inline_policy[\"s3\"], account.alias or password_policy.", text, why),
		}
	}
	traversal, diags := hclsyntax.ParseTraversalAbs([]byte(text), "<target>", hcl.InitialPos)
	if diags.HasErrors() {
		return invalid("is not an address")
	}
	if !targetRoots[traversal.RootName()] {
		return invalid(fmt.Sprintf("starts with %q, which is not a block type of an IAM entity", traversal.RootName()))
	}

	var b strings.Builder
	b.WriteString(traversal.RootName())
	for _, step := range traversal[1:] {
		switch step := step.(type) {
		case hcl.TraverseAttr:
			b.WriteString("." + step.Name)
		case hcl.TraverseIndex:
			key, ok := indexKey(step.Key)
			if !ok {
				return invalid("has an index that is neither a string nor a whole number")
			}
			b.WriteString("[" + key + "]")
		default:
			return invalid("is not an address")
		}
	}
	target := b.String()
	if strings.HasPrefix(target, "account") && target != addressAlias {
		return invalid("names an account setting other than account.alias")
	}
	return target, nil
}

// indexKey writes an index as addresses do: a string quoted, a whole
// number as digits.
func indexKey(key cty.Value) (string, bool) {
	switch {
	case key.IsNull() || !key.IsKnown():
		return "", false
	case key.Type() == cty.String:
		return fmt.Sprintf("%q", key.AsString()), true
	case key.Type() == cty.Number:
		n, accuracy := key.AsBigFloat().Int64()
		if !key.AsBigFloat().IsInt() || accuracy != 0 {
			return "", false
		}
		return fmt.Sprint(n), true
	}
	return "", false
}

// selects reports whether target names addr or something addr is part of:
// user.alice selects user.alice.inline_policy["s3"], and user.people
// selects user.people["alice"].
func selects(target, addr string) bool {
	return addr == target || strings.HasPrefix(addr, target+".") || strings.HasPrefix(addr, target+"[")
}

// limitToTargets keeps only the changes that the targets select and those
// they need, by the rules that the package documentation lists.
func (p *planner) limitToTargets() {
	if len(p.targets) == 0 {
		return
	}
	p.checkTargetsKnown()
	idx := p.indexChanges()

	keep := map[string]bool{}
	var queue []*Change
	add := func(c *Change) {
		if c != nil && !keep[c.Address] {
			keep[c.Address] = true
			queue = append(queue, c)
		}
	}

	// Select what the targets name.
	for _, c := range idx.sorted {
		if p.targetSelects(c) {
			add(c)
		}
	}

	// Bring in what the kept changes need, until nothing is new.
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, dep := range idx.byCause[c.Address] {
			add(dep)
		}
		if cause := p.changes[c.Cause]; cause != nil && cause.Action == Replace {
			add(cause)
		}
		// What a new user, group or role holds needs its owner created
		// first, but not the rest of what the owner holds.
		if c.Parent != nil {
			if owner := idx.entities[entityKey(c.Parent.Type, c.Parent.Name)]; owner != nil && owner != c &&
				(owner.Action == Create || owner.Action == Replace) {
				add(owner)
			}
		}
		for _, ref := range idx.references(c) {
			if ref.Action != Create && ref.Action != Replace {
				continue
			}
			add(ref)
			for _, owned := range idx.owned[ref.Address] {
				add(owned)
			}
		}
	}

	for addr := range p.changes {
		if !keep[addr] {
			delete(p.changes, addr)
		}
	}

	// A change that the targets leave out does not restore a reference to
	// a replaced entity. So a trust policy keeps the old role's unique id,
	// and an attachment to the old ARN is gone.
	for _, c := range p.changes {
		for i, d := range c.Dependents {
			if d.Change == "" || p.changes[d.Change] != nil {
				continue
			}
			d.Change, d.Effect = "", EffectRemoved
			if d.Kind == DependentTrustPolicy {
				d.Effect = EffectDangling
			}
			c.Dependents[i] = d
		}
	}
}

// targetSelects reports whether a target selects the change, directly or,
// for a membership, through its user.
func (p *planner) targetSelects(c *Change) bool {
	for _, t := range p.targets {
		if selects(t, c.Address) {
			return true
		}
	}
	if c.Type != TypeMembership {
		return false
	}
	user := p.userByDecl[fold(c.Name)]
	if user == nil {
		user = p.userByLive[fold(c.Name)]
	}
	if user == nil {
		return false
	}
	for _, t := range p.targets {
		if selects(t, user.addr) {
			return true
		}
	}
	return false
}

// checkTargetsKnown reports a target that names no entity of the
// configuration or the account, which is most likely misspelt: an empty
// plan would hide the mistake.
func (p *planner) checkTargetsKnown() {
	known := p.entityAddresses()
	for _, t := range p.targets {
		found := false
		for _, addr := range known {
			if selects(t, addr) || selects(addr, t) {
				found = true
				break
			}
		}
		if found {
			continue
		}
		detail := fmt.Sprintf("No entity in the configuration or the account has the address %q, or contains it.", t)
		// A name that is not an identifier, such as one with a dot, is
		// written in brackets: user["jane.doe"].
		typ, name, _ := strings.Cut(t, ".")
		if quoted := fmt.Sprintf("%s[%q]", typ, name); strings.Contains(name, ".") && slices.Contains(known, quoted) {
			detail += fmt.Sprintf(" Did you mean %s?", quoted)
		} else if s := suggest(t, known); s != "" {
			detail += fmt.Sprintf(" Did you mean %q?", s)
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Target not found",
			Detail:   detail + " Addresses are those that plans print.",
		})
	}
}

// entityAddresses returns the addresses of every declared and live entity
// and of the account settings, sorted.
func (p *planner) entityAddresses() []string {
	addrs := []string{addressAlias, addressPasswordPolicy}
	for _, u := range p.users {
		addrs = append(addrs, u.addr)
	}
	for _, g := range p.groups {
		addrs = append(addrs, g.addr)
	}
	for _, r := range p.roles {
		addrs = append(addrs, r.addr)
	}
	for _, pp := range p.policies {
		addrs = append(addrs, pp.addr)
	}
	for _, ip := range p.profiles {
		addrs = append(addrs, ip.addr)
	}
	sort.Strings(addrs)
	return addrs
}

// changeIndex looks changes up by what refers to them.
type changeIndex struct {
	// sorted holds every change, sorted by address.
	sorted []*Change
	// byCause maps an address to the changes whose Cause it is.
	byCause map[string][]*Change
	// owned maps an entity's address to the changes of its inline
	// policies, attachments and boundary.
	owned map[string][]*Change
	// entities maps type and folded name, or a policy's folded ARN, to the
	// entity's change.
	entities map[string]*Change
}

func entityKey(typ Type, name string) string { return string(typ) + "\x00" + fold(name) }

func (p *planner) indexChanges() *changeIndex {
	idx := &changeIndex{byCause: map[string][]*Change{}, owned: map[string][]*Change{}, entities: map[string]*Change{}}
	for _, c := range p.changes {
		idx.sorted = append(idx.sorted, c)
	}
	sort.Slice(idx.sorted, func(i, j int) bool { return idx.sorted[i].Address < idx.sorted[j].Address })

	for _, c := range idx.sorted {
		switch c.Type {
		case TypeUser, TypeGroup, TypeRole, TypeInstanceProfile:
			idx.entities[entityKey(c.Type, c.Name)] = c
		case TypePolicy:
			if a := c.Attr("arn"); a != nil {
				for _, v := range []any{a.Before, a.After} {
					if arn, ok := v.(string); ok {
						idx.entities[entityKey(TypePolicy, arn)] = c
					}
				}
			}
		}
		if c.Cause != "" {
			idx.byCause[c.Cause] = append(idx.byCause[c.Cause], c)
		}
	}

	// What an entity holds names its owner by IAM name.
	for _, c := range idx.sorted {
		if c.Parent == nil || (c.Type != TypeInlinePolicy && c.Type != TypeAttachment && c.Type != TypeBoundary) {
			continue
		}
		if owner := idx.entities[entityKey(c.Parent.Type, c.Parent.Name)]; owner != nil {
			idx.owned[owner.Address] = append(idx.owned[owner.Address], c)
		}
	}
	return idx
}

// references returns the changes of the entities that c names: the policy
// of an attachment or boundary, the user and group of a membership, the
// role of an instance profile.
func (idx *changeIndex) references(c *Change) []*Change {
	var refs []*Change
	lookup := func(typ Type, name any) {
		if s, ok := name.(string); ok && s != "" {
			if ref := idx.entities[entityKey(typ, s)]; ref != nil && ref != c {
				refs = append(refs, ref)
			}
		}
	}
	switch c.Type {
	case TypeAttachment:
		lookup(TypePolicy, c.Name)
	case TypeBoundary:
		if a := c.Attr("policy_arn"); a != nil {
			lookup(TypePolicy, a.After)
		}
	case TypeMembership:
		lookup(TypeUser, c.Name)
		if c.Parent != nil {
			lookup(TypeGroup, c.Parent.Name)
		}
	case TypeInstanceProfile:
		if a := c.Attr("role"); a != nil {
			lookup(TypeRole, a.After)
		}
	case TypeRole:
		if a := c.Attr("assume_role_policy"); a != nil {
			doc, _ := a.After.(*policydoc.Document)
			for _, p := range principalRefs(doc) {
				lookup(p.Type, p.Name)
			}
		}
	}
	return refs
}

// principalRefs returns the users and roles that a trust policy names by
// ARN among its principals, such as arn:aws:iam::111122223333:role/ci. IAM
// rejects a trust policy that names a principal which does not exist, so a
// role that trusts another needs it created first.
func principalRefs(d *policydoc.Document) []Ref {
	if d == nil {
		return nil
	}
	var root struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(d.String()), &root); err != nil {
		return nil
	}
	var statements []map[string]any
	if err := json.Unmarshal(root.Statement, &statements); err != nil {
		var one map[string]any
		if json.Unmarshal(root.Statement, &one) != nil {
			return nil
		}
		statements = []map[string]any{one}
	}
	var refs []Ref
	for _, st := range statements {
		collectStrings(st["Principal"], func(arn string) {
			parts := strings.SplitN(arn, ":", 6)
			if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" {
				return
			}
			resource := parts[5]
			name := resource[strings.LastIndex(resource, "/")+1:]
			switch {
			case strings.HasPrefix(resource, "user/") && name != "":
				refs = append(refs, Ref{Type: TypeUser, Name: name})
			case strings.HasPrefix(resource, "role/") && name != "":
				refs = append(refs, Ref{Type: TypeRole, Name: name})
			}
		})
	}
	return refs
}
