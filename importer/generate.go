package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// Generate writes the IAM of state as an iamsync configuration. The files
// are in canonical hclwrite form, and the same state and options always
// give the same bytes.
//
// Generate returns an error for invalid options, and for a state that
// lacks the document of a customer-managed policy. Planning the result
// against the account that state was read from finds nothing to change.
// Credentials and the tags of policies and instance profiles are written
// only when state holds them, as Read returns it, and are otherwise left
// unmanaged.
func Generate(state *provider.State, opts Options) (Files, error) {
	if state == nil {
		return nil, errors.New("generate configuration: no account state")
	}
	scope, err := opts.Scope()
	if err != nil {
		return nil, err
	}
	g := newGenerator(state, opts, scope)

	// Choose what to write and how to name it before writing anything,
	// because entities refer to each other by label and documents are
	// shared between entities.
	g.selectEntities()
	if err := g.checkDocuments(); err != nil {
		return nil, fmt.Errorf("generate configuration: %w", err)
	}
	g.assignLabels()
	g.collectDocuments()
	g.docs.prepare(opts.Documents, g.accountID)

	// Write every block into its file.
	g.writePolicies()
	g.writeGroups()
	g.writeUsers()
	g.writeRoles()
	g.writeInstanceProfiles()
	g.writeSharedDocuments()
	g.writeAccountSettings()
	g.writeEmptyNote()

	return g.files.format(), nil
}

// generator holds one Generate call.
type generator struct {
	state     *provider.State
	opts      Options
	scope     spec.Scope
	accountID string

	// The entities to write, sorted by label once labels are assigned.
	users    []*provider.User
	groups   []*provider.Group
	roles    []*provider.Role
	policies []*provider.ManagedPolicy
	profiles []*provider.InstanceProfile

	// Labels of the entities written, keyed by folded name; those of
	// policies by folded ARN.
	userLabels    map[string]string
	groupLabels   map[string]string
	roleLabels    map[string]string
	policyLabels  map[string]string
	profileLabels map[string]string
	// principalRefs holds the reference to each user and role written,
	// such as role.deploy.arn, keyed by its folded ARN, for the principals
	// of trust policies.
	principalRefs map[string]hclwrite.Tokens

	docs  *documents
	files *fileSet
}

func newGenerator(state *provider.State, opts Options, scope spec.Scope) *generator {
	accountID := state.AccountID
	if accountID == "" {
		accountID = state.Caller.Account
	}
	return &generator{
		state:     state,
		opts:      opts,
		scope:     scope,
		accountID: accountID,
		docs:      newDocuments(),
		files:     newFileSet(),
	}
}

// fold returns the form names and ARNs are compared in, as IAM compares
// them.
func fold(s string) string { return strings.ToLower(s) }

