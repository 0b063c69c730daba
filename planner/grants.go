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

// warnWidenedGrants warns of document changes that grant more, which a
// reviewer could miss among the lines of a statement summary. Each warning
// shows once, in the plan that makes the change: a trust policy opened to
// another account, a trust condition removed or changed, a Deny removed or
// narrowed, or an Allow widened to every resource or action of a service.
//
// NOTE: the checks compare statements element by element and evaluate no
// policy. An Allow rewritten under another Sid with Resource "*", or a
// resource pattern such as arn:aws:s3:::*, passes without a warning.
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

// oldStatement returns the statement that a change replaced or removed, or
// nil.
func (d docChange) oldStatement(sc policydoc.StatementChange) docStatement {
	if sc.OldIndex < 0 || sc.OldIndex >= len(d.before) {
		return nil
	}
	return d.before[sc.OldIndex]
}

// newStatement returns the statement that a change added or changed, or
// nil.
func (d docChange) newStatement(sc policydoc.StatementChange) docStatement {
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
	// The accounts that the old policy trusted, with and without conditions.
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

	// The principals that the new policy lets in beyond those.
	var accounts, lines, unconditioned []string
	for _, sc := range d.changes {
		if sc.Effect != "Allow" || sc.Change == policydoc.StatementRemoved {
			continue
		}
		conditional := d.newStatement(sc).conditional()
		gained := sc.Added
		if slices.Contains(sc.Removed, policydoc.Element{Field: "Effect", Value: "Deny"}) {
			// A Deny turned into an Allow lets in all of its principals.
			gained = d.newStatement(sc)
		}
		for _, e := range gained {
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

	verb := "now lets principals of"
	if created {
		verb = "lets principals of"
	}
	detail := fmt.Sprintf("The trust policy of %s %s %s assume the role (%s).", c.Address, verb,
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

// warnConditionsRemoved warns when a principal that a trust policy lets
// assume the role comes to need fewer conditions. That is a condition key
// that every statement allowing the principal required before, and that
// some statement allowing it does not require now: the statement lost it,
// the principal moved to another statement, or a statement was split.
// It also warns when a kept key's value changes, such as from "true" to
// "false", and when a key gains a value that it accepts, such as a second
// external id.
func (p *planner) warnConditionsRemoved(c *Change, d docChange) {
	var lines []string
	before, after := requiredConditions(d.before), requiredConditions(d.after)
	for _, principal := range sortedPrincipals(after) {
		old, ok := before[principal]
		if !ok {
			continue // newly trusted, which warnOtherAccounts reports for other accounts
		}
		for _, need := range old {
			if slices.ContainsFunc(after[principal], sameCondition(need)) {
				continue
			}
			line := fmt.Sprintf("%s no longer needs %s", principalText(principal), elementText(need))
			var now []string
			for _, e := range after[principal] {
				if strings.EqualFold(e.Key, need.Key) {
					now = append(now, elementText(e))
				}
			}
			if len(now) > 0 {
				line += " (now " + strings.Join(now, ", ") + ")"
			}
			if !slices.Contains(lines, line) {
				lines = append(lines, line)
			}
		}
	}
	for _, sc := range d.changes {
		if sc.Change != policydoc.StatementChanged || sc.Effect != "Allow" {
			continue
		}
		old := d.oldStatement(sc)
		for _, e := range sc.Added {
			if e.Field != "Condition" || strings.Contains(e.Type, "Not") || !hasCondition(old, e.Type, e.Key) {
				continue
			}
			// A key that keeps its operator and gains a value accepts more.
			lines = append(lines, statementLabel(sc)+" accepts "+elementText(e))
		}
	}
	if len(lines) == 0 {
		return
	}
	p.warnOf(c, "Trust policy condition removed or changed", fmt.Sprintf("The trust policy of %s requires less: %s. "+
		"Principals that it held back, such as sessions without MFA or callers without the external id, may then "+
		"assume the role. Check that the change is meant.", c.Address, strings.Join(lines, "; ")))
}

// principalKey identifies a principal element: its type and value.
type principalKey struct{ typ, value string }

// requiredConditions returns, for each principal that an Allow statement
// names, the conditions that every Allow statement naming it has, by
// operator and key: those that the principal must meet whichever
// statement lets it in.
func requiredConditions(ss docStatements) map[principalKey][]policydoc.Element {
	out := map[principalKey][]policydoc.Element{}
	for _, st := range ss {
		if st.effect() != "Allow" {
			continue
		}
		var conditions []policydoc.Element
		for _, e := range st {
			if e.Field == "Condition" {
				conditions = append(conditions, e)
			}
		}
		for _, e := range st {
			if e.Field != "Principal" {
				continue
			}
			key := principalKey{e.Type, e.Value}
			required, seen := out[key]
			if !seen {
				out[key] = conditions
				continue
			}
			var common []policydoc.Element
			for _, need := range required {
				if slices.ContainsFunc(conditions, sameCondition(need)) {
					common = append(common, need)
				}
			}
			out[key] = common
		}
	}
	return out
}

// sameCondition matches a condition of the same operator and key.
func sameCondition(need policydoc.Element) func(policydoc.Element) bool {
	return func(e policydoc.Element) bool {
		return e.Field == "Condition" && e.Type == need.Type && strings.EqualFold(e.Key, need.Key)
	}
}

func sortedPrincipals(m map[principalKey][]policydoc.Element) []principalKey {
	keys := make([]principalKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b principalKey) int { return strings.Compare(a.typ+" "+a.value, b.typ+" "+b.value) })
	return keys
}

func principalText(k principalKey) string {
	if k.typ == "" {
		return "principal " + k.value
	}
	return "principal " + k.typ + " " + k.value
}

// hasCondition reports whether elements hold a condition of that operator
// and key.
func hasCondition(elements []policydoc.Element, operator, key string) bool {
	return slices.ContainsFunc(elements, sameCondition(policydoc.Element{Field: "Condition", Type: operator, Key: key}))
}

// warnDenyNarrowed warns when a Deny statement is removed, turned into an
// Allow, or denies less. It denies less when no unconditional Deny of the
// new document covers its actions, resources or, in a trust policy,
// principals, or when it gains a condition or an exception. A Deny split
// into several, or merged into one, denies no less.
func (p *planner) warnDenyNarrowed(c *Change, attr string, d docChange) {
	trust := attr == "assume_role_policy"
	denies := unconditionalDenies(d.after)
	covered := func(st docStatement) bool {
		return !st.has("NotAction") && !st.has("NotResource") && !st.has("NotPrincipal") && denies.cover(st, trust)
	}
	var lines []string
	for _, sc := range d.changes {
		old := d.oldStatement(sc)
		switch {
		case sc.Change == policydoc.StatementRemoved && sc.Effect == "Deny":
			if !covered(old) {
				lines = append(lines, statementLabel(sc))
			}
		case sc.Change == policydoc.StatementChanged && slices.Contains(sc.Removed, policydoc.Element{Field: "Effect", Value: "Deny"}):
			if !covered(old) {
				lines = append(lines, statementLabel(sc)+": Deny is now "+sc.Effect)
			}
		case sc.Change == policydoc.StatementChanged && sc.Effect == "Deny":
			for _, e := range sc.Removed {
				if e.Field != "Action" && e.Field != "Resource" && !(trust && e.Field == "Principal") {
					continue
				}
				// The old statement with only this element of its field.
				var part docStatement
				for _, o := range old {
					if o.Field != e.Field || o == e {
						part = append(part, o)
					}
				}
				if !denies.cover(part, trust) {
					lines = append(lines, statementLabel(sc)+": - "+elementText(e))
				}
			}
			for _, e := range sc.Added {
				if e.Field == "Condition" || e.Field == "NotAction" || e.Field == "NotResource" || e.Field == "NotPrincipal" {
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

// cover reports whether the statements deny all that old denied: each of
// its actions on all of its resources and, in a trust policy, to all of
// its principals.
func (ds denyStatements) cover(old docStatement, trust bool) bool {
	for _, action := range old.values("Action") {
		covered := slices.ContainsFunc(ds, func(st docStatement) bool {
			return coversAny(st.values("Action"), action, true) &&
				allCovered(st.values("Resource"), old.values("Resource")) &&
				(!trust || principalsCovered(st, old))
		})
		if !covered {
			return false
		}
	}
	return true
}

func allCovered(patterns, values []string) bool {
	return !slices.ContainsFunc(values, func(v string) bool { return !coversAny(patterns, v, false) })
}

// principalsCovered reports whether st names every principal of old, or
// every principal with "*".
func principalsCovered(st, old docStatement) bool {
	for _, e := range old {
		if e.Field != "Principal" {
			continue
		}
		if !slices.ContainsFunc(st, func(n policydoc.Element) bool {
			return n.Field == "Principal" && (n == e || n.Value == "*")
		}) {
			return false
		}
	}
	return true
}

// coversAny reports whether one of the patterns covers the value, itself a
// pattern; actions compare without case, as IAM compares them.
func coversAny(patterns []string, value string, foldCase bool) bool {
	return slices.ContainsFunc(patterns, func(pattern string) bool {
		if foldCase {
			pattern, value = strings.ToLower(pattern), strings.ToLower(value)
		}
		return patternCovers(pattern, value)
	})
}

// patternCovers reports whether everything that older matches, newer
// matches too. For an older value without wildcards that is a match. An
// older pattern counts as covered only in the simple cases: the same
// pattern, or a newer one that ends with * after a prefix of the older one,
// such as iam:* for iam:Create*. A ? never covers a *.
func patternCovers(newer, older string) bool {
	if !strings.ContainsAny(older, "*?") {
		return wildcard.Match(newer, older)
	}
	if newer == older || newer == "*" {
		return true
	}
	prefix, ok := strings.CutSuffix(newer, "*")
	return ok && !strings.ContainsAny(prefix, "*?") && strings.HasPrefix(older, prefix)
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

// wholeServiceAction matches "*" and actions such as "s3:*" or "s3:?*",
// which match every action of a service.
var wholeServiceAction = regexp.MustCompile(`^[*?]*\*[*?]*$|^[A-Za-z0-9-]+:[*?]*\*[*?]*$`)

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
