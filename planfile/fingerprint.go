package planfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// fingerprintPrefix starts every fingerprint and names its hash.
const fingerprintPrefix = "sha256:"

// StateFingerprint returns a hash of what the planner compares in a live
// state: names, paths, tags, policies and their documents by meaning,
// attachments, boundaries, memberships, instance profiles, the credentials
// that were read, the account settings and quotas. It leaves out what
// changes without the account's IAM changing: read order, unique ids,
// creation dates other than those of access keys and policy versions,
// last-used data, usage counts and the AWS-managed policies. Planned at the
// same time, a configuration gives the same plan for two states with the
// same fingerprint.
func StateFingerprint(s *provider.State) string {
	return combine(EntityFingerprints(s))
}

// EntityFingerprints returns the fingerprint of each entity and account
// setting of the state, keyed by a name such as "user alice", "policy
// arn:aws:iam::111122223333:policy/Read" or "account alias". Comparing two
// such maps shows which entities changed.
func EntityFingerprints(s *provider.State) map[string]string {
	return ScopedFingerprints(s, spec.DefaultScope())
}

// ScopedFingerprints returns the fingerprints of the entities that a plan
// with this scope can touch. These are the entities inside the scope, and
// those outside it that name something inside it. Such a name is an
// attachment or boundary of a policy in the scope, a membership of a group
// in the scope, or a profile containing a role in the scope, or the other
// way round. These entities count because planning removes such uses
// before it deletes what they name. Changes to the rest of the account do not affect the plan, so they
// do not make it stale.
func ScopedFingerprints(s *provider.State, scope spec.Scope) map[string]string {
	in := scopeOf(s, scope)
	prints := map[string]string{}
	add := func(key string, record any) {
		prints[key] = hashJSON(record)
	}

	add("account identity", struct {
		AccountID, Partition string
		RoleDetailsRead      bool
	}{s.AccountID, s.Partition, s.RoleDetailsRead})
	if scope.AccountSettings {
		add("account alias", sortedCopy(s.Aliases))
		add("password policy", s.PasswordPolicy)
	}
	add("account quotas", quotas(s.Summary))

	for _, u := range s.Users {
		if in.user(u) {
			add("user "+u.Name, userRecordOf(u))
		}
	}
	for _, g := range s.Groups {
		if in.group(g) {
			add("group "+g.Name, groupRecord(g))
		}
	}
	for _, r := range s.Roles {
		if in.role(r) {
			add("role "+r.Name, roleRecord(r))
		}
	}
	for _, p := range s.Policies {
		if !p.AWSManaged() && in.policies[p.ARN] {
			add("policy "+p.ARN, policyRecord(p))
		}
	}
	for _, ip := range s.InstanceProfiles {
		if in.profile(ip) {
			add("instance profile "+ip.Name, profileRecord(ip))
		}
	}
	return prints
}

// scopeSet contains the folded names of the groups and roles inside a
// scope, and the ARNs of its customer-managed policies.
type scopeSet struct {
	groups, roles map[string]bool
	policies      map[string]bool
	scope         spec.Scope
}

func scopeOf(s *provider.State, scope spec.Scope) scopeSet {
	set := scopeSet{groups: map[string]bool{}, roles: map[string]bool{}, policies: map[string]bool{}, scope: scope}
	for _, g := range s.Groups {
		if scope.Contains(g.Path, g.Name) {
			set.groups[strings.ToLower(g.Name)] = true
		}
	}
	for _, r := range s.Roles {
		if !r.Reserved() && scope.Contains(r.Path, r.Name) {
			set.roles[strings.ToLower(r.Name)] = true
		}
	}
	for _, p := range s.Policies {
		if !p.AWSManaged() && scope.Contains(p.Path, p.Name) {
			set.policies[p.ARN] = true
		}
	}
	return set
}

// namesPolicy reports whether a list of policy ARNs or a boundary names a
// policy of the scope.
func (in scopeSet) namesPolicy(arns []string, boundary string) bool {
	return in.policies[boundary] || slices.ContainsFunc(arns, func(arn string) bool { return in.policies[arn] })
}

