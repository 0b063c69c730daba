package policydoc

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// ChangeKind is the way a statement differs between two documents.
type ChangeKind int

const (
	StatementAdded   ChangeKind = iota + 1 // only in the new document
	StatementRemoved                       // only in the old document
	StatementChanged                       // in both, with different elements
)

func (k ChangeKind) String() string {
	switch k {
	case StatementAdded:
		return "added"
	case StatementRemoved:
		return "removed"
	case StatementChanged:
		return "changed"
	default:
		return "ChangeKind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Element is one value of a statement: its Sid or Effect, one action, one
// resource, one principal or one condition value.
type Element struct {
	Field string // Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition, or another key as written
	Type  string // principal type (AWS, Service, Federated, CanonicalUser) or condition operator; "" otherwise
	Key   string // condition key as written; "" otherwise
	Value string // the value as written; JSON text when it is not a string
}

// String returns the element as one line, such as "Action s3:GetObject",
// "Principal AWS arn:aws:iam::123456789012:root" or
// "Condition StringEquals aws:username = alice".
func (e Element) String() string {
	parts := []string{e.Field}
	if e.Type != "" {
		parts = append(parts, e.Type)
	}
	if e.Key != "" {
		parts = append(parts, e.Key, "=")
	}
	return strings.Join(append(parts, e.Value), " ")
}

// StatementChange is one statement added, removed or changed between two
// documents, with the elements that differ.
type StatementChange struct {
	Change   ChangeKind
	Sid      string    // the statement's Sid in the new document, or in the old one when removed; "" when it has none
	OldIndex int       // index of the statement in the old document, -1 when added
	NewIndex int       // index of the statement in the new document, -1 when removed
	Added    []Element // elements only in the new statement, as written there
	Removed  []Element // elements only in the old statement, as written there
	// Effect is the statement's Effect in the new document, or in the old
	// one when removed, such as "Allow".
	Effect string
}

// CompareStatements reports, statement by statement, how b differs from a,
// for reviewers of a change. Statements are paired first when they are
// equal, then by Sid, and then, among those left, by content: two statements
// are paired when at least half of their elements, Sid aside, are the same,
// or three quarters when both have a Sid and the Sids differ.
// Elements are compared by the rules of Canonical, so a reordered list or a
// miscased action is no change. An element is shown as written in the
// document it comes from. Either document may be nil, for a document created
// or deleted. The changes are ordered by their index in b, or in a for
// removed statements, with removed statements first on a tie.
//
// A difference that Canonical finds but that no element shows, such as a
// duplicated statement, is not reported.
func CompareStatements(a, b *Document) []StatementChange {
	before, after := comparedStatements(a), comparedStatements(b)
	pairs := pairStatements(before, after)

	// A paired statement changed when its elements differ.
	var changes []StatementChange
	for _, p := range pairs {
		added, removed := elementDiff(p.before, p.after)
		if len(added) == 0 && len(removed) == 0 {
			continue
		}
		changes = append(changes, StatementChange{
			Change: StatementChanged, Sid: p.after.sid,
			OldIndex: p.before.index, NewIndex: p.after.index,
			Added: added, Removed: removed, Effect: p.after.effect,
		})
	}

	// A statement left unpaired was removed or added.
	for _, st := range before {
		if !st.paired {
			changes = append(changes, StatementChange{Change: StatementRemoved, Sid: st.sid, OldIndex: st.index, NewIndex: -1, Removed: st.written(), Effect: st.effect})
		}
	}
	for _, st := range after {
		if !st.paired {
			changes = append(changes, StatementChange{Change: StatementAdded, Sid: st.sid, OldIndex: -1, NewIndex: st.index, Added: st.written(), Effect: st.effect})
		}
	}

	// Order the changes as a reader walks through the new document.
	slices.SortStableFunc(changes, func(x, y StatementChange) int {
		if c := cmp.Compare(x.position(), y.position()); c != 0 {
			return c
		}
		return cmp.Compare(x.NewIndex, y.NewIndex) // -1 (removed) first
	})
	return changes
}

// position returns the index that orders a change in CompareStatements.
func (c StatementChange) position() int {
	if c.NewIndex >= 0 {
		return c.NewIndex
	}
	return c.OldIndex
}

// counterparts returns, for each statement of b, the index of the
// statement of a that CompareStatements pairs it with, or -1 for a
// statement it reports as added.
func counterparts(a, b *Document) []int {
	before, after := comparedStatements(a), comparedStatements(b)
	pairStatements(before, after)
	out := make([]int, len(after))
	for j, y := range after {
		out[j] = -1
		if y.partner != nil {
			out[j] = y.partner.index
		}
	}
	return out
}

// comparedStatement is one statement prepared for comparison.
type comparedStatement struct {
	index     int
	sid       string
	effect    string
	canonical string
	elements  []keyedElement // sorted, one per key
	paired    bool
	// partner is the statement of the other document it is paired with.
	partner *comparedStatement
}

// keyedElement is an element with the key it is compared by.
type keyedElement struct {
	key     string
	element Element
}

// written returns the elements of the statement as written.
func (st *comparedStatement) written() []Element {
	out := make([]Element, len(st.elements))
	for i, e := range st.elements {
		out[i] = e.element
	}
	return out
}

// comparedStatements prepares the statements of d, in document order.
func comparedStatements(d *Document) []*comparedStatement {
	if d == nil {
		return nil
	}
	var out []*comparedStatement
	for i, st := range d.root.get("Statement").items() {
		c := &comparedStatement{index: i, canonical: string(canonicalStatement(nil, st)), elements: statementElements(st)}
		if sid := st.get("Sid"); sid != nil && sid.kind == kindString {
			c.sid = sid.text
		}
		if effect := st.get("Effect"); effect != nil && effect.kind == kindString {
			c.effect = effect.text
		}
		out = append(out, c)
	}
	return out
}

// statementPair is a statement of the old document and its counterpart in the new one.
type statementPair struct {
	before, after *comparedStatement
}

// pairStatements pairs the statements of two documents and marks them as
// paired. Pairs of equal statements are not returned.
func pairStatements(before, after []*comparedStatement) []statementPair {
	pair := func(x, y *comparedStatement) {
		x.paired, y.paired = true, true
		x.partner, y.partner = y, x
	}

	// Equal statements pair first, so that a moved statement is no change.
	for _, x := range before {
		if i := slices.IndexFunc(after, func(y *comparedStatement) bool { return !y.paired && y.canonical == x.canonical }); i >= 0 {
			pair(x, after[i])
		}
	}

	// Then statements with the same Sid.
	var pairs []statementPair
	for _, x := range before {
		if x.paired || x.sid == "" {
			continue
		}
		if i := slices.IndexFunc(after, func(y *comparedStatement) bool { return !y.paired && y.sid == x.sid }); i >= 0 {
			pair(x, after[i])
			pairs = append(pairs, statementPair{x, after[i]})
		}
	}

	// Then the most similar of the statements left, greedily. Two
	// statements whose author named them apart, with different Sids, pair
	// only when they have three quarters of their elements in common, so
	// that a renamed statement pairs and two that share only their Effect
	// and Resource do not.
	candidates := similarPairs(before, after)
	for _, c := range candidates {
		if c.before.sid != "" && c.after.sid != "" && c.before.sid != c.after.sid && c.similarity < renamedSimilarity {
			continue
		}
		if !c.before.paired && !c.after.paired {
			pair(c.before, c.after)
			pairs = append(pairs, c.statementPair)
		}
	}
	return pairs
}

// renamedSimilarity is the least similarity of two statements with
// different Sids that pairs them.
const renamedSimilarity = 0.75

// similarPair is a candidate pair with the share of elements, Sid aside,
// that its statements have in common: the size of the intersection of their
// elements over that of the union.
type similarPair struct {
	statementPair
	similarity float64
}

// similarPairs returns the unpaired statements of before and after that
// have at least half of their elements in common, most similar first.
func similarPairs(before, after []*comparedStatement) []similarPair {
	// Index the elements of after, so that only statements that share an
	// element are compared.
	index := map[string][]int{}
	sizes := make([]int, len(after))
	for i, y := range after {
		if y.paired {
			continue
		}
		for _, e := range y.elements {
			if e.element.Field != "Sid" {
				index[e.key] = append(index[e.key], i)
				sizes[i]++
			}
		}
	}

	var out []similarPair
	common := make([]int, len(after))
	for _, x := range before {
		if x.paired {
			continue
		}
		clear(common)
		size := 0
		for _, e := range x.elements {
			if e.element.Field != "Sid" {
				size++
				for _, i := range index[e.key] {
					common[i]++
				}
			}
		}
		for i, n := range common {
			if s := float64(n) / float64(size+sizes[i]-n); n > 0 && s >= 0.5 {
				out = append(out, similarPair{statementPair{x, after[i]}, s})
			}
		}
	}
	slices.SortStableFunc(out, func(p, q similarPair) int {
		return cmp.Compare(q.similarity, p.similarity)
	})
	return out
}

// elementDiff returns the elements only in after and only in before.
func elementDiff(before, after *comparedStatement) (added, removed []Element) {
	has := func(st *comparedStatement, key string) bool {
		_, found := slices.BinarySearchFunc(st.elements, key, func(e keyedElement, k string) int { return strings.Compare(e.key, k) })
		return found
	}
	for _, e := range after.elements {
		if !has(before, e.key) {
			added = append(added, e.element)
		}
	}
	for _, e := range before.elements {
		if !has(after, e.key) {
			removed = append(removed, e.element)
		}
	}
	return added, removed
}

// StatementElements returns the elements of each statement, as written,
// in the order CompareStatements reports them.
func (d *Document) StatementElements() [][]Element {
	statements := comparedStatements(d)
	out := make([][]Element, len(statements))
	for i, st := range statements {
		out[i] = st.written()
	}
	return out
}
