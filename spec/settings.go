package spec

import (
	"fmt"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Password policy ranges of UpdateAccountPasswordPolicy.
const (
	defaultMinimumPasswordLength = 6
	maxMinimumPasswordLength     = 128
	maxPasswordAge               = 1095
	maxPasswordReusePrevention   = 24
)

// decodeSettings decodes the scope, account, password_policy and provider
// blocks.
func (l *loader) decodeSettings(ctx *hcl.EvalContext) {
	if l.scope != nil {
		l.decodeScope(l.scope, ctx)
	}
	if l.account != nil {
		l.decodeAccount(l.account, ctx)
	}
	if l.passwordPolicy != nil {
		l.decodePasswordPolicy(l.passwordPolicy, ctx)
	}
	if l.provider != nil {
		l.cfg.Provider = l.decodeProvider(l.provider)
	}
}

func (l *loader) settingsReader(block *hcl.Block, schema *blockSchema, ctx *hcl.EvalContext) *attrReader {
	content, diags := block.Body.Content(schema.body)
	l.diags = append(l.diags, diags...)
	return l.newReader(content.Attributes, ctx)
}

func (l *loader) decodeScope(block *hcl.Block, ctx *hcl.EvalContext) {
	from := len(l.diags)
	defer func() { l.scopeFailed = l.diags[from:].HasErrors() }()
	r := l.settingsReader(block, scopeSchema, ctx)
	scope := DefaultScope()
	scope.DeclRange = block.DefRange

	if paths, ok := r.stringList("paths"); ok {
		if len(paths) == 0 {
			r.invalid("paths", "The scope lists no path prefixes, so iamsync would manage nothing. "+
				"Use [\"/\"] to manage every path.")
		}
		for i, prefix := range paths {
			if !strings.HasPrefix(prefix, "/") || len(prefix) > maxPathLength || strings.ContainsAny(prefix, " \t\n") {
				l.diags = append(l.diags, errorAt(r.elementRange("paths", i), "Invalid path prefix", fmt.Sprintf(
					"%q is not a path prefix. A prefix starts with a slash, such as \"/people/\", and has no "+
						"spaces.", prefix)))
			}
		}
		scope.PathPrefixes = paths
	}

	if patterns, ok := r.stringList("exclude"); ok {
		for i, pattern := range patterns {
			if _, err := path.Match(pattern, ""); err != nil {
				l.diags = append(l.diags, errorAt(r.elementRange("exclude", i), "Invalid exclude pattern", fmt.Sprintf(
					"%q is not a valid pattern: %s. Patterns use * for any run of characters, ? for one "+
						"character and [a-z] for a class.", pattern, err)))
			}
		}
		scope.ExcludeNames = patterns
	}

	scope.AccountSettings = r.boolean("account_settings", true)
	l.cfg.Scope = scope
}

func (l *loader) decodeAccount(block *hcl.Block, ctx *hcl.EvalContext) {
	r := l.settingsReader(block, accountSchema, ctx)
	account := &Account{DeclRange: block.DefRange, Ranges: r.ranges}
	if alias, ok := r.str("alias"); ok && alias != "" {
		if diag := checkAlias(alias, r.ranges["alias"]); diag != nil {
			l.diags = append(l.diags, diag)
		}
		account.Alias = alias
	}
	l.cfg.Account = account
}

func (l *loader) decodePasswordPolicy(block *hcl.Block, ctx *hcl.EvalContext) {
	r := l.settingsReader(block, passwordPolicySchema, ctx)
	p := &PasswordPolicy{
		MinimumPasswordLength:      r.integer("minimum_password_length", defaultMinimumPasswordLength),
		RequireSymbols:             r.boolean("require_symbols", false),
		RequireNumbers:             r.boolean("require_numbers", false),
		RequireUppercaseCharacters: r.boolean("require_uppercase_characters", false),
		RequireLowercaseCharacters: r.boolean("require_lowercase_characters", false),
		AllowUsersToChangePassword: r.boolean("allow_users_to_change_password", false),
		MaxPasswordAge:             r.integer("max_password_age", 0),
		PasswordReusePrevention:    r.integer("password_reuse_prevention", 0),
		HardExpiry:                 r.boolean("hard_expiry", false),
		DeclRange:                  block.DefRange,
		Ranges:                     r.ranges,
	}

	checks := []struct {
		name      string
		value     int32
		low, high int32
	}{
		{"minimum_password_length", p.MinimumPasswordLength, defaultMinimumPasswordLength, maxMinimumPasswordLength},
		{"max_password_age", p.MaxPasswordAge, 1, maxPasswordAge},
		{"password_reuse_prevention", p.PasswordReusePrevention, 1, maxPasswordReusePrevention},
	}
	for _, c := range checks {
		if r.set(c.name) {
			if diag := checkRange(c.name, c.value, c.low, c.high, r.ranges[c.name]); diag != nil {
				l.diags = append(l.diags, diag)
			}
		}
	}
	if p.HardExpiry && p.MaxPasswordAge == 0 {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "hard_expiry without max_password_age",
			Detail: "hard_expiry keeps users whose password expired from setting a new one, but passwords " +
				"never expire unless max_password_age is set, so it has no effect.",
			Subject: r.rangeOf("hard_expiry", block.DefRange).Ptr(),
		})
	}
	l.cfg.PasswordPolicy = p
}
