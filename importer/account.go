package importer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/iamsync/iamsync/provider"
)

// Comments of account.hcl. Those of the scope block name what plans leave
// alone: the entities outside the paths and patterns, the alias and
// password policy, or both.
const (
	narrowedComment              = "The import covered only the entities that these paths and patterns select."
	settingsNotImportedComment   = "The account alias and password policy were not imported either."
	restLeftAloneComment         = "Plans leave the rest of the account alone."
	onlySettingsLeftAloneComment = "The account alias and password policy were not imported, and plans leave them alone. " +
		"To manage them, declare them in account and password_policy blocks, then remove account_settings = false."
	manageSettingsComment = "To manage the alias and password policy, declare them in account and password_policy blocks, " +
		"then remove account_settings = false."
	emptyComment = "The account held nothing to import. Declare entities here to have iamsync manage them."
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
// out, which plans leave alone, and how to manage the account settings when
// they were left out.
func (g *generator) scopeNote() string {
	switch {
	case !g.entitiesNarrowed():
		return onlySettingsLeftAloneComment
	case g.scope.AccountSettings:
		return narrowedComment + " " + restLeftAloneComment
	default:
		return strings.Join([]string{narrowedComment, settingsNotImportedComment, restLeftAloneComment, manageSettingsComment}, " ")
	}
}

// narrowed reports whether the scope differs from the default one, which
// manages everything.
func (g *generator) narrowed() bool {
	return g.entitiesNarrowed() || !g.scope.AccountSettings
}

// entitiesNarrowed reports whether the scope leaves entities out, by path
// or by name.
func (g *generator) entitiesNarrowed() bool {
	return !slices.Equal(g.scope.PathPrefixes, []string{"/"}) || len(g.scope.ExcludeNames) > 0
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
