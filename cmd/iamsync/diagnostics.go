package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/mitchellh/go-wordwrap"
)

// diagnosticsFormatVersion is the version of the JSON shape of diagnostics.
const diagnosticsFormatVersion = "1.0"

// writeDiagnostics prints diagnostics for humans, the way Terraform prints
// them: the severity and summary, where the problem is, the source lines
// with a caret under the range, and the detail.
func writeDiagnostics(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File, color bool) error {
	for _, d := range sortDiagnostics(diags) {
		if err := writeDiagnostic(w, d, files, color); err != nil {
			return err
		}
	}
	return nil
}

// ANSI escapes used when colour is on.
const (
	ansiReset     = "\x1b[0m"
	ansiBold      = "\x1b[1m"
	ansiRed       = "\x1b[31m"
	ansiYellow    = "\x1b[33m"
	ansiUnderline = "\x1b[4m"
)

// snippetWidth is the column width, in characters, at which detail text is
// wrapped.
const snippetWidth = 100

func writeDiagnostic(w io.Writer, d *hcl.Diagnostic, files map[string]*hcl.File, color bool) error {
	var b strings.Builder

	// The heading: severity and summary.
	label, paint := "Error", ansiRed
	if d.Severity != hcl.DiagError {
		label, paint = "Warning", ansiYellow
	}
	if color {
		fmt.Fprintf(&b, "%s%s%s: %s%s\n", ansiBold, paint, label, d.Summary, ansiReset)
	} else {
		fmt.Fprintf(&b, "%s: %s\n", label, d.Summary)
	}

	// Where: the file, the line, the enclosing block and the source lines.
	if d.Subject != nil {
		b.WriteString("\n")
		writeSnippet(&b, *d.Subject, files[d.Subject.Filename], color)
	}

	// What to do: the detail, wrapped.
	if d.Detail != "" {
		b.WriteString("\n")
		b.WriteString(wordwrap.WrapString(d.Detail, snippetWidth))
		b.WriteString("\n")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSnippet prints "on FILE line N, in BLOCK:", the lines of rng with
// their numbers, and carets under the part of the first line that rng
// covers. Lines are printed only when the file's source is known.
func writeSnippet(b *strings.Builder, rng hcl.Range, file *hcl.File, color bool) {
	context := ""
	if file != nil {
		if nav, ok := file.Nav.(interface{ ContextString(int) string }); ok {
			if c := nav.ContextString(rng.Start.Byte); c != "" {
				context = ", in " + c
			}
		}
	}
	fmt.Fprintf(b, "  on %s line %d, column %d%s:\n", rng.Filename, rng.Start.Line, rng.Start.Column, context)
	if file == nil || len(file.Bytes) == 0 {
		return
	}

	lines := strings.Split(string(file.Bytes), "\n")
	last := rng.End.Line
	if last < rng.Start.Line {
		last = rng.Start.Line
	}
	if last > rng.Start.Line+2 {
		last = rng.Start.Line + 2 // a long range shows its first three lines
	}
	for n := rng.Start.Line; n <= last && n <= len(lines); n++ {
		line := strings.TrimRight(lines[n-1], "\r")
		fmt.Fprintf(b, "%4d: %s\n", n, line)
		if n != rng.Start.Line {
			continue
		}
		start, end := caretSpan(line, rng)
		if color {
			fmt.Fprintf(b, "      %s%s%s%s\n", strings.Repeat(" ", start), ansiBold, strings.Repeat("^", end-start), ansiReset)
		} else {
			fmt.Fprintf(b, "      %s%s\n", strings.Repeat(" ", start), strings.Repeat("^", end-start))
		}
	}
}

// caretSpan returns the columns, counted in characters from zero, that the
// carets under line cover: from the range's start to its end on the same
// line, or to the end of the line, and at least one character.
func caretSpan(line string, rng hcl.Range) (start, end int) {
	width := utf8.RuneCountInString(line)
	start = rng.Start.Column - 1
	end = width
	if rng.End.Line == rng.Start.Line {
		end = rng.End.Column - 1
	}
	if start > width {
		start = width
	}
	if end > width {
		end = width
	}
	if end <= start {
		end = start + 1
	}
	return start, end
}

// sortDiagnostics orders diagnostics by file and position, errors of the
// same place first, so that output does not depend on evaluation order.
// Warnings about no place in the files, such as one that the account was
// not reached, come last, after the errors to fix.
func sortDiagnostics(diags hcl.Diagnostics) hcl.Diagnostics {
	sorted := append(hcl.Diagnostics(nil), diags...)
	placeless := func(d *hcl.Diagnostic) bool { return d.Subject == nil && d.Severity == hcl.DiagWarning }
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if placeless(a) != placeless(b) {
			return placeless(b)
		}
		af, bf := diagFile(a), diagFile(b)
		if af != bf {
			return af < bf
		}
		ab, bb := diagOffset(a), diagOffset(b)
		if ab != bb {
			return ab < bb
		}
		return a.Severity < b.Severity
	})
	return sorted
}

