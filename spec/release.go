package spec

import (
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// releaseSyntax replaces the parsed native-syntax files of the parser with
// files that keep only their source text. Load calls it before it decodes
// the entities, whose declarations then hold the only references to their
// parts of the trees. The syntax trees take about fifteen times the memory
// of the source, and a large configuration would otherwise hold them
// through the read and the plan that follow. Diagnostics need only the
// source for snippets and, rarely, the name of the enclosing block, which
// lazyNavigation finds by parsing the file again.
func releaseSyntax(parser *hclparse.Parser) {
	for name, file := range parser.Files() {
		if _, native := file.Body.(*hclsyntax.Body); !native {
			continue
		}
		parser.AddFile(name, &hcl.File{
			Body:  hcl.EmptyBody(),
			Bytes: file.Bytes,
			Nav:   &lazyNavigation{filename: name, src: file.Bytes},
		})
	}
}

// releaseDeclaration drops what an entity declaration keeps of the syntax
// tree once all its instances are decoded: its body and its identity
// attributes. Only the block header stays, whose ranges the declaration
// still names. Together with releaseSyntax before decoding, it frees the
// syntax trees entity by entity, so that the memory they take is not held
// next to all of the decoded configuration.
func (e *entityDecl) releaseDeclaration() {
	b := e.block
	e.block = &hcl.Block{
		Type:        b.Type,
		Labels:      b.Labels,
		Body:        hcl.EmptyBody(),
		DefRange:    b.DefRange,
		TypeRange:   b.TypeRange,
		LabelRanges: b.LabelRanges,
	}
	e.identity = nil
	e.refs = nil
}

// reusedParser returns a new parser that holds the native-syntax files
// that earlier has parsed and not released, so that Load parses only the
// others. A nil earlier gives an empty parser.
func reusedParser(earlier *hclparse.Parser) *hclparse.Parser {
	parser := hclparse.NewParser()
	if earlier == nil {
		return parser
	}
	for name, file := range earlier.Files() {
		if _, native := file.Body.(*hclsyntax.Body); native {
			parser.AddFile(name, file)
		}
	}
	return parser
}

// lazyNavigation answers the navigation questions of a native-syntax file
// by parsing its source on the first question.
type lazyNavigation struct {
	filename string
	src      []byte

	once sync.Once
	nav  any
}

// navigation returns the navigation of the parsed file.
func (n *lazyNavigation) navigation() any {
	n.once.Do(func() {
		file, _ := hclsyntax.ParseConfig(n.src, n.filename, hcl.InitialPos)
		if file != nil {
			n.nav = file.Nav
		}
	})
	return n.nav
}

// ContextString returns the header of the block that encloses offset,
// such as `user "alice"`, as hclsyntax's navigation does.
func (n *lazyNavigation) ContextString(offset int) string {
	if nav, ok := n.navigation().(interface{ ContextString(int) string }); ok {
		return nav.ContextString(offset)
	}
	return ""
}

// ContextDefRange returns the definition range of the block that encloses
// offset, as hclsyntax's navigation does.
func (n *lazyNavigation) ContextDefRange(offset int) hcl.Range {
	if nav, ok := n.navigation().(interface{ ContextDefRange(int) hcl.Range }); ok {
		return nav.ContextDefRange(offset)
	}
	return hcl.Range{}
}
