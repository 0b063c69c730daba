package planner

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
)

// warnWidenedGrants warns of document changes that grant more, and that a
// reviewer could miss among the lines of a statement summary: a trust
// policy that lets another account assume a role, a condition taken off a
// trust policy or changed, a Deny removed or narrowed, and an Allow that
// comes to cover every resource or every action of a service. Only changes
// warn, so each warning shows once, in the plan that makes the change.
func (p *planner) warnWidenedGrants() {
	addresses := make([]string, 0, len(p.changes))
	for address := range p.changes {
		addresses = append(addresses, address)
	}
	slices.Sort(addresses)
	for _, address := range addresses {
		c := p.changes[address]
		if c.Action == Delete || c.Action == NoOp {
			continue
		}
		for _, attr := range c.Attrs {
			before, _ := attr.Before.(*policydoc.Document)
			after, _ := attr.After.(*policydoc.Document)
			if after == nil || (before != nil && policydoc.Equal(before, after)) {
				continue
			}
			changes := policydoc.CompareStatements(before, after)
			if attr.Name == "assume_role_policy" {
				p.warnOtherAccounts(c, changes, before, after)
				p.warnConditionsRemoved(c, changes, before)
			}
			if before != nil {
				p.warnDenyNarrowed(c, attr.Name, changes)
				p.warnAllowWidened(c, attr.Name, changes)
			}
		}
	}
}

// warnOtherAccounts warns when a trust policy comes to name principals of
// an account that it did not trust before, other than the role's own. "*"
// is left to the document's own warning.
func (p *planner) warnOtherAccounts(c *Change, changes []policydoc.StatementChange, before, after *policydoc.Document) {
	trusted := map[string]bool{p.accountID: true}
	for _, pv := range before.AWSPrincipals() {
		trusted[principalAccount(pv.Value)] = true
	}
	var accounts, lines []string
	for _, sc := range changes {
		if sc.Effect != "Allow" {
			continue
		}
		for _, e := range sc.Added {
			if e.Field != "Principal" || e.Type != "AWS" {
				continue
			}
			account := principalAccount(e.Value)
			if account == "" || trusted[account] {
				continue
			}
			if !slices.Contains(accounts, account) {
				accounts = append(accounts, account)
			}
			lines = append(lines, statementLabel(sc)+": "+elementText(e))
		}
	}
	if len(accounts) == 0 {
		return
	}
	what := "now lets principals of"
	if before == nil {
		what = "lets principals of"
	}
	noun := "account"
	if len(accounts) > 1 {
		noun = "accounts"
	}
	advice := "check that the account is meant to have them"
	if text := after.String(); !strings.Contains(text, "sts:ExternalId") && !strings.Contains(text, "aws:PrincipalOrgID") {
		advice += ", and consider a condition such as sts:ExternalId or aws:PrincipalOrgID"
	}
	p.warnOf(c, "Role trusts another account", fmt.Sprintf("The trust policy of %s %s %s %s assume the role (%s). "+
		"They get the role's permissions: %s.", c.Address, what, noun, joinAnd(accounts), strings.Join(lines, "; "), advice))
}

