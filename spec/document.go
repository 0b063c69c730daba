package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/iamsync/iamsync/policydoc"
)

// maxDocumentLength is the largest number of characters that the IAM API
// accepts in a policy document parameter, white space included. A longer
// document is rejected before it is parsed, which would take seconds for
// the megabytes that a mistaken file() can read.
const maxDocumentLength = 131072

// decodeDocument evaluates a policy document attribute, parses it, and
// checks it against IAM's policy grammar for the place it is used in.
// Problems point into the document where its text can be traced: a string
// literal or heredoc, a jsonencode call, or a file read with file().
func (l *loader) decodeDocument(r *attrReader, name string, kind policydoc.Kind) *policydoc.Document {
	return l.decodeDocumentFor(r, name, kind, true)
}

// decodeDocumentFor is decodeDocument, with the warnings of broad grants
// left out unless risks is set: a session policy only narrows what the
// role's own policies grant, so "*" on "*" there means no narrowing.
func (l *loader) decodeDocumentFor(r *attrReader, name string, kind policydoc.Kind, risks bool) *policydoc.Document {
	text, ok := r.str(name)
	if !ok {
		if r.null[name] {
			r.invalid(name, fmt.Sprintf("The %s argument is required, so it cannot be null.", name))
		}
		return nil
	}
	attr := r.attrs[name]
	if n := utf8.RuneCountInString(text); n > maxDocumentLength {
		r.markFailed(name)
		// The attribute's name is the subject, because a snippet of the
		// expression would print the whole document.
		r.report(errorAt(attr.NameRange, "Policy document too long", fmt.Sprintf(
			"The %s is %d characters long, and the IAM API accepts at most %d in a policy document, white space included. "+
				"IAM's size quotas, which leave white space out, are lower still: split the permissions into several policies.",
			name, n, maxDocumentLength)))
		return nil
	}
	doc, err := l.encoded[text], error(nil)
	if doc == nil {
		doc, err = policydoc.Parse(text)
	}
	if err != nil {
		subject := attr.Expr.Range()
		message := err.Error()
		var syntax *policydoc.SyntaxError
		if errors.As(err, &syntax) {
			// The position is in the document's text, which is not the
			// file's when the document is a heredoc or built by a function.
			message = fmt.Sprintf("%s, at line %d, column %d of the document", syntax.Msg, syntax.Line, syntax.Column)
			if call, ok := attr.Expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == "jsonencode" {
				message = jsonencodeSyntaxMessage(syntax, text)
			}
			if rng, ok := l.documentRange(attr.Expr, r.ctx, text, syntax.Offset, syntax.Offset+1); ok {
				subject = rng
			}
		}
		r.markFailed(name)
		r.report(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid policy document",
			Detail:   fmt.Sprintf("The %s is not a valid policy document: %s.", name, strings.TrimSuffix(message, ".")),
			Subject:  subject.Ptr(),
		})
		return nil
	}

	accepted := l.acceptedRisks(r, kind)
	for _, problem := range doc.Validate(kind) {
		if problem.Risk != "" && !risks {
			continue
		}
		severity := hcl.DiagError
		if problem.Severity == policydoc.Warning {
			severity = hcl.DiagWarning
		}
		if problem.Risk != "" && accepted != nil {
			accepted.raised[problem.Risk] = true
			if accepted.risks[problem.Risk] {
				continue
			}
		}
		subject := attr.Expr.Range()
		detail := problem.Detail
		if problem.Path != "" {
			if rng, ok := l.problemRange(attr.Expr, r.ctx, text, problem.Path); ok {
				subject = rng
			}
			detail = strings.TrimSpace(fmt.Sprintf("%s The problem is at %s in the document.", detail, problem.Path))
		}
		if problem.Risk != "" && r.has(acceptRisksAttr) {
			detail += fmt.Sprintf(" If the grant is intended, add %q to accept_risks in this block, and plans will no longer warn of it.", problem.Risk)
		} else if problem.Risk != "" {
			detail += fmt.Sprintf(" If the grant is intended, accept it with accept_risks = [%q] in this block, and plans will no longer warn of it.", problem.Risk)
		}
		r.report(&hcl.Diagnostic{Severity: severity, Summary: problem.Summary, Detail: detail, Subject: subject.Ptr()})
	}
	return doc
}

// principalRanges returns where each ARN that a trust policy names as an
// AWS principal is written, by ARN, for those that can be traced to the
// source. Account ids, "*" and other principal types are left out: only
// ARNs are checked against the account.
func (l *loader) principalRanges(r *attrReader, name string, doc *policydoc.Document) map[string]hcl.Range {
	attr, ok := r.attrs[name]
	if doc == nil || !ok {
		return nil
	}
	text := doc.String()
	var ranges map[string]hcl.Range
	for _, p := range doc.AWSPrincipals() {
		if !strings.HasPrefix(p.Value, "arn:") {
			continue
		}
		if _, seen := ranges[p.Value]; seen {
			continue
		}
		if rng, ok := l.problemRange(attr.Expr, r.ctx, text, p.Path); ok {
			if ranges == nil {
				ranges = map[string]hcl.Range{}
			}
			ranges[p.Value] = rng
		}
	}
	return ranges
}

