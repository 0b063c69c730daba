package planner

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// Options are the inputs of Make besides the configuration and the state.
type Options struct {
	// Now is the time that expires_at values are compared with. The plan
	// records it as CreatedAt.
	Now time.Time

	// Targets limits the plan to these addresses and what they need, as
	// Terraform's -target does; the package documentation states the rules.
	// Empty plans everything.
	Targets []string

	// RecentUse is how far before Now a use of a deleted role, user or
	// access key makes the plan warn. Zero means DefaultRecentUse.
	RecentUse time.Duration
}

// Make compares the desired configuration with the live state of the account
// and returns the changes that make the account match the configuration.
//
// Make is a pure function: it calls no API and reads no clock. Mistakes in
// the configuration that only the live state reveals come back as
// diagnostics. When they include errors, the plan leaves out the
// declarations in error and must not be applied.
func Make(desired *spec.Config, live *provider.State, opts Options) (*Plan, hcl.Diagnostics) {
	p := newPlanner(desired, live, opts)

	// Decide what becomes of every entity before planning any change,
	// because sub-resources depend on the fate of their owner and of the
	// policies and roles they name.
	p.pairUsers()
	p.pairGroups()
	p.pairRoles()
	p.pairPolicies()
	p.pairInstanceProfiles()

	// Plan the entities, then what they own.
	p.planUsers()
	p.planGroups()
	p.planRoles()
	p.planPolicies()
	p.planInstanceProfiles()
	p.planOwnedResources()
	p.planMemberships()
	p.planCredentials()
	p.planAccountSettings()
	p.warnWidenedGrants()

	// Check what only the live state can tell.
	p.checkReferences()
	p.checkMissingPolicies()
	p.warnCaseOnlyNames()
	p.warnExpiredDeclarations()
	p.checkTrustPrincipals()
	p.checkTrustedPrincipals()
	p.checkQuotas()

	// Record what each replacement does to what names the entity, limit
	// the plan to its targets, and check what is left against the
	// lifecycle blocks.
	p.findDependents()
	p.limitToTargets()
	p.checkAccountQuotas()
	p.reportChangeDiags()
	p.checkSelfTrust()
	p.checkPreventDestroy()

	// Warn of changes that may take rights away from the caller itself.
	plan := p.result()
	risks := SelfLockoutRisks(plan, p.live)
	for i := range risks {
		if risks[i].Change.DeclRange == nil && risks[i].Change.Parent != nil {
			risks[i].Range = p.declRangeOf(*risks[i].Change.Parent)
		}
	}
	p.diags = append(p.diags, LockoutWarnings(risks, p.live.Caller.ARN)...)
	p.warnRecentUse(plan)
	p.warnNothingDeclared(plan)
	plan.Warnings = WarningsOf(p.diags)
	return plan, p.diags
}

// planner holds the inputs and the results of one Make call.
type planner struct {
	cfg  *spec.Config
	live *provider.State
	now  time.Time
	// targets are the parsed Options.Targets.
	targets   []string
	partition string
	accountID string
	// quotas are the account's, from the summary, or IAM's defaults.
	quotas spec.Quotas

	users    []*userPair
	groups   []*groupPair
	roles    []*rolePair
	policies []*policyPair
	profiles []*profilePair

	// Lookups by folded name; policies by folded ARN.
	userByLive   map[string]*userPair
	userByDecl   map[string]*userPair
	groupByLive  map[string]*groupPair
	groupByDecl  map[string]*groupPair
	roleByLive   map[string]*rolePair
	roleByDecl   map[string]*rolePair
	policyByLive map[string]*policyPair
	policyByDecl map[string]*policyPair
	policyUses   map[string][]policyUse

	// changeDiags are diagnostics about single changes, reported once the
	// targets have limited the plan.
	changeDiags []changeDiag

	// liveDocs caches parsed live documents by text: many roles share a
	// trust policy, and some documents are read twice.
	liveDocs map[string]*policydoc.Document

	changes map[string]*Change
	diags   hcl.Diagnostics
	// recentUse is Options.RecentUse.
	recentUse time.Duration
}

