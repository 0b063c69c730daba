package spec

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/iamsync/iamsync/policydoc"
)

// Provider is the provider block: how iamsync reaches the account. It is
// decoded before iamsync connects, so its values may use input variables
// and functions but nothing that depends on the account.
type Provider struct {
	// Region and Profile are empty when not set, which leaves them to the
	// SDK's standard configuration.
	Region  string
	Profile string

	// AssumeRole is the chain of roles to act as, in order: each is assumed
	// with the credentials of the one before it.
	AssumeRole []*AssumeRole

	// AllowedAccountIDs and ForbiddenAccountIDs restrict the accounts that
	// plan and apply act on. At most one of them is set.
	AllowedAccountIDs   []string
	ForbiddenAccountIDs []string

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// AssumeRole is one assume_role block of the provider block.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	// Duration is zero when not set.
	Duration time.Duration
	// Policy is an inline session policy as written, PolicyARNs managed
	// session policies; both narrow what the session may do.
	Policy            string
	PolicyARNs        []string
	SessionTags       map[string]string
	TransitiveTagKeys []string
	// MFASerial is the MFA device of the user who assumes the role.
	MFASerial string

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// Limits of STS and of the provider block.
const (
	minRoleSession     = 15 * time.Minute
	maxRoleSession     = 12 * time.Hour
	maxChainedSession  = time.Hour
	maxSessionPolicy   = 2048
	maxSessionPolicies = 10
)

var (
	providerSchema = &blockSchema{
		body: &hcl.BodySchema{
			Attributes: attributes("region", "profile", "allowed_account_ids", "forbidden_account_ids"),
			Blocks:     []hcl.BlockHeaderSchema{{Type: "assume_role"}},
		},
		nested: map[string]*blockSchema{"assume_role": assumeRoleSchema},
	}
	assumeRoleSchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: append(attributes("session_name", "external_id", "duration", "policy", "policy_arns",
			"session_tags", "transitive_tag_keys", "mfa_serial"), required("role_arn")),
	}}

	// regionPattern matches AWS region names such as us-east-1 and
	// us-gov-west-1.
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	// roleARNPattern matches a role ARN and captures its account.
	roleARNPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/[\x21-\x7e]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	mfaSerialPattern   = regexp.MustCompile(`^[\w+=/:,.@-]+$`)
)

// IsRoleARN reports whether s has the form of a role ARN, such as
// arn:aws:iam::123456789012:role/NAME.
func IsRoleARN(s string) bool { return roleARNPattern.MatchString(s) }

// LoadProvider decodes only the provider block of the configuration in dir,
// which iamsync needs before it connects to the account. The block may use
// input variables, set as Load sets them, and functions; opts.AccountID
// and opts.Partition are not used.
//
// The Config returned has only Dir, Parser (for diagnostic snippets) and
// Provider set, and Provider is nil when the configuration has no provider
// block. Diagnostics cover parsing every file and the provider block. Load
// reports the block's warnings again, so a caller that runs both need only
// act on the errors of LoadProvider.
func LoadProvider(dir string, opts LoadOptions) (*Config, hcl.Diagnostics) {
	l := newLoader(dir, opts)
	cfg := &Config{Dir: l.cfg.Dir, Parser: l.parser}
	for _, file := range l.parseFiles() {
		l.declare(file)
	}
	if !l.diags.HasErrors() && l.provider != nil {
		l.evaluateVariables()
		if !l.diags.HasErrors() {
			cfg.Provider = l.decodeProvider(l.provider)
		}
	}
	addTerraformHints(l.diags)
	return cfg, Dedupe(l.diags)
}

// decodeProvider decodes the provider block in a context of input
// variables and functions only.
func (l *loader) decodeProvider(block *hcl.Block) *Provider {
	if !l.checkProviderReferences(block) {
		return nil
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{rootVar: l.vars}, Functions: l.funcs}
	content, diags := block.Body.Content(providerSchema.body)
	l.diags = append(l.diags, diags...)
	r := l.newReader(content.Attributes, ctx)
	p := &Provider{DeclRange: block.DefRange, Ranges: r.ranges}

	// Region and profile.
	if region, ok := r.str("region"); ok {
		if !regionPattern.MatchString(region) {
			r.invalid("region", fmt.Sprintf("%q is not an AWS region name. Write a region such as \"us-east-1\" or \"eu-west-2\".", region))
		}
		p.Region = region
	}
	if profile, ok := r.str("profile"); ok {
		if profile == "" {
			r.invalid("profile", "The profile name is empty. Name a profile of the AWS configuration files, or leave profile out.")
		}
		p.Profile = profile
	}

	// The account restrictions.
	p.AllowedAccountIDs = l.accountIDList(r, "allowed_account_ids")
	p.ForbiddenAccountIDs = l.accountIDList(r, "forbidden_account_ids")
	if r.has("allowed_account_ids") && r.has("forbidden_account_ids") {
		l.diags = append(l.diags, errorAt(r.ranges["forbidden_account_ids"], "Conflicting account restrictions",
			"allowed_account_ids already names every account iamsync may act on, so forbidden_account_ids adds nothing. "+
				"Keep one of the two."))
	}

	// The assume-role chain.
	for _, b := range content.Blocks {
		if role := l.decodeAssumeRole(b, ctx); role != nil {
			p.AssumeRole = append(p.AssumeRole, role)
		}
	}
	l.checkChainDurations(p.AssumeRole)
	return p
}