func diagFile(d *hcl.Diagnostic) string {
	if d.Subject == nil {
		return ""
	}
	return d.Subject.Filename
}

func diagOffset(d *hcl.Diagnostic) int {
	if d.Subject == nil {
		return -1
	}
	return d.Subject.Start.Byte
}

// jsonDiagnostics is the machine-readable form of a set of diagnostics.
type jsonDiagnostics struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

type jsonDiagnostic struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

func newJSONDiagnostics(diags hcl.Diagnostics) jsonDiagnostics {
	out := jsonDiagnostics{FormatVersion: diagnosticsFormatVersion, Diagnostics: []jsonDiagnostic{}}
	for _, d := range sortDiagnostics(diags) {
		jd := jsonDiagnostic{Severity: severityName(d.Severity), Summary: d.Summary, Detail: d.Detail}
		if d.Subject != nil {
			jd.Range = &jsonRange{
				Filename: d.Subject.Filename,
				Start:    jsonPos{d.Subject.Start.Line, d.Subject.Start.Column, d.Subject.Start.Byte},
				End:      jsonPos{d.Subject.End.Line, d.Subject.End.Column, d.Subject.End.Byte},
			}
		}
		if d.Severity == hcl.DiagError {
			out.ErrorCount++
		} else {
			out.WarningCount++
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	out.Valid = out.ErrorCount == 0
	return out
}

func severityName(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagError {
		return "error"
	}
	return "warning"
}

// writeJSONDiagnostics writes diagnostics as one indented JSON document.
func writeJSONDiagnostics(w io.Writer, diags hcl.Diagnostics) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(newJSONDiagnostics(diags))
}

// sarifLog is a SARIF 2.1.0 log, the format that code-scanning services
// read. Only the parts that iamsync fills are modelled.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
	// ColumnKind names how columns count: HCL counts characters, where
	// SARIF would otherwise assume UTF-16 code units.
	ColumnKind string `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// writeSARIF writes diagnostics as a SARIF 2.1.0 log. Each distinct summary
// becomes a rule, so code-scanning services group repeated findings. File
// paths are made relative to baseDir, the working directory, because the
// services expect paths relative to the repository root, where CI runs.
// Code scanning rejects a result without a location. So a diagnostic about
// no place in the files, such as a value given on the command line, is
// placed at the start of fallback: the configuration directory's first
// file, or the directory itself.
func writeSARIF(w io.Writer, diags hcl.Diagnostics, baseDir, fallback string) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "iamsync",
			InformationURI: "https://github.com/iamsync/iamsync",
			Rules:          []sarifRule{},
		}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	seen := map[string]bool{}
	for _, d := range sortDiagnostics(diags) {
		id := ruleID(d.Summary)
		if !seen[id] {
			seen[id] = true
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: id, ShortDescription: sarifMessage{Text: d.Summary}})
		}
		result := sarifResult{RuleID: id, Level: severityName(d.Severity), Message: sarifMessage{Text: strings.TrimSpace(d.Summary + ". " + d.Detail)}}
		// A value from the command line or the environment has a pseudo
		// file name, such as <value for var.team>, that names no file.
		subject := hcl.Range{Filename: fallback, Start: hcl.InitialPos, End: hcl.InitialPos}
		switch {
		case d.Subject != nil && !strings.HasPrefix(d.Subject.Filename, "<"):
			subject = *d.Subject
		case d.Context != nil && !strings.HasPrefix(d.Context.Filename, "<"):
			// Such as the declaration of a variable whose value is wrong.
			subject = *d.Context
		}
		result.Locations = []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: relativeURI(baseDir, subject.Filename)},
			Region: sarifRegion{
				StartLine: subject.Start.Line, StartColumn: subject.Start.Column,
				EndLine: subject.End.Line, EndColumn: subject.End.Column,
			},
		}}}
		run.Results = append(run.Results, result)
	}
	sort.Slice(run.Tool.Driver.Rules, func(i, j int) bool { return run.Tool.Driver.Rules[i].ID < run.Tool.Driver.Rules[j].ID })

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// ruleID turns a diagnostic summary into a stable rule id such as
// "invalid-user-name".
func ruleID(summary string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(summary) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// relativeURI returns the URI of filename relative to baseDir, with forward
// slashes, such as "iam/main.hcl". A file outside baseDir gets an absolute
// file URI, such as "file:///etc/iam/main.hcl". Both baseDir and a relative
// filename are resolved against the working directory.
func relativeURI(baseDir, filename string) string {
	absBase, baseErr := filepath.Abs(baseDir)
	absFile, fileErr := filepath.Abs(filename)
	if baseErr != nil || fileErr != nil {
		return (&url.URL{Path: filepath.ToSlash(filename)}).String()
	}
	rel, err := filepath.Rel(absBase, absFile)
	if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return (&url.URL{Path: filepath.ToSlash(rel)}).String()
	}

	// A Windows path such as C:/iam/main.hcl needs a slash in front of its
	// drive letter to be a URI path.
	path := filepath.ToSlash(absFile)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return (&url.URL{Scheme: "file", Path: path}).String()
}