func newPlanner(desired *spec.Config, live *provider.State, opts Options) *planner {
	p := &planner{
		cfg:          desired,
		live:         sortedState(live),
		now:          opts.Now,
		recentUse:    opts.RecentUse,
		partition:    firstNonEmpty(live.Partition, desired.Partition, "aws"),
		accountID:    firstNonEmpty(live.AccountID, desired.AccountID),
		quotas:       spec.QuotasFromSummary(live.Summary),
		userByLive:   make(map[string]*userPair, len(live.Users)),
		userByDecl:   make(map[string]*userPair, len(desired.Users)),
		groupByLive:  make(map[string]*groupPair, len(live.Groups)),
		groupByDecl:  make(map[string]*groupPair, len(desired.Groups)),
		roleByLive:   make(map[string]*rolePair, len(live.Roles)),
		roleByDecl:   make(map[string]*rolePair, len(desired.Roles)),
		policyByLive: make(map[string]*policyPair, len(live.Policies)),
		policyByDecl: make(map[string]*policyPair, len(desired.Policies)),
		policyUses:   make(map[string][]policyUse, len(live.Policies)),
		liveDocs:     make(map[string]*policydoc.Document, liveDocumentCount(live)),
		changes:      map[string]*Change{},
	}
	p.indexPolicyUses()
	p.targets = p.parseTargets(opts.Targets)
	return p
}

// liveDocumentCount returns the maximum number of live documents that
// liveDoc may cache for the state: inline policies, trust policies and the
// default versions of managed policies.
func liveDocumentCount(live *provider.State) int {
	n := len(live.Roles) + len(live.Policies)
	for _, u := range live.Users {
		n += len(u.InlinePolicies)
	}
	for _, g := range live.Groups {
		n += len(g.InlinePolicies)
	}
	for _, r := range live.Roles {
		n += len(r.InlinePolicies)
	}
	return n
}

// sortedState returns a shallow copy of the state with its lists sorted by
// name, so that the plan and its diagnostics do not depend on the order in
// which the reader listed the entities. The caller's state is not changed.
func sortedState(live *provider.State) *provider.State {
	s := *live
	s.Users = slices.Clone(live.Users)
	s.Groups = slices.Clone(live.Groups)
	s.Roles = slices.Clone(live.Roles)
	s.Policies = slices.Clone(live.Policies)
	s.InstanceProfiles = slices.Clone(live.InstanceProfiles)
	s.Sort()
	return &s
}

// fate is the outcome that the plan gives one entity as a whole.
type fate int

const (
	// fateCreate: declared, not in the account.
	fateCreate fate = iota + 1
	// fateKeep: declared and in the account; updated in place where it
	// differs.
	fateKeep
	// fateReplace: declared and in the account with an attribute that IAM
	// cannot change in place.
	fateReplace
	// fateDelete: in the account and inside the scope, but not declared or
	// expired.
	fateDelete
	// fateIgnore: in the account but not managed, because it is outside
	// the scope or reserved by AWS. Only references to deleted or replaced
	// policies and roles change on it.
	fateIgnore
	// fateGone: declared but expired, and not in the account.
	fateGone
	// fateInvalid: declared in error, as reported by a diagnostic. Nothing
	// is planned for it or for what it holds.
	fateInvalid
)

// entity is the planner's decision about one declared or live entity.
type entity struct {
	addr string
	fate fate
	// reason and detail explain why a live entity is deleted.
	reason Reason
	detail string
}

// managed reports whether the configuration decides what the entity holds.
func (e *entity) managed() bool {
	return e.fate == fateCreate || e.fate == fateKeep || e.fate == fateReplace
}

// exists reports whether the entity is in the account after the plan.
func (e *entity) exists() bool { return e.managed() || e.fate == fateIgnore }

// add records a change. When two rules plan the same address, as when a
// membership goes with both its deleted user and its deleted group, the
// first one stays.
func (p *planner) add(c *Change) {
	if _, ok := p.changes[c.Address]; ok {
		return
	}
	p.changes[c.Address] = c
}

