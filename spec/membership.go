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
	users := map[string]*User{}
	var userNames []string
	for _, u := range l.cfg.Users {
		users[strings.ToLower(u.Name)] = u
		userNames = append(userNames, u.Name)
	}
	groups := map[string]*Group{}
	var groupNames []string
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
			l.diags = append(l.diags, undeclaredMember("user", ref.user, userNames, ref.rng))
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
	fromUsers := map[pair]hcl.Range{}
	for _, ref := range l.userGroups {
		g := groups[strings.ToLower(ref.group)]
		if g == nil {
			l.diags = append(l.diags, undeclaredMember("group", ref.group, groupNames, ref.rng))
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

func undeclaredMember(what, name string, declared []string, rng hcl.Range) *hcl.Diagnostic {
	detail := fmt.Sprintf("No %s named %q is declared. Memberships may name only declared %ss.", what, name, what)
	if suggestion := nameSuggestion(name, declared); suggestion != "" {
		detail += fmt.Sprintf(" Did you mean %q?", suggestion)
	}
	return errorAt(rng, fmt.Sprintf("Undeclared %s", what), detail)
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
	byType := map[string][]named{}
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
		first := map[string]named{}
		for _, n := range byType[typ] {
			folded := strings.ToLower(n.name)
			if previous, ok := first[folded]; ok {
				l.diags = append(l.diags, errorAt(n.rng, fmt.Sprintf("Duplicate %s name", strings.ReplaceAll(typ, "_", " ")),
					fmt.Sprintf("%s and %s, declared at %s, are both named %q. IAM names are unique regardless of "+
						"case, so each %s needs a name of its own.", n.address, previous.address, previous.rng, n.name,
						strings.ReplaceAll(typ, "_", " "))))
				continue
			}
			first[folded] = n
		}
		for _, n := range byType[typ] {
			for _, old := range n.previous {
				if other, ok := first[strings.ToLower(old)]; ok && other.address != n.address {
					l.diags = append(l.diags, errorAt(n.rng, "Previous name in use", fmt.Sprintf(
						"%s lists %q among its previous names, but %s, declared at %s, has that name. A rename "+
							"needs the old name to be free.", n.address, old, other.address, other.rng)))
				}
			}
		}
	}
}