// checkProviderReferences reports every reference in the provider block to
// something other than an input variable, and returns whether there was
// none.
func (l *loader) checkProviderReferences(block *hcl.Block) bool {
	clean := true
	for _, t := range bodyTraversals(block.Body, providerSchema) {
		if t.RootName() == rootVar {
			if d := l.checkTraversal(t, false); d != nil {
				l.diags = append(l.diags, d)
				clean = false
			}
			continue
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference in provider block",
			Detail: fmt.Sprintf("The provider block is read before iamsync connects to the account, so it can use "+
				"input variables (var.NAME) and functions, but not %s. Write the value out, or pass it in an input "+
				"variable.", providerUnknown(t.RootName())),
			Subject: t.SourceRange().Ptr(),
		})
		clean = false
	}
	return clean
}

// accountIDList reads a list of 12-digit account ids.
func (l *loader) accountIDList(r *attrReader, name string) []string {
	ids, ok := r.stringList(name)
	if !ok {
		return nil
	}
	if len(ids) == 0 {
		r.invalid(name, fmt.Sprintf("%s is empty. List at least one 12-digit account id, or leave it out.", name))
	}
	for i, id := range ids {
		if !twelveDigits.MatchString(id) {
			l.diags = append(l.diags, errorAt(r.elementRange(name, i), "Invalid account id", fmt.Sprintf(
				"%q is not an AWS account id. An account id is 12 digits, such as \"123456789012\"; quote it so that "+
					"leading zeros are kept.", id)))
		}
	}
	return ids
}

// decodeAssumeRole decodes one assume_role block and checks its values
// against STS's limits.
func (l *loader) decodeAssumeRole(block *hcl.Block, ctx *hcl.EvalContext) *AssumeRole {
	content, diags := block.Body.Content(assumeRoleSchema.body)
	l.diags = append(l.diags, diags...)
	r := l.newReader(content.Attributes, ctx)
	role := &AssumeRole{DeclRange: block.DefRange, Ranges: r.ranges}

	if arn, ok := r.str("role_arn"); ok {
		if !roleARNPattern.MatchString(arn) {
			r.invalid("role_arn", fmt.Sprintf("%q is not a role ARN. A role ARN has the form "+
				"arn:aws:iam::123456789012:role/NAME.", arn))
		}
		role.RoleARN = arn
	}
	role.SessionName = l.patterned(r, "session_name", stsSessionName)
	role.ExternalID = l.patterned(r, "external_id", stsExternalID)
	role.MFASerial = l.patterned(r, "mfa_serial", stsMFASerial)
	role.Duration = l.sessionDuration(r)
	role.Policy = l.sessionPolicy(r)
	if arns, ok := r.stringList("policy_arns"); ok {
		if len(arns) > maxSessionPolicies {
			r.invalid("policy_arns", fmt.Sprintf("%d managed session policies are listed; STS allows at most %d.", len(arns), maxSessionPolicies))
		}
		for i, arn := range arns {
			if d := l.checkPolicyARN(arn, r.elementRange("policy_arns", i)); d != nil {
				l.diags = append(l.diags, d)
			}
		}
		role.PolicyARNs = arns
	}
	role.SessionTags, role.TransitiveTagKeys = l.sessionTags(r)
	return role
}

// patterned reads a string attribute of min to max characters that must
// match pattern. The what argument names the value in messages, and rule
// describes the values allowed.
func (l *loader) patterned(r *attrReader, name string, rule stsValue) string {
	value, ok := r.str(name)
	if !ok {
		return ""
	}
	if err := rule.check(value); err != nil {
		r.invalid(name, err.Error())
	}
	return value
}

// stsValue is the form STS requires of a value of its calls.
type stsValue struct {
	what     string
	pattern  *regexp.Regexp
	min, max int
	rule     string
}

