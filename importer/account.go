package importer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/iamsync/iamsync/provider"
)

// Comments of account.hcl.
const (
	narrowedComment        = "The import covered only the entities that these paths and patterns select."
	accountSettingsComment = "The account alias and password policy were not imported."
	scopeComment           = "Plans leave the rest of the account alone."
	emptyComment           = "The account held nothing to import. Declare entities here to have iamsync manage them."
)

// writeAccountSettings writes the scope block when the options narrow the
// import, and the account alias and password policy unless they are
// skipped.
func (g *generator) writeAccountSettings() {
	if g.narrowed() {
		block := hclwrite.NewBlock("scope", nil)
		body := block.Body()
		body.AppendUnstructuredTokens(comment(g.scopeNote()))
		if !slices.Equal(g.scope.PathPrefixes, []string{"/"}) {
			body.SetAttributeRaw("paths", stringList(g.scope.PathPrefixes, literal))
		}
		if len(g.scope.ExcludeNames) > 0 {
			body.SetAttributeRaw("exclude", stringList(g.scope.ExcludeNames, literal))
		}
		if !g.scope.AccountSettings {
			body.SetAttributeRaw("account_settings", boolTokens(false))
		}
		g.files.appendBlock(fileAccount, block)
	}
	if g.opts.SkipAccountSettings {
		return
	}

	if len(g.state.Aliases) > 0 {
		block := hclwrite.NewBlock("account", nil)
		block.Body().SetAttributeRaw("alias", literal(g.state.Aliases[0]))
		g.files.appendBlock(fileAccount, block)
	}
	if pp := g.state.PasswordPolicy; pp != nil {
		g.files.appendBlock(fileAccount, passwordPolicyBlock(pp))
	}
}

// writeEmptyNote writes account.hcl with a comment when nothing else was
// written, because a directory without configuration files does not load.
func (g *generator) writeEmptyNote() {
	if len(g.files.files) == 0 {
		g.files.appendTokens(fileAccount, comment(emptyComment))
	}
}

// scopeNote returns the comment of the scope block: what the import left
// out.
func (g *generator) scopeNote() string {
	var parts []string
	if !slices.Equal(g.scope.PathPrefixes, []string{"/"}) || len(g.scope.ExcludeNames) > 0 {
		parts = append(parts, narrowedComment)
	}
	if !g.scope.AccountSettings {
		parts = append(parts, accountSettingsComment)
	}
	return strings.Join(append(parts, scopeComment), " ")
}

// narrowed reports whether the scope differs from the default one, which
// manages everything.
func (g *generator) narrowed() bool {
	return !slices.Equal(g.scope.PathPrefixes, []string{"/"}) || len(g.scope.ExcludeNames) > 0 || !g.scope.AccountSettings
}

// passwordPolicyBlock writes every setting of the policy, because
// UpdateAccountPasswordPolicy resets what it is not given. The age and
// reuse limits are left out when they are off, which is what a block
// without them means.
func passwordPolicyBlock(pp *provider.PasswordPolicy) *hclwrite.Block {
	block := hclwrite.NewBlock("password_policy", nil)
	body := block.Body()
	if pp.MinimumPasswordLength > 0 {
		body.SetAttributeRaw("minimum_password_length", numberTokens(strconv.Itoa(int(pp.MinimumPasswordLength))))
	}
	body.SetAttributeRaw("require_symbols", boolTokens(pp.RequireSymbols))
	body.SetAttributeRaw("require_numbers", boolTokens(pp.RequireNumbers))
	body.SetAttributeRaw("require_uppercase_characters", boolTokens(pp.RequireUppercaseCharacters))
	body.SetAttributeRaw("require_lowercase_characters", boolTokens(pp.RequireLowercaseCharacters))
	body.SetAttributeRaw("allow_users_to_change_password", boolTokens(pp.AllowUsersToChangePassword))
	if pp.MaxPasswordAge > 0 {
		body.SetAttributeRaw("max_password_age", numberTokens(strconv.Itoa(int(pp.MaxPasswordAge))))
	}
	if pp.PasswordReusePrevention > 0 {
		body.SetAttributeRaw("password_reuse_prevention", numberTokens(strconv.Itoa(int(pp.PasswordReusePrevention))))
	}
	body.SetAttributeRaw("hard_expiry", boolTokens(pp.HardExpiry))
	return block
}
