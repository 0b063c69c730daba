package policydoc

import (
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzCanonical checks that Parse rejects text only with a *SyntaxError and,
// for any text Parse accepts, that canonicalisation
// is idempotent and does not depend on the order of set-valued lists,
// statements and object keys, and that the other views of a document do not
// panic and agree with Canonical. The seed corpus is the documents of the
// golden tests plus the cases below, so a plain "go test" runs them all.
func FuzzCanonical(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, err := Parse(text)
		if err != nil {
			var syntaxErr *SyntaxError
			if !errors.As(err, &syntaxErr) || syntaxErr.Offset < 0 || syntaxErr.Offset > len(text) {
				t.Fatalf("Parse() error = %#v, want a *SyntaxError with an offset inside the text", err)
			}
			return
		}
		canonical := d.Canonical()

		// The canonical form is a valid document with itself as canonical form.
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("parse the canonical form %q: %v", canonical, err)
		}
		if got := again.Canonical(); got != canonical {
			t.Fatalf("canonical form is not idempotent:\nonce:  %s\ntwice: %s", canonical, got)
		}

		// Shuffling what carries no order leaves the meaning alone.
		shuffled := MustParse(string(appendCompact(nil, shuffle(d.root, text))))
		if got := shuffled.Canonical(); got != canonical {
			t.Fatalf("canonical form depends on order:\noriginal: %s\nshuffled: %s\nshuffled text: %s", canonical, got, shuffled)
		}
		if changes := CompareStatements(d, shuffled); len(changes) != 0 {
			t.Fatalf("CompareStatements reports changes between reorderings: %+v", changes)
		}

		// Pretty and MarshalJSON keep the meaning.
		for name, view := range map[string]string{"Pretty": d.Pretty(), "MarshalJSON": string(must(d.MarshalJSON()))} {
			v, err := Parse(view)
			if err != nil {
				t.Fatalf("parse the %s form %q: %v", name, view, err)
			}
			if !Equal(d, v) {
				t.Fatalf("the %s form changes the meaning:\n%s\n%s", name, canonical, v.Canonical())
			}
		}

		// A document does not differ from itself.
		if diff := Diff(d, d); strings.Contains(diff, "\n+ ") || strings.Contains(diff, "\n- ") || strings.HasPrefix(diff, "+") || strings.HasPrefix(diff, "-") {
			t.Fatalf("Diff of a document with itself has changes:\n%s", diff)
		}
		for _, kind := range []Kind{Identity, Trust, Resource} {
			for _, p := range d.Validate(kind) {
				if _, ok := d.Locate(p.Path); !ok {
					t.Fatalf("Locate(%q) found no element for the problem %q", p.Path, p.Summary)
				}
			}
		}
		if d.Size() > len(text) {
			t.Fatalf("Size() = %d is more than the %d bytes of the text", d.Size(), len(text))
		}
	})
}

// FuzzParseFast checks that the fast path of Parse accepts exactly the texts
// that the token parser accepts, with the same tree, and that Parse returns
// the token parser's error, message and offset for every other text.
func FuzzParseFast(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	for _, text := range parserCases {
		f.Add(text)
	}
	f.Fuzz(checkParsersAgree)
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// fuzzSeeds returns the documents of the golden tests and a few documents
// aimed at the rules of Canonical.
func fuzzSeeds(f *testing.F) []string {
	seeds := []string{
		`{}`,
		`{"Statement":{"Principal":"*","NotPrincipal":{"AWS":["123456789012","arn:aws:iam::123456789012:root"]}}}`,
		`{"Statement":[{"Sid":"","Effect":"allow","Condition":{}},{"Effect":"ALLOW"},{"Effect":"Allow"}]}`,
		`{"Statement":{"Condition":{"StringEquals":{"A":"1","a":["2",2,true,null]},"Bool":{"K":[true,"true"]}}}}`,
		`{"Statement":{"Action":["B:x","b:X",1,[2],{"c":3}],"Resource":["b","a","b"]}}`,
		`{"Version":"2012-10-17","Statement":["text",{"Action":"*"},["nested"]]}`,
		"{\"Id\":\"\\ud83d\\ude00 caf\u00e9 \\u0000\",\"Statement\":{}}",
		`{"Statement":"x","Other":{"b":[3,2,1],"a":1e3}}`,
	}
	for _, dir := range []string{"pretty", "diff"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			a, err := txtar.ParseFile(file)
			if err != nil {
				f.Fatal(err)
			}
			for _, file := range a.Files {
				if strings.HasSuffix(file.Name, ".json") {
					seeds = append(seeds, string(file.Data))
				}
			}
		}
	}
	return seeds
}

// shuffle returns a copy of a document's root with the order of everything
// that carries no meaning shuffled: object keys, statements, and the values
// of Action, NotAction, Resource, NotResource, principals and conditions.
// The order is a function of text, so that a failure can be reproduced.
func shuffle(root *node, text string) *node {
	h := fnv.New64a()
	h.Write([]byte(text))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0))

	out := shuffleMembers(rng, root)
	for i, m := range out.members {
		if m.key == "Statement" {
			out.members[i].value = shuffleList(rng, m.value, shuffleStatement)
		}
	}
	return out
}

func shuffleStatement(rng *rand.Rand, st *node) *node {
	if st.kind != kindObject {
		return st
	}
	out := shuffleMembers(rng, st)
	for i, m := range out.members {
		switch m.key {
		case "Action", "NotAction", "Resource", "NotResource":
			out.members[i].value = shuffleList(rng, m.value, keep)
		case "Principal", "NotPrincipal":
			out.members[i].value = shuffleValues(rng, m.value, 1)
		case "Condition":
			out.members[i].value = shuffleValues(rng, m.value, 2)
		}
	}
	return out
}

// shuffleValues shuffles the keys of objects nested depth levels deep and
// the lists of values below them.
func shuffleValues(rng *rand.Rand, n *node, depth int) *node {
	if n.kind != kindObject {
		return n
	}
	out := shuffleMembers(rng, n)
	for i, m := range out.members {
		if depth > 1 {
			out.members[i].value = shuffleValues(rng, m.value, depth-1)
		} else {
			out.members[i].value = shuffleList(rng, m.value, keep)
		}
	}
	return out
}

func keep(_ *rand.Rand, n *node) *node { return n }

// shuffleList shuffles an array node after mapping each element with f.
func shuffleList(rng *rand.Rand, n *node, f func(*rand.Rand, *node) *node) *node {
	if n.kind != kindArray {
		return f(rng, n)
	}
	out := *n
	out.elems = make([]*node, len(n.elems))
	for i, e := range n.elems {
		out.elems[i] = f(rng, e)
	}
	rng.Shuffle(len(out.elems), func(i, j int) { out.elems[i], out.elems[j] = out.elems[j], out.elems[i] })
	return &out
}

// shuffleMembers returns a copy of an object node with its keys shuffled.
func shuffleMembers(rng *rand.Rand, n *node) *node {
	out := *n
	out.members = append([]member(nil), n.members...)
	rng.Shuffle(len(out.members), func(i, j int) { out.members[i], out.members[j] = out.members[j], out.members[i] })
	return &out
}