// problemRange returns the source range of the value at a JSON pointer in
// a document.
func (l *loader) problemRange(expr hcl.Expression, ctx *hcl.EvalContext, text, pointer string) (hcl.Range, bool) {
	segments := splitPointer(pointer)
	if rng, ok := jsonencodeRange(expr, segments); ok {
		return rng, true
	}
	start, end, ok := jsonPointerSpan(text, segments)
	if !ok {
		return hcl.Range{}, false
	}
	return l.documentRange(expr, ctx, text, start, end)
}

// documentRange maps the byte span [start, end) of a document's text to
// its source: the string literal or heredoc it was written in, or the file
// that file() read it from.
func (l *loader) documentRange(expr hcl.Expression, ctx *hcl.EvalContext, text string, start, end int) (hcl.Range, bool) {
	if end > len(text) {
		end = len(text)
	}
	if start > end {
		start = end
	}

	// A document read with file(): point into that file.
	if call, ok := expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == "file" && len(call.Args) == 1 {
		return l.fileRange(call.Args[0], ctx, text, start, end)
	}

	// A string literal or heredoc without interpolation.
	tmpl, ok := expr.(*hclsyntax.TemplateExpr)
	if !ok || len(tmpl.Parts) != 1 {
		return hcl.Range{}, false
	}
	literal, ok := tmpl.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok {
		return hcl.Range{}, false
	}
	file := l.parser.Files()[expr.Range().Filename]
	if file == nil {
		return hcl.Range{}, false
	}
	src, partStart := file.Bytes, literal.Range().Start.Byte
	toSource := func(offset int) (int, bool) {
		if src[tmpl.Range().Start.Byte] == '"' {
			return quotedSourceOffset(src[partStart:literal.Range().End.Byte], offset, partStart)
		}
		return heredocSourceOffset(src, partStart, text, offset)
	}
	startByte, ok1 := toSource(start)
	endByte, ok2 := toSource(end)
	if !ok1 || !ok2 {
		return hcl.Range{}, false
	}
	return hcl.Range{Filename: expr.Range().Filename, Start: posAt(src, startByte), End: posAt(src, endByte)}, true
}

// fileRange returns the range of a span of a document that file() read.
func (l *loader) fileRange(pathExpr hcl.Expression, ctx *hcl.EvalContext, text string, start, end int) (hcl.Range, bool) {
	val, diags := pathExpr.Value(ctx)
	if diags.HasErrors() || !val.IsKnown() || val.IsNull() || !val.Type().Equals(cty.String) {
		return hcl.Range{}, false
	}
	path, err := l.files.resolve(val.AsString())
	if err != nil {
		return hcl.Range{}, false
	}
	filename := l.files.displayName(path)
	file := l.parser.Files()[filename]
	if file == nil {
		src, err := os.ReadFile(path)
		if err != nil || string(src) != text {
			return hcl.Range{}, false
		}
		file = &hcl.File{Bytes: src}
		l.parser.AddFile(filename, file)
	}
	return hcl.Range{Filename: filename, Start: posAt(file.Bytes, start), End: posAt(file.Bytes, end)}, true
}

// jsonencodeSyntaxMessage describes a syntax error in the one-line text that
// jsonencode wrote by naming the string that contains it, because a column in
// that text means nothing to the user. jsonencode writes every character as
// it is, so a character IAM rejects can only be escaped in a JSON text.
func jsonencodeSyntaxMessage(syntax *policydoc.SyntaxError, text string) string {
	msg, _, _ := strings.Cut(syntax.Msg, " (write other characters as \\u escapes)")
	if s, ok := enclosingString(text, syntax.Offset); ok {
		msg = fmt.Sprintf("%s, in the string %q", msg, s)
	}
	if strings.HasPrefix(syntax.Msg, "character ") {
		msg += ". jsonencode writes every character as it is, so write the document as JSON text, " +
			"in a heredoc or a file, with the character as a \\u escape, or leave the character out"
	}
	return msg
}

// enclosingString returns the value of the JSON string of text that
// contains the byte at offset.
func enclosingString(text string, offset int) (string, bool) {
	if offset < 0 || offset >= len(text) {
		return "", false
	}

	// The opening quote is the last unescaped quote before offset that
	// starts a string.
	start, inString := -1, false
	for i := 0; i < offset; i++ {
		switch text[i] {
		case '\\':
			if inString {
				i++
			}
		case '"':
			inString = !inString
			if inString {
				start = i
			}
		}
	}
	if !inString {
		return "", false
	}

	end := start + 1
	for end < len(text) && text[end] != '"' {
		if text[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(text) {
		return "", false
	}

	var s string
	if err := json.Unmarshal([]byte(text[start:end+1]), &s); err != nil {
		return "", false
	}
	return s, true
}