// warnConditionsRemoved warns when a statement that allows assuming a role
// loses a condition key, such as aws:MultiFactorAuthPresent, when a key's
// value changes, such as from "true" to "false", and when a key that the
// statement had gains a value that it accepts, such as a second external id.
func (p *planner) warnConditionsRemoved(c *Change, changes []policydoc.StatementChange, before *policydoc.Document) {
	var lines []string
	for _, sc := range changes {
		if sc.Change != policydoc.StatementChanged || sc.Effect != "Allow" {
			continue
		}
		old := before.StatementElements(sc.OldIndex)
		for _, e := range sc.Added {
			if e.Field == "Condition" && !strings.Contains(e.Type, "Not") && hasCondition(old, e.Type, e.Key) &&
				!hasCondition(sc.Removed, e.Type, e.Key) {
				lines = append(lines, statementLabel(sc)+": + "+elementText(e))
			}
		}
		for _, e := range sc.Removed {
			if e.Field != "Condition" {
				continue
			}
			lines = append(lines, statementLabel(sc)+": - "+elementText(e))
			for _, added := range sc.Added {
				if added.Field == "Condition" && added.Type == e.Type && strings.EqualFold(added.Key, e.Key) {
					lines = append(lines, statementLabel(sc)+": + "+elementText(added))
				}
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	p.warnOf(c, "Trust policy condition removed or changed", fmt.Sprintf("The trust policy of %s changes what it "+
		"requires: %s. Principals that it held back, such as sessions without MFA or callers without the external id, "+
		"may then assume the role. Check that the change is meant.", c.Address, strings.Join(lines, "; ")))
}

// warnDenyNarrowed warns when a Deny statement is removed, turned into an
// Allow, or denies less: actions or resources that no new one covers, or
// only under a new condition, or with new exceptions.
func (p *planner) warnDenyNarrowed(c *Change, attr string, changes []policydoc.StatementChange) {
	var lines []string
	for _, sc := range changes {
		switch {
		case sc.Change == policydoc.StatementRemoved && sc.Effect == "Deny":
			lines = append(lines, statementLabel(sc))
		case sc.Change == policydoc.StatementChanged && slices.Contains(sc.Removed, policydoc.Element{Field: "Effect", Value: "Deny"}):
			lines = append(lines, statementLabel(sc)+": Deny is now "+sc.Effect)
		case sc.Change == policydoc.StatementChanged && sc.Effect == "Deny":
			for _, e := range sc.Removed {
				if (e.Field == "Action" || e.Field == "Resource") && !coveredBy(e, sc.Added) {
					lines = append(lines, statementLabel(sc)+": - "+elementText(e))
				}
			}
			for _, e := range sc.Added {
				if e.Field == "Condition" || e.Field == "NotAction" || e.Field == "NotResource" {
					lines = append(lines, statementLabel(sc)+": + "+elementText(e))
				}
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	p.warnOf(c, "Deny removed or narrowed", fmt.Sprintf("The %s of %s denies less after this change: %s. "+
		"A Deny stops what any other policy allows, and in a guardrail policy or a permissions boundary it limits "+
		"every user and role that has it. Check that what it stopped is meant to be allowed now.",
		documentNoun(attr), c.Address, strings.Join(lines, "; ")))
}

// coveredBy reports whether an action or resource element that a
// statement lost is matched by one that it gained, as iam:CreateUser is by
// iam:*.
func coveredBy(lost policydoc.Element, gained []policydoc.Element) bool {
	return slices.ContainsFunc(gained, func(e policydoc.Element) bool {
		if e.Field != lost.Field {
			return false
		}
		if e.Field == "Action" {
			return globMatch(strings.ToLower(e.Value), strings.ToLower(lost.Value))
		}
		return globMatch(e.Value, lost.Value)
	})
}

// globMatch reports whether s matches an IAM pattern, in which * matches any
// run of characters, "/" included, and ? any one character.
func globMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globMatch(pattern[1:], s[1:])
	default:
		return s != "" && s[0] == pattern[0] && globMatch(pattern[1:], s[1:])
	}
}

// warnAllowWidened warns when a statement that allows comes to apply to
// every resource, or to every action of a service or of all services, and
// when a new statement allows every action of a service.
func (p *planner) warnAllowWidened(c *Change, attr string, changes []policydoc.StatementChange) {
	var lines []string
	for _, sc := range changes {
		if sc.Effect != "Allow" || sc.Change == policydoc.StatementRemoved {
			continue
		}
		for _, e := range sc.Added {
			wholeService := e.Field == "Action" && wholeServiceAction.MatchString(e.Value)
			everyResource := e.Field == "Resource" && e.Value == "*" && sc.Change == policydoc.StatementChanged
			if wholeService || everyResource {
				lines = append(lines, statementLabel(sc)+": + "+elementText(e))
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	p.warnOf(c, "Allow widened", fmt.Sprintf("The %s of %s allows more after this change: %s. A grant on every "+
		"resource, or on every action of a service, also covers those created or added later: check that this is meant.",
		documentNoun(attr), c.Address, strings.Join(lines, "; ")))
}

// warnOf adds a warning about the change c, at its declaration.
func (p *planner) warnOf(c *Change, summary, detail string) {
	p.diagFor(c.Address, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: detail, Subject: c.DeclRange})
}

// wholeServiceAction matches "*" and actions such as "s3:*".
var wholeServiceAction = regexp.MustCompile(`^(\*|[A-Za-z0-9-]+:\*)$`)

// documentNoun names a document attribute in a sentence.
func documentNoun(attr string) string {
	if attr == "assume_role_policy" {
		return "trust policy"
	}
	return "policy document"
}

// principalAccount returns the account of an AWS principal: an account id,
// or the account field of an IAM or STS ARN; "" for anything else,
// including "*".
func principalAccount(value string) string {
	if accountIDPattern.MatchString(value) {
		return value
	}
	parts := strings.SplitN(value, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && (parts[2] == "iam" || parts[2] == "sts") && accountIDPattern.MatchString(parts[4]) {
		return parts[4]
	}
	return ""
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// joinAnd joins words with commas and a final "and".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// hasCondition reports whether elements hold a condition of that operator
// and key.
func hasCondition(elements []policydoc.Element, operator, key string) bool {
	return slices.ContainsFunc(elements, func(e policydoc.Element) bool {
		return e.Field == "Condition" && e.Type == operator && strings.EqualFold(e.Key, key)
	})
}
