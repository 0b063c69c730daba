package bench

import (
	"encoding/json"
	"strings"
)

// value is a string of a policy document. The configuration writes it as
// an HCL expression, and the state file as the text it evaluates to.
type value struct {
	// hcl is the HCL expression, such as "role.r0001.arn" or a quoted
	// template.
	hcl string
	// live is the string in the account.
	live string
}

// literal is a string written the same way in both places.
func literal(s string) value { return value{hcl: hclString(s), live: s} }

// interpolated is a template such as "arn:aws:logs:*:${account.id}:*" that
// evaluates to live.
func interpolated(template, live string) value { return value{hcl: `"` + template + `"`, live: live} }

// reference is a reference such as role.r0001.arn that evaluates to live.
func reference(expr, live string) value { return value{hcl: expr, live: live} }

// hclString quotes s as an HCL string literal. The synthetic strings hold
// no quotes, backslashes or template sequences, so only those that could
// appear by accident are escaped.
func hclString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "${", "$${")
	s = strings.ReplaceAll(s, "%{", "%%{")
	return `"` + s + `"`
}

// statement is one Allow statement of a synthetic document.
type statement struct {
	sid       string
	actions   []string
	resources []value
	// principalType and principal are set in trust policies only.
	principalType string
	principal     value
}

// document is a synthetic policy document.
type document struct {
	statements []statement
	// console stores the live document as the IAM console writes it, and
	// not as iamsync sent it.
	console bool
}

func policyDocument(statements ...statement) document { return document{statements: statements} }

// trustDocument lets one principal assume a role.
func trustDocument(principalType string, principal value) document {
	return document{statements: []statement{{
		actions:       []string{"sts:AssumeRole"},
		principalType: principalType,
		principal:     principal,
	}}}
}

// hcl writes the document as a jsonencode call, the way people write
// documents in Terraform: one value alone is a string, several a list.
// indent is the indentation of the line the call starts on.
func (d document) hcl(indent string) string {
	var b strings.Builder
	in := indent + "  "
	b.WriteString("jsonencode({\n")
	b.WriteString(in + "Version = \"2012-10-17\"\n")
	b.WriteString(in + "Statement = [")
	for i, s := range d.statements {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{\n")
		s.writeHCL(&b, in+"  ")
		b.WriteString(in + "}")
	}
	b.WriteString("]\n")
	b.WriteString(indent + "})")
	return b.String()
}

func (s statement) writeHCL(b *strings.Builder, in string) {
	if s.sid != "" {
		b.WriteString(in + "Sid    = " + hclString(s.sid) + "\n")
	}
	b.WriteString(in + "Effect = \"Allow\"\n")
	if s.principalType != "" {
		b.WriteString(in + "Principal = { " + s.principalType + " = " + s.principal.hcl + " }\n")
	}
	actions := make([]string, len(s.actions))
	for i, a := range s.actions {
		actions[i] = hclString(a)
	}
	b.WriteString(in + "Action = " + hclList(actions) + "\n")
	if len(s.resources) > 0 {
		resources := make([]string, len(s.resources))
		for i, r := range s.resources {
			resources[i] = r.hcl
		}
		b.WriteString(in + "Resource = " + hclList(resources) + "\n")
	}
}

// hclList writes one expression alone and several as a tuple.
func hclList(exprs []string) string {
	if len(exprs) == 1 {
		return exprs[0]
	}
	return "[" + strings.Join(exprs, ", ") + "]"
}

// live returns the document as the account stores it: as iamsync sent
// it, which is the text jsonencode made of the configuration's value, or
// as the IAM console writes documents.
func (d document) live() string {
	if d.console {
		return d.consoleText()
	}
	return d.sentText()
}

// sentText writes the document as jsonencode does: no white space, object
// keys sorted, one value a string and several a list.
func (d document) sentText() string {
	var b strings.Builder
	b.WriteString(`{"Statement":[`)
	for i, s := range d.statements {
		if i > 0 {
			b.WriteString(",")
		}
		var fields []string
		fields = append(fields, `"Action":`+jsonValue(s.actions))
		fields = append(fields, `"Effect":"Allow"`)
		if s.principalType != "" {
			fields = append(fields, `"Principal":{`+jsonString(s.principalType)+`:`+jsonString(s.principal.live)+`}`)
		}
		if len(s.resources) > 0 {
			fields = append(fields, `"Resource":`+jsonValue(liveValues(s.resources)))
		}
		if s.sid != "" {
			fields = append(fields, `"Sid":`+jsonString(s.sid))
		}
		b.WriteString("{" + strings.Join(fields, ",") + "}")
	}
	b.WriteString(`],"Version":"2012-10-17"}`)
	return b.String()
}

// consoleText writes the document as the IAM console does: Version first,
// four spaces of indentation, and every action and resource in a list, even
// a single one. That differs from the configuration's jsonencode text but
// means the same.
func (d document) consoleText() string {
	var b strings.Builder
	b.WriteString("{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n")
	for i, s := range d.statements {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("        {\n")
		var fields []string
		if s.sid != "" {
			fields = append(fields, `"Sid": `+jsonString(s.sid))
		}
		fields = append(fields, `"Effect": "Allow"`)
		if s.principalType != "" {
			fields = append(fields, `"Principal": {`+jsonString(s.principalType)+`: `+jsonString(s.principal.live)+`}`)
		}
		fields = append(fields, `"Action": `+jsonList(s.actions))
		if len(s.resources) > 0 {
			fields = append(fields, `"Resource": `+jsonList(liveValues(s.resources)))
		}
		b.WriteString("            " + strings.Join(fields, ",\n            ") + "\n        }")
	}
	b.WriteString("\n    ]\n}")
	return b.String()
}

func liveValues(values []value) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = v.live
	}
	return out
}

// jsonValue writes one item as a string and several as a list, without
// white space.
func jsonValue(items []string) string {
	if len(items) == 1 {
		return jsonString(items[0])
	}
	return strings.ReplaceAll(jsonList(items), ", ", ",")
}

func jsonString(s string) string {
	out, err := json.Marshal(s)
	if err != nil {
		panic("bench: encoding a string: " + err.Error())
	}
	return string(out)
}

func jsonList(items []string) string {
	quoted := make([]string, len(items))
	for i, item := range items {
		quoted[i] = jsonString(item)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
