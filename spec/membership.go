package spec

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// memberRef is a user named by a group's members list or member block.
type memberRef struct {
	group     *Group
	user      string
	expiresAt *time.Time
	rng       hcl.Range
}

// groupRef is a group named by a user's groups list.
type groupRef struct {
	user  *User
	group string
	rng   hcl.Range
}

// memberships holds what groups and users declare about membership until
// every entity is decoded.
type memberships struct {
	groupMembers []*memberRef
	userGroups   []*groupRef
	// groupMembersRange is where a group declares its complete member list.
	groupMembersRange map[*Group]hcl.Range
}

// resolveMemberships joins the members lists of groups and the groups lists
// of users into Config.Memberships. Names are matched without case, as IAM
// matches them, and recorded in the spelling of the declaration.
func (l *loader) resolveMemberships() {
	users := make(map[string]*User, len(l.cfg.Users))
	userNames := make([]string, 0, len(l.cfg.Users))
	for _, u := range l.cfg.Users {
		users[strings.ToLower(u.Name)] = u
		userNames = append(userNames, u.Name)
	}
	groups := make(map[string]*Group, len(l.cfg.Groups))
	groupNames := make([]string, 0, len(l.cfg.Groups))
	for _, g := range l.cfg.Groups {
		groups[strings.ToLower(g.Name)] = g
		groupNames = append(groupNames, g.Name)
	}

	type pair struct{ user, group string }
	declared := map[pair]hcl.Range{}

	// Group side first: these lists are complete when present.
	for _, ref := range l.groupMembers {
		u := users[strings.ToLower(ref.user)]
		if u == nil {
			l.diags = append(l.diags, undeclaredMember("user", ref.user, userNames, l.userByLabel(ref.user), ref.rng))
			continue
		}
		key := pair{strings.ToLower(u.Name), strings.ToLower(ref.group.Name)}
		if previous, ok := declared[key]; ok {
			l.diags = append(l.diags, errorAt(ref.rng, "Duplicate group member", fmt.Sprintf(
				"The user %q is already a member of %q by the declaration at %s.", u.Name, ref.group.Name, previous)))
			continue
		}
		declared[key] = ref.rng
		ref.group.Members = append(ref.group.Members, u.Name)
		l.cfg.Memberships = append(l.cfg.Memberships, &Membership{
			User: u.Name, Group: ref.group.Name, ExpiresAt: ref.expiresAt, Range: ref.rng,
		})
	}

	// User side: a membership the group already lists is fine; one that a
	// complete list leaves out is a contradiction.
	fromUsers := make(map[pair]hcl.Range, len(l.userGroups))
	for _, ref := range l.userGroups {
		g := groups[strings.ToLower(ref.group)]
		if g == nil {
			l.diags = append(l.diags, undeclaredMember("group", ref.group, groupNames, l.groupByLabel(ref.group), ref.rng))
			continue
		}
		key := pair{strings.ToLower(ref.user.Name), strings.ToLower(g.Name)}
		if previous, ok := fromUsers[key]; ok {
			l.diags = append(l.diags, errorAt(ref.rng, "Duplicate group", fmt.Sprintf(
				"The group %q is already listed at %s.", g.Name, previous)))
			continue
		}
		fromUsers[key] = ref.rng
		if _, ok := declared[key]; ok {
			continue
		}
		if g.Members != nil {
			l.diags = append(l.diags, errorAt(ref.rng, "User not in the group's member list", fmt.Sprintf(
				"The group %q declares its complete member list at %s, and %q is not in it. Add the user "+
					"there, or remove %q from this user's groups.",
				g.Name, l.groupMembersRange[g], ref.user.Name, g.Name)))
			continue
		}
		declared[key] = ref.rng
		l.cfg.Memberships = append(l.cfg.Memberships, &Membership{User: ref.user.Name, Group: g.Name, Range: ref.rng})
	}
}

// undeclaredMember reports a membership string that names no declared user
// or group. labelled is the entity whose block label or for_each key is the
// string, or nil: a string is matched against IAM names, and a name
// attribute may have given the entity another name than its label.
func undeclaredMember(what, name string, declared []string, labelled *labelledEntity, rng hcl.Range) *hcl.Diagnostic {
	detail := fmt.Sprintf("No %s named %q is declared. Memberships may name only declared %ss.", what, name, what)
	if labelled != nil {
		detail += fmt.Sprintf(" The %s declared as %s is named %q: write %s.name to refer to it.",
			what, labelled.address, labelled.name, labelled.address)
	} else if suggestion := nameSuggestion(name, declared); suggestion != "" {
		detail += fmt.Sprintf(" Did you mean %q?", suggestion)
	}
	return errorAt(rng, fmt.Sprintf("Undeclared %s", what), detail)
}

// labelledEntity is a declared user or group found by its label.
type labelledEntity struct {
	address Address
	name    string
}

