package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// fileFunctions are file, fileexists, fileset and templatefile. Relative
// paths start at the configuration directory, and unless allowOutside is
// set, no path may lead out of it, through ".." or a symbolic link.
type fileFunctions struct {
	dir          string
	allowOutside bool
	// displayDir replaces dir in the file names that ranges show; see
	// LoadOptions.DisplayDir.
	displayDir string
	// log records the files read, nil for none.
	log *readLog
}

// readLog is the set of files that a Load read, named as Config.ReadFiles
// names them, and the texts that file returned.
type readLog struct {
	paths map[string]bool
	texts []readText
}

// readText is a text that the file function returned, and the name of its
// file as ranges give it.
type readText struct {
	name, text string
}

// fileOf returns the name of the file whose whole text file returned as
// text, if any.
func (r *readLog) fileOf(text string) (string, bool) {
	if r == nil {
		return "", false
	}
	for _, t := range r.texts {
		if t.text == text {
			return t.name, true
		}
	}
	return "", false
}

// record notes that the file p, as the configuration names it, was read.
func (f fileFunctions) record(p string) {
	if f.log == nil {
		return
	}
	if f.log.paths == nil {
		f.log.paths = map[string]bool{}
	}
	f.log.paths[filepath.Clean(p)] = true
}

// sorted returns the recorded paths in order.
func (r *readLog) sorted() []string {
	return keys(r.paths)
}

// displayName returns the name that ranges and messages give the file at
// path: path itself, or with dir replaced by displayDir when path lies in
// dir.
func (f fileFunctions) displayName(path string) string {
	if f.displayDir == "" {
		return path
	}
	rel, err := filepath.Rel(f.dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return filepath.Join(f.displayDir, rel)
}

// joined returns p, relative to the working directory when the
// configuration gives it relative to the configuration directory.
func (f fileFunctions) joined(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.dir, p)
}

// errOutside is returned for a path outside the configuration directory.
var errOutside = errors.New("reading files outside the configuration directory is not allowed")

// resolve returns the path to open for a path given in the configuration.
func (f fileFunctions) resolve(p string) (string, error) {
	resolved := p
	if !filepath.IsAbs(resolved) {
		resolved = filepath.Join(f.dir, p)
	}
	if f.allowOutside {
		return resolved, nil
	}

	root, err := realPath(f.dir)
	if err != nil {
		return "", fmt.Errorf("resolve configuration directory: %w", err)
	}
	target, err := realPath(resolved)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s: %w", p, errOutside)
	}
	return resolved, nil
}

// realPath returns the absolute path with symbolic links resolved. A path
// that does not exist is resolved as far as it exists, so that a missing
// file is reported as missing, not as outside.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err == nil {
		return real, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	parent := filepath.Dir(abs)
	if parent == abs {
		return abs, nil
	}
	realParent, err := realPath(parent)
	if err != nil {
		return "", err
	}
	return filepath.Join(realParent, filepath.Base(abs)), nil
}

// read returns the contents of a text file.
func (f fileFunctions) read(p string) (string, error) {
	resolved, err := f.resolve(p)
	if err != nil {
		return "", err
	}
	if info, err := os.Stat(resolved); err == nil && info.Size() > maxFileBytes {
		return "", fmt.Errorf("%s is %d bytes, more than the %d MiB that iamsync reads from one file", p, info.Size(), maxFileBytes>>20)
	}
	src, err := os.ReadFile(resolved)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", p, err)
	}
	f.record(p)
	if !utf8.Valid(src) {
		return "", fmt.Errorf("%s is not valid UTF-8 text", p)
	}
	return string(src), nil
}

func (f fileFunctions) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			text, err := f.read(p)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			val := cty.StringVal(text)
			if f.log != nil {
				f.log.texts = append(f.log.texts, readText{name: f.displayName(f.joined(p)), text: val.AsString()})
			}
			return val, nil
		},
	})
}

func (f fileFunctions) existsFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			resolved, err := f.resolve(p)
			if err != nil {
				return cty.UnknownVal(cty.Bool), err
			}
			info, err := os.Stat(resolved)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return cty.False, nil
			case err != nil:
				return cty.UnknownVal(cty.Bool), fmt.Errorf("stat %s: %w", p, err)
			case !info.Mode().IsRegular():
				return cty.UnknownVal(cty.Bool), fmt.Errorf("%s is not a regular file", p)
			}
			f.record(p)
			return cty.True, nil
		},
	})
}