func (in scopeSet) user(u *provider.User) bool {
	return in.scope.Contains(u.Path, u.Name) || in.namesPolicy(u.AttachedPolicies, u.PermissionsBoundary) ||
		slices.ContainsFunc(u.Groups, func(g string) bool { return in.groups[strings.ToLower(g)] })
}

func (in scopeSet) group(g *provider.Group) bool {
	return in.groups[strings.ToLower(g.Name)] || in.namesPolicy(g.AttachedPolicies, "")
}

func (in scopeSet) role(r *provider.Role) bool {
	return in.roles[strings.ToLower(r.Name)] || in.namesPolicy(r.AttachedPolicies, r.PermissionsBoundary)
}

func (in scopeSet) profile(ip *provider.InstanceProfile) bool {
	return in.scope.Contains(ip.Path, ip.Name) ||
		slices.ContainsFunc(ip.Roles, func(r string) bool { return in.roles[strings.ToLower(r)] })
}

// combine hashes entity fingerprints into one, in key order.
func combine(prints map[string]string) string {
	keys := make([]string, 0, len(prints))
	for k := range prints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s\t%s\n", k, prints[k])
	}
	return fingerprintPrefix + hex.EncodeToString(h.Sum(nil))
}

// hashJSON hashes the JSON form of a record. encoding/json writes struct
// fields in order and map keys sorted, so equal records hash the same.
func hashJSON(record any) string {
	data, err := json.Marshal(record)
	if err != nil {
		panic(fmt.Sprintf("planfile: marshal %T: %v", record, err))
	}
	sum := sha256.Sum256(data)
	return fingerprintPrefix + hex.EncodeToString(sum[:])
}

// quotas returns the quota entries of GetAccountSummary's map. The other
// entries count usage, which the entities' own records cover.
func quotas(summary map[string]int32) map[string]int32 {
	out := map[string]int32{}
	for k, v := range summary {
		if strings.HasSuffix(k, "Quota") {
			out[k] = v
		}
	}
	return out
}

type userRecord struct {
	Name, Path, Boundary string
	Tags                 map[string]string
	Groups, Attached     []string
	Inline               map[string]string
	Credentials          *credentialsRecord
}

type credentialsRecord struct {
	LoginProfile          bool
	PasswordResetRequired bool
	AccessKeys            []accessKeyRecord
	// Others are the credentials that apply deletes with a deleted user.
	Others [][]string
}

// accessKeyRecord includes the creation date, because the planner orders
// keys by it when it matches them against declarations without a key id.
type accessKeyRecord struct {
	ID, Status string
	Created    time.Time
}

func userRecordOf(u *provider.User) userRecord {
	r := userRecord{
		Name: u.Name, Path: u.Path, Boundary: u.PermissionsBoundary,
		Tags: tags(u.Tags), Groups: sortedCopy(u.Groups), Attached: sortedCopy(u.AttachedPolicies),
		Inline: inline(u.InlinePolicies),
	}
	if c := u.Credentials; c != nil {
		cr := &credentialsRecord{LoginProfile: c.LoginProfile != nil}
		if c.LoginProfile != nil {
			cr.PasswordResetRequired = c.LoginProfile.PasswordResetRequired
		}
		for _, k := range c.AccessKeys {
			cr.AccessKeys = append(cr.AccessKeys, accessKeyRecord{ID: k.ID, Status: k.Status, Created: k.CreateDate.UTC()})
		}
		sort.Slice(cr.AccessKeys, func(i, j int) bool { return cr.AccessKeys[i].ID < cr.AccessKeys[j].ID })
		cr.Others = [][]string{
			sortedCopy(c.MFADevices), sortedCopy(c.SSHPublicKeys),
			sortedCopy(c.SigningCertificates), sortedCopy(c.ServiceSpecificCredentials),
		}
		r.Credentials = cr
	}
	return r
}

func groupRecord(g *provider.Group) any {
	return struct {
		Name, Path string
		Attached   []string
		Inline     map[string]string
	}{g.Name, g.Path, sortedCopy(g.AttachedPolicies), inline(g.InlinePolicies)}
}