// userByLabel returns the user whose block label, or else whose for_each
// key, is label, or nil when there is none.
func (l *loader) userByLabel(label string) *labelledEntity {
	var found *labelledEntity
	for _, u := range l.cfg.Users {
		if matchesLabel(u.Address, label) && (found == nil || found.address.HasKey) {
			found = &labelledEntity{address: u.Address, name: u.Name}
		}
	}
	return found
}

// groupByLabel is userByLabel for groups.
func (l *loader) groupByLabel(label string) *labelledEntity {
	var found *labelledEntity
	for _, g := range l.cfg.Groups {
		if matchesLabel(g.Address, label) && (found == nil || found.address.HasKey) {
			found = &labelledEntity{address: g.Address, name: g.Name}
		}
	}
	return found
}

// matchesLabel reports whether label is the label of a block without
// for_each, or the key of one instance of a block with for_each.
func matchesLabel(addr Address, label string) bool {
	if addr.HasKey {
		return addr.Key == label
	}
	return addr.Label == label
}

// checkUniqueNames reports entities of one type whose names differ only in
// case, which IAM treats as the same name, and previous names that another
// entity uses.
func (l *loader) checkUniqueNames() {
	type named struct {
		name, typ string
		address   Address
		rng       hcl.Range
		previous  []string
	}
	byType := map[string][]named{
		blockUser:            make([]named, 0, len(l.cfg.Users)),
		blockGroup:           make([]named, 0, len(l.cfg.Groups)),
		blockRole:            make([]named, 0, len(l.cfg.Roles)),
		blockPolicy:          make([]named, 0, len(l.cfg.Policies)),
		blockInstanceProfile: make([]named, 0, len(l.cfg.InstanceProfiles)),
	}
	for _, u := range l.cfg.Users {
		byType[blockUser] = append(byType[blockUser], named{u.Name, blockUser, u.Address, u.DeclRange, u.PreviousNames})
	}
	for _, g := range l.cfg.Groups {
		byType[blockGroup] = append(byType[blockGroup], named{g.Name, blockGroup, g.Address, g.DeclRange, g.PreviousNames})
	}
	for _, r := range l.cfg.Roles {
		byType[blockRole] = append(byType[blockRole], named{r.Name, blockRole, r.Address, r.DeclRange, nil})
	}
	for _, p := range l.cfg.Policies {
		byType[blockPolicy] = append(byType[blockPolicy], named{p.Name, blockPolicy, p.Address, p.DeclRange, nil})
	}
	for _, ip := range l.cfg.InstanceProfiles {
		byType[blockInstanceProfile] = append(byType[blockInstanceProfile],
			named{ip.Name, blockInstanceProfile, ip.Address, ip.DeclRange, nil})
	}

	for _, typ := range entityTypes {
		first := make(map[string]named, len(byType[typ]))
		for _, n := range byType[typ] {
			folded := strings.ToLower(n.name)
			if previous, ok := first[folded]; ok {
				l.diags = append(l.diags, errorAt(n.rng, fmt.Sprintf("Duplicate %s name", strings.ReplaceAll(typ, "_", " ")),
					duplicateNameDetail(n.address, n.name, previous.address, previous.name, previous.rng, typ)))
				continue
			}
			first[folded] = n
		}
		claimed := map[string]named{}
		for _, n := range byType[typ] {
			for _, old := range n.previous {
				folded := strings.ToLower(old)
				if other, ok := first[folded]; ok && other.address != n.address {
					l.diags = append(l.diags, errorAt(n.rng, "Previous name in use", fmt.Sprintf(
						"%s lists %q among its previous names, but %s, declared at %s, has that name. A rename "+
							"needs the old name to be free: to swap two names, rename one of them to a third "+
							"name first, in an apply of its own.", n.address, old, other.address, other.rng)))
				}
				if other, ok := claimed[folded]; ok && other.address != n.address {
					l.diags = append(l.diags, errorAt(n.rng, "Previous name claimed twice", fmt.Sprintf(
						"%s and %s, declared at %s, both list %q among their previous names, so which of them "+
							"the live entity becomes would depend on the order of the files. Keep it in one of them.",
						n.address, other.address, other.rng, old)))
					continue
				}
				claimed[folded] = n
			}
		}
	}
}

// duplicateNameDetail returns the detail of a duplicate name error: two
// entities whose names IAM takes for the same. It quotes both spellings when
// they differ in case.
func duplicateNameDetail(addr Address, name string, firstAddr Address, firstName string, firstRange hcl.Range, typ string) string {
	names := fmt.Sprintf("are both named %q", name)
	if name != firstName {
		names = fmt.Sprintf("are named %q and %q, which differ only in case", firstName, name)
	}
	return fmt.Sprintf("%s, declared at %s, and %s %s. IAM names are unique regardless of case, so each %s "+
		"needs a name of its own.", firstAddr, firstRange, addr, names, strings.ReplaceAll(typ, "_", " "))
}
