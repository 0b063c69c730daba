package planner

import (
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// Addresses of the account settings.
const (
	addressAlias          = "account.alias"
	addressPasswordPolicy = "password_policy"
)

// defaultMinimumPasswordLength is the minimum password length that
// UpdateAccountPasswordPolicy sets when the request leaves it out.
const defaultMinimumPasswordLength = 6

// planAccountSettings plans the account alias and the password policy, when
// the scope manages them.
func (p *planner) planAccountSettings() {
	if !p.cfg.Scope.AccountSettings {
		return
	}
	p.planAlias()
	p.planPasswordPolicy()
}

// planAlias creates, replaces or deletes the account alias. IAM allows one
// alias and has no call to rename it.
func (p *planner) planAlias() {
	declared := ""
	if p.cfg.Account != nil {
		declared = p.cfg.Account.Alias
	}
	live := ""
	if len(p.live.Aliases) > 0 {
		live = p.live.Aliases[0]
	}

	c := &Change{Address: addressAlias, Type: TypeAccountAlias}
	switch {
	case declared == live:
		return
	case live == "":
		c.Action, c.Name = Create, declared
		c.Attrs = []Attr{{Name: "alias", After: declared}}
	case declared == "":
		c.Action, c.Name, c.Reason = Delete, live, ReasonNotDeclared
		c.Attrs = []Attr{{Name: "alias", Before: live}}
	default:
		c.Action, c.Name, c.Reason = Replace, declared, ReasonCannotUpdate
		c.Attrs = []Attr{{Name: "alias", Before: live, After: declared, ForcesReplacement: true}}
	}
	if p.cfg.Account != nil {
		c.DeclRange = rangePtr(attrRange(p.cfg.Account.Ranges, "alias", p.cfg.Account.DeclRange))
	}
	p.add(c)
}

// planPasswordPolicy creates, updates or deletes the password policy. A
// create or update carries every field, because UpdateAccountPasswordPolicy
// replaces the whole policy.
func (p *planner) planPasswordPolicy() {
	declared, live := p.cfg.PasswordPolicy, p.live.PasswordPolicy
	c := &Change{Address: addressPasswordPolicy, Type: TypePasswordPolicy}
	switch {
	case declared == nil && live == nil:
		return
	case declared == nil:
		c.Action, c.Reason = Delete, ReasonNotDeclared
		c.Attrs = selectAttrs(passwordFields(live, nil), Delete)
	case live == nil:
		c.Action = Create
		c.Attrs = selectAttrs(passwordFields(nil, desiredPasswordPolicy(declared)), Create)
	default:
		fields := passwordFields(live, desiredPasswordPolicy(declared))
		if !anyDiffers(fields) {
			return
		}
		c.Action = Update
		for _, f := range fields {
			c.Attrs = append(c.Attrs, Attr{Name: f.name, Before: f.before, After: f.after})
		}
	}
	if declared != nil {
		c.DeclRange = rangePtr(declared.DeclRange)
	}
	p.add(c)
}

// desiredPasswordPolicy returns the declared policy in the form IAM reports
// it, with IAM's defaults for what the declaration leaves out.
func desiredPasswordPolicy(d *spec.PasswordPolicy) *provider.PasswordPolicy {
	minimum := d.MinimumPasswordLength
	if minimum == 0 {
		minimum = defaultMinimumPasswordLength
	}
	return &provider.PasswordPolicy{
		MinimumPasswordLength:      minimum,
		RequireSymbols:             d.RequireSymbols,
		RequireNumbers:             d.RequireNumbers,
		RequireUppercaseCharacters: d.RequireUppercaseCharacters,
		RequireLowercaseCharacters: d.RequireLowercaseCharacters,
		AllowUsersToChangePassword: d.AllowUsersToChangePassword,
		ExpirePasswords:            d.MaxPasswordAge > 0,
		MaxPasswordAge:             d.MaxPasswordAge,
		PasswordReusePrevention:    d.PasswordReusePrevention,
		HardExpiry:                 d.HardExpiry,
	}
}

// passwordFields compares two password policies field by field; either may
// be nil.
func passwordFields(before, after *provider.PasswordPolicy) []field {
	get := func(pp *provider.PasswordPolicy, value func(*provider.PasswordPolicy) any) any {
		if pp == nil {
			return nil
		}
		return value(pp)
	}
	compare := func(name string, value func(*provider.PasswordPolicy) any) field {
		return valueField(name, get(before, value), get(after, value))
	}
	return []field{
		compare("minimum_password_length", func(pp *provider.PasswordPolicy) any { return int64(pp.MinimumPasswordLength) }),
		compare("require_symbols", func(pp *provider.PasswordPolicy) any { return pp.RequireSymbols }),
		compare("require_numbers", func(pp *provider.PasswordPolicy) any { return pp.RequireNumbers }),
		compare("require_uppercase_characters", func(pp *provider.PasswordPolicy) any { return pp.RequireUppercaseCharacters }),
		compare("require_lowercase_characters", func(pp *provider.PasswordPolicy) any { return pp.RequireLowercaseCharacters }),
		compare("allow_users_to_change_password", func(pp *provider.PasswordPolicy) any { return pp.AllowUsersToChangePassword }),
		compare("expire_passwords", func(pp *provider.PasswordPolicy) any { return pp.ExpirePasswords }),
		compare("max_password_age", func(pp *provider.PasswordPolicy) any { return int64(pp.MaxPasswordAge) }),
		compare("password_reuse_prevention", func(pp *provider.PasswordPolicy) any { return int64(pp.PasswordReusePrevention) }),
		compare("hard_expiry", func(pp *provider.PasswordPolicy) any { return pp.HardExpiry }),
	}
}
