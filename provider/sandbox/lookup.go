package sandbox

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// sortedByKey returns the map's values ordered by key. Entity maps are keyed
// by lower-case name, so this is IAM's alphabetical order.
func sortedByKey[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// mapSlice returns f applied to each item, in order. An empty input gives
// an empty slice rather than nil, which JSON encodes as [] rather than null.
func mapSlice[T, U any](items []T, f func(T) U) []U {
	out := make([]U, len(items))
	for i, item := range items {
		out[i] = f(item)
	}
	return out
}

// removeFirst deletes the first item that match accepts and reports
// whether there was one.
func removeFirst[T any](items *[]T, match func(T) bool) bool {
	i := slices.IndexFunc(*items, match)
	if i < 0 {
		return false
	}
	*items = slices.Delete(*items, i, i+1)
	return true
}

func sortedUsers(a *account) []*user                       { return sortedByKey(a.users) }
func sortedGroups(a *account) []*group                     { return sortedByKey(a.groups) }
func sortedRoles(a *account) []*role                       { return sortedByKey(a.roles) }
func sortedInstanceProfiles(a *account) []*instanceProfile { return sortedByKey(a.instanceProfiles) }
func sortedVirtualMFADevices(a *account) []*virtualMFADevice {
	return sortedByKey(a.virtualMFADevices)
}

// sortedPolicies returns the account's policies by name, then ARN.
func sortedPolicies(a *account) []*managedPolicy {
	out := slices.Collect(maps.Values(a.policies))
	slices.SortFunc(out, comparePolicies)
	return out
}

func comparePolicies(x, y *managedPolicy) int {
	return cmp.Or(strings.Compare(key(x.name), key(y.name)), strings.Compare(x.arn, y.arn))
}

// instanceProfilesOf returns the instance profiles that hold the role.
func (a *account) instanceProfilesOf(r *role) []*instanceProfile {
	var out []*instanceProfile
	for _, ip := range sortedInstanceProfiles(a) {
		if slices.Contains(ip.roles, r) {
			out = append(out, ip)
		}
	}
	return out
}

// policyUsage counts how a managed policy is used in the account.
type policyUsage struct {
	attachments int32 // users, groups and roles it is attached to
	boundaries  int32 // users and roles it is the permissions boundary of
}

// policyUsage counts the use of every policy that is used at all.
func (a *account) policyUsage() map[*managedPolicy]policyUsage {
	counts := map[*managedPolicy]policyUsage{}
	attach := func(ps []*managedPolicy) {
		for _, p := range ps {
			u := counts[p]
			u.attachments++
			counts[p] = u
		}
	}
	bound := func(p *managedPolicy) {
		if p != nil {
			u := counts[p]
			u.boundaries++
			counts[p] = u
		}
	}
	for _, u := range a.users {
		attach(u.attached)
		bound(u.boundary)
	}
	for _, g := range a.groups {
		attach(g.attached)
	}
	for _, r := range a.roles {
		attach(r.attached)
		bound(r.boundary)
	}
	return counts
}

// Lookups that fail with IAM's NoSuchEntity.

func (c *call) user(name string) (*user, error)   { return findNamed(c.acct.users, "user", name) }
func (c *call) group(name string) (*group, error) { return findNamed(c.acct.groups, "group", name) }
func (c *call) role(name string) (*role, error)   { return findNamed(c.acct.roles, "role", name) }

func (c *call) instanceProfile(name string) (*instanceProfile, error) {
	if ip := c.acct.instanceProfiles[key(name)]; ip != nil {
		return ip, nil
	}
	return nil, errNoSuchEntity("Instance Profile %s cannot be found.", name)
}

// modifiableRole returns the role unless AWS owns it, which IAM reports as
// UnmodifiableEntity.
func (c *call) modifiableRole(name string) (*role, error) {
	r, err := c.role(name)
	if err != nil {
		return nil, err
	}
	if r.reserved() {
		return nil, errUnmodifiableEntity("Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.name)
	}
	return r, nil
}