// setFunc returns fileset(path, pattern): the paths, relative to path and
// with forward slashes, of the regular files under path that match pattern.
// The pattern has path.Match syntax per segment, and a "**" segment matches
// any number of directories.
func (f fileFunctions) setFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "pattern", Type: cty.String},
		},
		Type: function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			base, pattern := args[0].AsString(), args[1].AsString()
			if _, err := path.Match(strings.ReplaceAll(pattern, "**", "*"), ""); err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("invalid pattern %q: %w", pattern, err)
			}
			resolved, err := f.resolve(base)
			if err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), err
			}
			matches, err := globFiles(resolved, pattern)
			if err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("list %s: %w", base, err)
			}
			if len(matches) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			vals := make([]cty.Value, len(matches))
			for i, m := range matches {
				vals[i] = cty.StringVal(m)
				f.record(filepath.Join(base, filepath.FromSlash(m)))
			}
			return cty.SetVal(vals), nil
		},
	})
}

// globFiles walks root and returns the slash-separated relative paths of
// the regular files that match pattern. Symbolic links are not followed.
func globFiles(root, pattern string) ([]string, error) {
	want := strings.Split(pattern, "/")
	var matches []string
	err := filepath.WalkDir(root, func(p string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !entry.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if matchSegments(want, strings.Split(rel, "/")) {
			matches = append(matches, rel)
		}
		return nil
	})
	return matches, err
}

// matchSegments matches path segments against pattern segments, where "**"
// stands for zero or more segments.
func matchSegments(pattern, segments []string) bool {
	if len(pattern) == 0 {
		return len(segments) == 0
	}
	if pattern[0] == "**" {
		for skip := 0; skip <= len(segments); skip++ {
			if matchSegments(pattern[1:], segments[skip:]) {
				return true
			}
		}
		return false
	}
	if len(segments) == 0 {
		return false
	}
	ok, err := path.Match(pattern[0], segments[0])
	return err == nil && ok && matchSegments(pattern[1:], segments[1:])
}

// templateFunc returns templatefile(path, vars), which renders a file as an
// HCL template with the given variables and functions.
func (f fileFunctions) templateFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p, vars := args[0].AsString(), args[1]
			if !vars.Type().IsObjectType() && !vars.Type().IsMapType() {
				return cty.UnknownVal(cty.String), fmt.Errorf("the vars argument must be a map or an object")
			}
			if vars.IsNull() || !vars.IsWhollyKnown() {
				return cty.UnknownVal(cty.String), fmt.Errorf("the vars argument must be a known, non-null value")
			}
			text, err := f.read(p)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return renderTemplate(text, f.displayName(f.joined(p)), vars, funcs)
		},
	})
}

func renderTemplate(text, filename string, vars cty.Value, funcs map[string]function.Function) (cty.Value, error) {
	expr, diags := hclsyntax.ParseTemplate([]byte(text), filename, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.UnknownVal(cty.String), templateError(diags)
	}

	variables := map[string]cty.Value{}
	for it := vars.ElementIterator(); it.Next(); {
		k, v := it.Element()
		variables[k.AsString()] = v
	}
	for _, t := range expr.Variables() {
		if _, ok := variables[t.RootName()]; !ok {
			return cty.UnknownVal(cty.String), fmt.Errorf("%s: the template refers to %q, which the vars argument does not set",
				t.SourceRange(), t.RootName())
		}
	}

	// The template may call every function but templatefile.
	ctxFuncs := make(map[string]function.Function, len(funcs))
	for name, fn := range funcs {
		if name != "templatefile" {
			ctxFuncs[name] = fn
		}
	}
	val, diags := expr.Value(&hcl.EvalContext{Variables: variables, Functions: ctxFuncs})
	if diags.HasErrors() {
		return cty.UnknownVal(cty.String), templateError(diags)
	}
	// A template that is a single interpolation, such as "${x}", takes the
	// type of x.
	str, err := convert.Convert(val, cty.String)
	if err != nil || str.IsNull() {
		return cty.UnknownVal(cty.String), fmt.Errorf("%s: the template does not produce a string", filename)
	}
	return str, nil
}

// templateError returns the error of a template's diagnostics. HCL ends the
// message of a failed function call with a period, so the diagnostics'
// own final period is left out.
func templateError(diags hcl.Diagnostics) error {
	return errors.New(strings.TrimSuffix(diags.Error(), "."))
}
