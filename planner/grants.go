package planner

import (
	"fmt"
	"github.com/iamsync/iamsync/internal/wildcard"
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
			d := docChange{
				changes: policydoc.CompareStatements(before, after),
				before:  docStatementsOf(before), after: docStatementsOf(after),
			}
			if attr.Name == "assume_role_policy" {
				p.warnOtherAccounts(c, d, before == nil)
				p.warnConditionsRemoved(c, d)
			}
			if before != nil {
				p.warnDenyNarrowed(c, attr.Name, d)
				p.warnAllowWidened(c, attr.Name, d)
			}
		}
	}
}

// docChange is a document change, statement by statement.
type docChange struct {
	changes []policydoc.StatementChange
	// before and after are the statements of the two documents, by index.
	before, after docStatements
}

// docStatement is the elements of one statement, as written.
type docStatement []policydoc.Element

// docStatements is the statements of a document, by index.
type docStatements []docStatement

func docStatementsOf(d *policydoc.Document) docStatements {
	if d == nil {
		return nil
	}
	var out docStatements
	for _, elements := range d.StatementElements() {
		out = append(out, elements)
	}
	return out
}

// values returns the values of the elements of a field, such as the
// actions of "Action".
func (s docStatement) values(field string) []string {
	var out []string
	for _, e := range s {
		if e.Field == field {
			out = append(out, e.Value)
		}
	}
	return out
}

func (s docStatement) has(field string) bool { return len(s.values(field)) > 0 }

func (s docStatement) effect() string {
	if effects := s.values("Effect"); len(effects) > 0 {
		return effects[0]
	}
	return ""
}

// conditional reports whether the statement applies only under a
// condition.
func (s docStatement) conditional() bool { return s.has("Condition") }

// old returns the statement that a change replaced or removed, or nil.
func (d docChange) old(sc policydoc.StatementChange) docStatement {
	if sc.OldIndex < 0 || sc.OldIndex >= len(d.before) {
		return nil
	}
	return d.before[sc.OldIndex]
}

// new returns the statement that a change added or changed, or nil.
func (d docChange) new(sc policydoc.StatementChange) docStatement {
	if sc.NewIndex < 0 || sc.NewIndex >= len(d.after) {
		return nil
	}
	return d.after[sc.NewIndex]
}