// result returns the plan with its changes sorted by address.
func (p *planner) result() *Plan {
	plan := &Plan{AccountID: p.accountID, CreatedAt: p.now, Targets: p.targets}
	for _, c := range p.changes {
		plan.Changes = append(plan.Changes, c)
	}
	sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Address < plan.Changes[j].Address })
	return plan
}

// expired reports whether an expiry time has passed at the plan's time.
func (p *planner) expired(at *time.Time) bool {
	return at != nil && at.Before(p.now)
}

// pairNames matches declared names with live ones, case-insensitively. A
// declaration whose name is not live takes the first of its previous names
// that is live and that no other declaration claims. For each declaration
// it returns the index of its live entity, or -1, and whether the match is
// through a previous name. claimed marks the live entities matched.
func pairNames(declared []string, previous [][]string, live []string) (match []int, renamed []bool, claimed []bool) {
	index := make(map[string]int, len(live))
	for i, name := range live {
		key := fold(name)
		if _, dup := index[key]; !dup {
			index[key] = i
		}
	}
	match = make([]int, len(declared))
	renamed = make([]bool, len(declared))
	claimed = make([]bool, len(live))

	// Current names first, so that a previous name never takes an entity
	// that another declaration names outright.
	for i, name := range declared {
		match[i] = -1
		if j, ok := index[fold(name)]; ok && !claimed[j] {
			match[i] = j
			claimed[j] = true
		}
	}

	// Then renames.
	for i := range declared {
		if match[i] >= 0 || i >= len(previous) {
			continue
		}
		for _, old := range previous[i] {
			if j, ok := index[fold(old)]; ok && !claimed[j] {
				match[i] = j
				renamed[i] = true
				claimed[j] = true
				break
			}
		}
	}
	return match, renamed, claimed
}

// fold returns the form names are compared in.
func fold(name string) string { return strings.ToLower(name) }

// liveAddress returns the address of an entity that only the account has.
func liveAddress(typ Type, name string) string {
	return spec.LiveAddress(string(typ), name).String()
}

// firstNonEmpty returns the first of values that is not empty.
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// formatTime formats an expiry time as plans print it.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// expiryAttrs returns the expires_at attribute of a created object that
// a plan removes again once the time has passed, so that the reviewer sees
// the access is temporary. An object without expiry gets none.
func expiryAttrs(expiresAt *time.Time) []Attr {
	if expiresAt == nil {
		return nil
	}
	return []Attr{{Name: "expires_at", After: formatTime(*expiresAt)}}
}

// rangePtr returns a pointer to a copy of r, or nil for an empty range.
func rangePtr(r hcl.Range) *hcl.Range {
	if r.Filename == "" && r.Start.Byte == 0 && r.End.Byte == 0 {
		return nil
	}
	return &r
}

// declRangeOf returns where the configuration declares the user, group or
// role ref names, or nil when it does not declare it.
func (p *planner) declRangeOf(ref Ref) *hcl.Range {
	key := fold(ref.Name)
	switch ref.Type {
	case TypeUser:
		if u := p.userByLive[key]; u != nil && u.decl != nil {
			return rangePtr(u.decl.DeclRange)
		}
	case TypeGroup:
		if g := p.groupByLive[key]; g != nil && g.decl != nil {
			return rangePtr(g.decl.DeclRange)
		}
	case TypeRole:
		if r := p.roleByLive[key]; r != nil && r.decl != nil {
			return rangePtr(r.decl.DeclRange)
		}
	}
	return nil
}

// WarningsOf returns the warnings among diags, in order.
func WarningsOf(diags hcl.Diagnostics) []Warning {
	var out []Warning
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning {
			continue
		}
		w := Warning{Summary: d.Summary, Detail: d.Detail}
		if address, ok := d.Extra.(spec.DiagnosticAddress); ok {
			w.Address = string(address)
		}
		if d.Subject != nil {
			r := *d.Subject
			w.Range = &r
		}
		out = append(out, w)
	}
	return out
}
