package planner

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/provider"
)

// DefaultRecentUse is how far back a use of a role, user or access key
// makes its deletion worth a warning.
const DefaultRecentUse = 90 * 24 * time.Hour

// warnRecentUse warns of deletes of roles, users and access keys that were
// used within the recent-use window before the plan's time. It uses only
// the last-use times that the live state contains: RoleLastUsed for roles,
// and for users the password and key use read with their credentials.
func (p *planner) warnRecentUse(plan *Plan) {
	window := p.recentUse
	if window == 0 {
		window = DefaultRecentUse
	}
	since := p.now.Add(-window)
	deletedUsers := map[string]bool{}
	for _, c := range plan.Changes {
		if c.Type == TypeUser && c.Action == Delete {
			deletedUsers[fold(c.Name)] = true
		}
	}
	for _, c := range plan.Changes {
		if c.Action != Delete && c.Action != Replace {
			continue
		}
		// The warning of a deleted user already names its latest use.
		if c.Type == TypeAccessKey && c.Parent != nil && deletedUsers[fold(c.Parent.Name)] {
			continue
		}
		used, what := p.lastUse(c)
		if used == nil || used.Before(since) {
			continue
		}
		days := int(p.now.Sub(*used).Hours() / 24)
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Deleting something in use",
			Detail: fmt.Sprintf("%s will be %s, but %s was last used on %s (%s). Check that nothing still depends on it before applying.",
				c.Address, deletedWord(c.Action), what, used.UTC().Format("2006-01-02"), daysAgo(days)),
			Subject: c.DeclRange,
		})
	}
}

// lastUse returns when the object of a change was last used and a phrase
// that names that use, or nil when the state has no record of a use.
func (p *planner) lastUse(c *Change) (*time.Time, string) {
	switch c.Type {
	case TypeRole:
		if r := p.live.Role(c.Name); r != nil && r.LastUsed != nil {
			return r.LastUsed, "the role"
		}
	case TypeUser:
		if u := p.live.User(liveName(c)); u != nil && u.Credentials != nil {
			return latestUserUse(u.Credentials)
		}
	case TypeAccessKey:
		if c.Parent == nil {
			return nil, ""
		}
		if u := p.live.User(c.Parent.Name); u != nil && u.Credentials != nil {
			for _, k := range u.Credentials.AccessKeys {
				if k.ID == c.Name && k.LastUsed != nil {
					return k.LastUsed, "the key"
				}
			}
		}
	}
	return nil, ""
}

// liveName is the live name of a change's object: the old name of a
// renamed user or group.
func liveName(c *Change) string {
	if c.OldName != "" {
		return c.OldName
	}
	return c.Name
}

// latestUserUse returns the latest use of a user's password or keys.
func latestUserUse(creds *provider.UserCredentials) (*time.Time, string) {
	latest, what := creds.PasswordLastUsed, "its password"
	for _, k := range creds.AccessKeys {
		if k.LastUsed != nil && (latest == nil || k.LastUsed.After(*latest)) {
			latest, what = k.LastUsed, "its access key "+k.ID
		}
	}
	return latest, what
}

func deletedWord(a Action) string {
	if a == Replace {
		return "deleted and created again"
	}
	return "deleted"
}

func daysAgo(days int) string {
	switch days {
	case 0:
		return "today"
	case 1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", days)
}

// warnNothingDeclared warns of a plan that deletes entities for a
// configuration that declares none: more often the wrong directory than
// the intent.
func (p *planner) warnNothingDeclared(plan *Plan) {
	c := p.cfg
	if len(c.Users)+len(c.Groups)+len(c.Roles)+len(c.Policies)+len(c.InstanceProfiles) > 0 {
		return
	}
	deletes := 0
	for _, ch := range plan.Changes {
		switch ch.Type {
		case TypeUser, TypeGroup, TypeRole, TypePolicy, TypeInstanceProfile:
			if ch.Action == Delete {
				deletes++
			}
		}
	}
	if deletes == 0 {
		return
	}
	p.diags = append(p.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "The configuration declares no entity",
		Detail: fmt.Sprintf("No user, group, role, policy or instance profile is declared, so the plan deletes "+
			"%s in the scope. Check that this is the directory you meant; a scope block limits "+
			"what iamsync manages.", allEntities(deletes)),
	})
}

// allEntities names a count of entities that are all there is, such as
// "the one entity" or "all 5 entities".
func allEntities(n int) string {
	if n == 1 {
		return "the one entity"
	}
	return fmt.Sprintf("all %d entities", n)
}