// warnOtherAccounts warns when a trust policy comes to let an account
// assume the role that it did not let before, other than the role's own,
// or lets an account that it let only under conditions do so without
// them. "*" is left to the document's own warning.
func (p *planner) warnOtherAccounts(c *Change, d docChange, created bool) {
	always, conditionally := map[string]bool{p.accountID: true}, map[string]bool{}
	for _, st := range d.before {
		if st.effect() != "Allow" {
			continue
		}
		for _, principal := range st.awsPrincipals() {
			if account := principalAccount(principal); st.conditional() {
				conditionally[account] = true
			} else {
				always[account] = true
			}
		}
	}
	var accounts, lines, unconditioned []string
	for _, sc := range d.changes {
		if sc.Effect != "Allow" || sc.Change == policydoc.StatementRemoved {
			continue
		}
		conditional := d.new(sc).conditional()
		for _, e := range sc.Added {
			if e.Field != "Principal" || e.Type != "AWS" {
				continue
			}
			account := principalAccount(e.Value)
			if account == "" || always[account] || (conditionally[account] && conditional) {
				continue
			}
			if conditionally[account] && !slices.Contains(unconditioned, account) {
				unconditioned = append(unconditioned, account)
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
	if created {
		what = "lets principals of"
	}
	detail := fmt.Sprintf("The trust policy of %s %s %s assume the role (%s).", c.Address, what,
		accountList(accounts), strings.Join(lines, "; "))
	if len(unconditioned) > 0 {
		detail += fmt.Sprintf(" Before, %s could assume it only under conditions, which this statement does not have.",
			accountList(unconditioned))
	}
	detail += " They get the role's permissions: check that this is meant"
	if text := strings.Join(d.after.conditionKeys(), " "); !strings.Contains(text, "sts:ExternalId") &&
		!strings.Contains(text, "aws:PrincipalOrgID") {
		detail += ", and consider a condition such as sts:ExternalId or aws:PrincipalOrgID"
	}
	p.warnOf(c, "Role trusts another account", detail+".")
}

// awsPrincipals returns the AWS principals of a statement.
func (s docStatement) awsPrincipals() []string {
	var out []string
	for _, e := range s {
		if e.Field == "Principal" && e.Type == "AWS" {
			out = append(out, e.Value)
		}
	}
	return out
}

// conditionKeys returns the keys of every condition of every statement.
func (ss docStatements) conditionKeys() []string {
	var out []string
	for _, st := range ss {
		for _, e := range st {
			if e.Field == "Condition" {
				out = append(out, e.Key)
			}
		}
	}
	return out
}

// warnConditionsRemoved warns when a statement that allows assuming a role
// loses a condition key, such as aws:MultiFactorAuthPresent, when a key's
// value changes, such as from "true" to "false", and when a key that the
// statement had gains a value that it accepts, such as a second external id.
// A statement rewritten with another Sid is compared as one removed and one
// added: an added statement that names a principal of a removed one must
// require what the removed one required.
func (p *planner) warnConditionsRemoved(c *Change, d docChange) {
	var lines []string
	for _, sc := range d.changes {
		switch {
		case sc.Effect != "Allow":
		case sc.Change == policydoc.StatementChanged:
			old := d.old(sc)
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
		case sc.Change == policydoc.StatementRemoved:
			lines = append(lines, p.conditionsDropped(sc, d)...)
		}
	}
	if len(lines) == 0 {
		return
	}
	p.warnOf(c, "Trust policy condition removed or changed", fmt.Sprintf("The trust policy of %s changes what it "+
		"requires: %s. Principals that it held back, such as sessions without MFA or callers without the external id, "+
		"may then assume the role. Check that the change is meant.", c.Address, strings.Join(lines, "; ")))
}

// conditionsDropped returns a line for each condition of a removed
// statement that an added statement naming one of its principals lacks.
func (p *planner) conditionsDropped(removed policydoc.StatementChange, d docChange) []string {
	var lines []string
	for _, sc := range d.changes {
		if sc.Change != policydoc.StatementAdded || sc.Effect != "Allow" {
			continue
		}
		shared := slices.ContainsFunc(sc.Added, func(e policydoc.Element) bool {
			return e.Field == "Principal" && slices.Contains(removed.Removed, e)
		})
		if !shared {
			continue
		}
		for _, e := range removed.Removed {
			if e.Field == "Condition" && !hasCondition(sc.Added, e.Type, e.Key) {
				lines = append(lines, fmt.Sprintf("%s, which names a principal of %s, lacks %s",
					statementLabel(sc), statementLabel(removed), elementText(e)))
			}
		}
	}
	return lines
}

// hasCondition reports whether elements hold a condition of that operator
// and key.
func hasCondition(elements []policydoc.Element, operator, key string) bool {
	return slices.ContainsFunc(elements, func(e policydoc.Element) bool {
		return e.Field == "Condition" && e.Type == operator && strings.EqualFold(e.Key, key)
	})
}

// warnDenyNarrowed warns when a Deny statement is removed, turned into an
// Allow, or denies less: actions or resources that no unconditional Deny
// of the new document covers, or only under a new condition, or with new
// exceptions. A Deny split into several, or merged into one, denies no less.
func (p *planner) warnDenyNarrowed(c *Change, attr string, d docChange) {
	denies := unconditionalDenies(d.after)
	var lines []string
	for _, sc := range d.changes {
		old := d.old(sc)
		switch {
		case sc.Change == policydoc.StatementRemoved && sc.Effect == "Deny":
			if !denies.cover(old.values("Action"), old.values("Resource")) || old.has("NotAction") || old.has("NotResource") {
				lines = append(lines, statementLabel(sc))
			}
		case sc.Change == policydoc.StatementChanged && slices.Contains(sc.Removed, policydoc.Element{Field: "Effect", Value: "Deny"}):
			if !denies.cover(old.values("Action"), old.values("Resource")) {
				lines = append(lines, statementLabel(sc)+": Deny is now "+sc.Effect)
			}
		case sc.Change == policydoc.StatementChanged && sc.Effect == "Deny":
			for _, e := range sc.Removed {
				covered := true
				switch e.Field {
				case "Action":
					covered = denies.cover([]string{e.Value}, old.values("Resource"))
				case "Resource":
					covered = denies.cover(old.values("Action"), []string{e.Value})
				}
				if !covered {
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

// denyStatements are Deny statements without conditions or exceptions,
// which deny their actions on their resources always.
type denyStatements []docStatement

func unconditionalDenies(ss docStatements) denyStatements {
	var out denyStatements
	for _, st := range ss {
		if st.effect() == "Deny" && !st.conditional() && !st.has("NotAction") && !st.has("NotResource") &&
			!st.has("NotPrincipal") {
			out = append(out, st)
		}
	}
	return out
}

// cover reports whether every action on every resource is denied by one of
// the statements.
func (ds denyStatements) cover(actions, resources []string) bool {
	for _, action := range actions {
		covered := slices.ContainsFunc(ds, func(st docStatement) bool {
			return matchesAny(st.values("Action"), action, true) &&
				!slices.ContainsFunc(resources, func(r string) bool { return !matchesAny(st.values("Resource"), r, false) })
		})
		if !covered {
			return false
		}
	}
	return true
}

// matchesAny reports whether a value matches one of the patterns; actions
// match without case, as IAM compares them.
func matchesAny(patterns []string, value string, foldCase bool) bool {
	return slices.ContainsFunc(patterns, func(pattern string) bool {
		if foldCase {
			return wildcard.MatchFold(pattern, value)
		}
		return wildcard.Match(pattern, value)
	})
}

// warnAllowWidened warns when a statement that allows comes to apply to
// every resource, or to every action of a service or of all services, and
// when a new statement allows every action of a service.
func (p *planner) warnAllowWidened(c *Change, attr string, d docChange) {
	var lines []string
	for _, sc := range d.changes {
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

// accountList names accounts, such as "account 111122223333" or "accounts
// 111122223333 and 444455556666".
func accountList(accounts []string) string {
	if len(accounts) == 1 {
		return "account " + accounts[0]
	}
	return "accounts " + joinAnd(accounts)
}

// joinAnd joins words with commas and a final "and".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