// roleRecord covers what the planner compares. For a role that AWS
// reserves, it covers only the attachments and boundary, which keep a
// policy in use, because the planner never changes such a role and AWS may
// change it at any time.
func roleRecord(r *provider.Role) any {
	if r.Reserved() {
		return struct {
			Name, Path, Boundary string
			Attached             []string
		}{r.Name, r.Path, r.PermissionsBoundary, sortedCopy(r.AttachedPolicies)}
	}
	return struct {
		Name, Path, Description, Boundary string
		Trust                             string
		MaxSessionDuration                int32
		Tags                              map[string]string
		Attached, InstanceProfiles        []string
		Inline                            map[string]string
	}{
		r.Name, r.Path, r.Description, r.PermissionsBoundary,
		canonical(r.AssumeRolePolicy),
		r.MaxSessionDuration,
		tags(r.Tags),
		sortedCopy(r.AttachedPolicies), sortedCopy(r.InstanceProfiles),
		inline(r.InlinePolicies),
	}
}

// versionRecord includes the creation date, because it decides which
// version is deleted when the policy has as many versions as IAM allows.
// Only the default version has a document, because the planner compares no
// other.
type versionRecord struct {
	ID        string
	IsDefault bool
	Created   time.Time
	Document  string `json:",omitempty"`
}

func policyRecord(p *provider.ManagedPolicy) any {
	var versions []versionRecord
	for _, v := range p.Versions {
		vr := versionRecord{ID: v.ID, IsDefault: v.IsDefault || v.ID == p.DefaultVersionID, Created: v.CreateDate.UTC()}
		if vr.IsDefault {
			vr.Document = canonical(v.Document)
		}
		versions = append(versions, vr)
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i].ID < versions[j].ID })
	return struct {
		ARN, Name, Path, Description, DefaultVersionID string
		Versions                                       []versionRecord
		Tags                                           map[string]string
	}{p.ARN, p.Name, p.Path, p.Description, p.DefaultVersionID, versions, tags(p.Tags)}
}

func profileRecord(ip *provider.InstanceProfile) any {
	return struct {
		Name, Path string
		Roles      []string
		Tags       map[string]string
	}{ip.Name, ip.Path, sortedCopy(ip.Roles), tags(ip.Tags)}
}

// canonical returns a document in the form that compares by meaning, or
// the text itself when it does not parse. IAM may return the same policy
// with lists in another order from one read to the next.
func canonical(text string) string {
	if text == "" {
		return ""
	}
	d, err := policydoc.Parse(text)
	if err != nil {
		return text
	}
	return d.Canonical()
}

// inline returns inline policies as canonical documents by name.
func inline(policies []provider.InlinePolicy) map[string]string {
	if len(policies) == 0 {
		return nil
	}
	out := make(map[string]string, len(policies))
	for _, p := range policies {
		out[p.Name] = canonical(p.Document)
	}
	return out
}

// tags returns tags as a map, or nil when there are none, because the
// planner does not distinguish tags that were not read from no tags.
func tags(list []provider.Tag) map[string]string {
	if len(list) == 0 {
		return nil
	}
	out := make(map[string]string, len(list))
	for _, t := range list {
		out[t.Key] = t.Value
	}
	return out
}

func sortedCopy(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	out := slices.Clone(list)
	sort.Strings(out)
	return out
}

// entityDiff names the entities whose fingerprints differ between the
// saved ones and the current ones.
type entityDiff struct {
	Changed, Created, Deleted []string
}

func diffEntities(saved, current map[string]string) entityDiff {
	var d entityDiff
	for k, v := range current {
		switch old, ok := saved[k]; {
		case !ok:
			d.Created = append(d.Created, k)
		case old != v:
			d.Changed = append(d.Changed, k)
		}
	}
	for k := range saved {
		if _, ok := current[k]; !ok {
			d.Deleted = append(d.Deleted, k)
		}
	}
	sort.Strings(d.Changed)
	sort.Strings(d.Created)
	sort.Strings(d.Deleted)
	return d
}