// selectEntities picks the entities inside the scope. Roles that AWS
// reserves and AWS-managed policies are never written: iamsync does not
// manage them, and configurations refer to AWS-managed policies by ARN.
func (g *generator) selectEntities() {
	for _, u := range g.state.Users {
		if g.scope.Contains(u.Path, u.Name) {
			g.users = append(g.users, u)
		}
	}
	for _, gr := range g.state.Groups {
		if g.scope.Contains(gr.Path, gr.Name) {
			g.groups = append(g.groups, gr)
		}
	}
	for _, r := range g.state.Roles {
		if !r.Reserved() && g.scope.Contains(r.Path, r.Name) {
			g.roles = append(g.roles, r)
		}
	}
	for _, p := range g.state.Policies {
		if !p.AWSManaged() && g.scope.Contains(p.Path, p.Name) {
			g.policies = append(g.policies, p)
		}
	}
	for _, ip := range g.state.InstanceProfiles {
		if g.scope.Contains(ip.Path, ip.Name) {
			g.profiles = append(g.profiles, ip)
		}
	}

	slices.SortFunc(g.users, func(a, b *provider.User) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(g.groups, func(a, b *provider.Group) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(g.roles, func(a, b *provider.Role) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(g.policies, func(a, b *provider.ManagedPolicy) int { return strings.Compare(a.ARN, b.ARN) })
	slices.SortFunc(g.profiles, func(a, b *provider.InstanceProfile) int { return strings.Compare(a.Name, b.Name) })
}

// assignLabels gives every entity written a block label, unique per block
// type, and in LayoutByPath every path its file.
func (g *generator) assignLabels() {
	var names, paths []string
	g.userLabels = map[string]string{}
	for _, u := range g.users {
		names, paths = append(names, u.Name), append(paths, u.Path)
	}
	foldKeys(newLabeler("user").assign(names), g.userLabels)

	names = nil
	g.groupLabels = map[string]string{}
	for _, gr := range g.groups {
		names, paths = append(names, gr.Name), append(paths, gr.Path)
	}
	foldKeys(newLabeler("group").assign(names), g.groupLabels)

	names = nil
	g.roleLabels = map[string]string{}
	for _, r := range g.roles {
		names, paths = append(names, r.Name), append(paths, r.Path)
	}
	foldKeys(newLabeler("role").assign(names), g.roleLabels)

	names = nil
	g.profileLabels = map[string]string{}
	for _, ip := range g.profiles {
		names, paths = append(names, ip.Name), append(paths, ip.Path)
	}
	foldKeys(newLabeler("instance_profile").assign(names), g.profileLabels)

	// A label is given per ARN, so that a policy is found by the ARN that
	// refers to it, even if two paths held policies of the same name.
	names = nil
	for _, p := range g.policies {
		names, paths = append(names, p.Name), append(paths, p.Path)
	}
	policyNames := newLabeler("policy")
	labels := policyNames.assign(slices.Compact(slices.Sorted(slices.Values(names))))
	g.policyLabels = map[string]string{}
	labelled := map[string]bool{}
	for _, p := range g.policies {
		label := labels[p.Name]
		if labelled[p.Name] {
			label = policyNames.claim(label)
		}
		labelled[p.Name] = true
		g.policyLabels[fold(p.ARN)] = label
	}

	g.principalRefs = map[string]hclwrite.Tokens{}
	for _, u := range g.users {
		g.principalRefs[fold(u.ARN)] = reference("user", g.userLabels[fold(u.Name)], "arn")
	}
	for _, r := range g.roles {
		g.principalRefs[fold(r.ARN)] = reference("role", g.roleLabels[fold(r.Name)], "arn")
	}

	if g.opts.Layout == LayoutByPath {
		g.files.nameFilesByPath(paths)
	}
	g.sortByLabel()
}

// awsPrincipal returns the value of an AWS principal: a reference to the
// user or role written with that ARN, so that the trust follows a rename
// or a move of its principal, or the string itself.
func (g *generator) awsPrincipal(s string, quote func(string) hclwrite.Tokens) hclwrite.Tokens {
	if ref, ok := g.principalRefs[fold(s)]; ok && s != "" {
		return ref
	}
	return quote(s)
}

// sortByLabel orders the entities of each kind by label, ignoring case,
// which is the order their blocks are written in.
func (g *generator) sortByLabel() {
	sortByLabel(g.users, func(u *provider.User) string { return g.userLabels[fold(u.Name)] })
	sortByLabel(g.groups, func(gr *provider.Group) string { return g.groupLabels[fold(gr.Name)] })
	sortByLabel(g.roles, func(r *provider.Role) string { return g.roleLabels[fold(r.Name)] })
	sortByLabel(g.policies, func(p *provider.ManagedPolicy) string { return g.policyLabels[fold(p.ARN)] })
	sortByLabel(g.profiles, func(ip *provider.InstanceProfile) string { return g.profileLabels[fold(ip.Name)] })
}

func sortByLabel[T any](items []T, label func(T) string) {
	slices.SortFunc(items, func(a, b T) int {
		la, lb := label(a), label(b)
		if c := strings.Compare(fold(la), fold(lb)); c != 0 {
			return c
		}
		return strings.Compare(la, lb)
	})
}

// foldKeys copies labels keyed by name into dst keyed by folded name.
func foldKeys(labels, dst map[string]string) {
	for name, label := range labels {
		dst[fold(name)] = label
	}
}

// collectDocuments records every document written, in the order they are
// written, so that shared documents are found and named before writing.
func (g *generator) collectDocuments() {
	for _, p := range g.policies {
		if v := p.DefaultVersion(); v != nil {
			label := g.policyLabels[fold(p.ARN)]
			g.docs.add(v.Document, label, label, false)
		}
	}
	for _, gr := range g.groups {
		g.collectInline(g.groupLabels[fold(gr.Name)], gr.InlinePolicies)
	}
	for _, u := range g.users {
		g.collectInline(g.userLabels[fold(u.Name)], u.InlinePolicies)
	}
	for _, r := range g.roles {
		label := g.roleLabels[fold(r.Name)]
		g.docs.add(r.AssumeRolePolicy, label+"_trust", label+"_trust", true)
		g.collectInline(label, r.InlinePolicies)
	}
}

func (g *generator) collectInline(owner string, policies []provider.InlinePolicy) {
	for _, p := range sortedInline(policies) {
		g.docs.add(p.Document, owner+"_"+p.Name, p.Name, false)
	}
}

// fileFor returns the file that an entity of the given kind and path goes
// into.
func (g *generator) fileFor(kindFile, path string) string {
	if g.opts.Layout == LayoutByPath {
		return g.files.byPath[path]
	}
	return kindFile
}