// The values that a provider block and the command line both give STS.
var (
	stsSessionName = stsValue{"session name", sessionNamePattern, 2, 64,
		"A session name is 2 to 64 letters, digits and the characters +=,.@_-."}
	stsExternalID = stsValue{"external id", externalIDPattern, 2, 1224,
		"An external id is 2 to 1224 letters, digits and the characters +=,.@:/_-."}
	stsMFASerial = stsValue{"MFA serial number", mfaSerialPattern, 9, 256,
		"An MFA serial number is the ARN of a virtual device, such as arn:aws:iam::123456789012:mfa/alice, " +
			"or the serial number of a hardware device."}
	stsFederatedName = stsValue{"federated user name", sessionNamePattern, 2, 32,
		"A federated user name is 2 to 32 letters, digits and the characters +=,.@_-."}
)

// check returns an error when value does not have the form.
func (v stsValue) check(value string) error {
	if n := utf8.RuneCountInString(value); n < v.min || n > v.max || !v.pattern.MatchString(value) {
		return fmt.Errorf("%q is not a valid %s. %s", value, v.what, v.rule)
	}
	return nil
}

// CheckSessionName returns an error when s is not a role session name that
// STS accepts.
func CheckSessionName(s string) error { return stsSessionName.check(s) }

// CheckExternalID returns an error when s is not an external id that STS
// accepts.
func CheckExternalID(s string) error { return stsExternalID.check(s) }

// CheckMFASerial returns an error when s is not an MFA serial number that
// STS accepts.
func CheckMFASerial(s string) error { return stsMFASerial.check(s) }

// CheckFederatedName returns an error when s is not a federated user name
// that GetFederationToken accepts.
func CheckFederatedName(s string) error { return stsFederatedName.check(s) }

// sessionDuration reads duration, written as Go and Terraform write
// durations, such as "1h" or "45m".
func (l *loader) sessionDuration(r *attrReader) time.Duration {
	text, ok := r.str("duration")
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(text)
	switch {
	case err != nil:
		r.invalid("duration", fmt.Sprintf("%q is not a duration. Write a number with a unit, such as \"1h\", \"90m\" or \"3600s\".", text))
	case d < minRoleSession || d > maxRoleSession || d%time.Second != 0:
		r.invalid("duration", fmt.Sprintf("A role session lasts from 15m to 12h in whole seconds, and %s does not; "+
			"the role's maximum session duration may lower the upper bound.", text))
	}
	return d
}

// sessionPolicy reads policy, an inline session policy: a permissions
// policy of at most 2048 characters.
func (l *loader) sessionPolicy(r *attrReader) string {
	doc := l.decodeDocumentFor(r, "policy", policydoc.Identity, false)
	if doc == nil {
		return ""
	}
	text := doc.String()
	if n := utf8.RuneCountInString(text); n > maxSessionPolicy {
		r.invalid("policy", fmt.Sprintf("The session policy is %d characters long; STS allows at most %d, white space included.", n, maxSessionPolicy))
	}
	return text
}

// sessionTags reads session_tags and transitive_tag_keys. Every transitive
// key must name a session tag.
func (l *loader) sessionTags(r *attrReader) (map[string]string, []string) {
	tags, _ := r.stringMap("session_tags")
	if tags != nil {
		l.diags = append(l.diags, checkTags(tags, true, r.ranges["session_tags"])...)
	}
	transitive, _ := r.stringList("transitive_tag_keys")
	for i, k := range transitive {
		found := false
		for tagKey := range tags {
			found = found || strings.EqualFold(tagKey, k)
		}
		if !found {
			l.diags = append(l.diags, errorAt(r.elementRange("transitive_tag_keys", i), "Transitive key without a session tag",
				fmt.Sprintf("%q is listed as transitive, but session_tags sets no tag with that key. Add the tag to session_tags "+
					"or remove the key.", k)))
		}
	}
	return tags, transitive
}

// checkChainDurations reports links after the first whose duration is more
// than an hour: STS limits sessions of roles assumed with role credentials
// to one hour.
func (l *loader) checkChainDurations(chain []*AssumeRole) {
	for i, role := range chain {
		if i == 0 || role.Duration <= maxChainedSession {
			continue
		}
		l.diags = append(l.diags, errorAt(role.Ranges["duration"], "Role chain session too long", fmt.Sprintf(
			"This role is assumed with the credentials of the role before it, and STS limits such sessions to 1h; "+
				"%s is longer. Set a duration of at most 1h.", shortDuration(role.Duration))))
	}
}

// providerUnknown names what a reference starting with root refers to, for
// the provider block's diagnostics.
func providerUnknown(root string) string {
	switch root {
	case rootAccount:
		return "account.id or account.partition"
	case rootLocal:
		return "local values, which may depend on the account"
	case rootEach:
		return "each, which exists only in blocks with for_each"
	case blockPolicyDocument:
		return "policy_document blocks"
	}
	return "references to " + root + " blocks or other objects"
}

// shortDuration writes d as "2h" or "1h30m" rather than "2h0m0s".
func shortDuration(d time.Duration) string {
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}
