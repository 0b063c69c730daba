package policydoc

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the place where a policy document is used. IAM accepts different
// elements in each: only Identity policies may omit Principal, and only
// Trust policies must not name a Resource.
type Kind int

const (
	Identity Kind = iota + 1 // inline and managed policies of users, groups and roles
	Trust                    // a role's trust policy (assume role policy document)
	Resource                 // a policy attached to a resource, such as an S3 bucket policy
)

// article returns "an" or "a", whichever goes before the kind's name.
func (k Kind) article() string {
	if k == Identity {
		return "an"
	}
	return "a"
}

func (k Kind) String() string {
	switch k {
	case Identity:
		return "identity"
	case Trust:
		return "trust"
	case Resource:
		return "resource"
	default:
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Severity is the seriousness of a Problem: Error for what IAM rejects, and
// Warning for what IAM accepts but is probably a mistake.
type Severity int

const (
	Error Severity = iota + 1
	Warning
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "Severity(" + strconv.Itoa(int(s)) + ")"
	}
}

// Problem is one finding of Validate.
type Problem struct {
	Severity Severity
	// Path is the location of the problem as a JSON pointer (RFC 6901) into
	// the document, such as /Statement/1/Action/0. "" is the whole document.
	// When a statement is written as an object rather than a list, its path
	// is /Statement. Use Document.Locate to turn a Path into a text position.
	Path    string
	Summary string // short sentence-case phrase without a trailing period
	Detail  string // whole sentences saying what is wrong and what to do
	// Risk is the kind of a warning about a broad grant, such as
	// RiskAdminAccess, which a configuration can accept for one document.
	// It is empty for every other problem.
	Risk Risk
}

// Risk is a kind of grant that Validate warns of because it is broad, but
// that a document may intend.
type Risk string

const (
	RiskAdminAccess           Risk = "admin-access"             // every action on every resource
	RiskPassAnyRole           Risk = "pass-any-role"            // iam:PassRole on every resource
	RiskAllowNotAction        Risk = "allow-not-action"         // Allow with NotAction
	RiskAllowNotResource      Risk = "allow-not-resource"       // Allow with NotResource
	RiskTrustAnyone           Risk = "trust-anyone"             // a trust policy with Principal "*"
	RiskWebIdentityAnySubject Risk = "web-identity-any-subject" // web identity trust without a sub condition
)

// Risks lists every Risk, in the order of the table above.
var Risks = []Risk{RiskAdminAccess, RiskPassAnyRole, RiskAllowNotAction, RiskAllowNotResource, RiskTrustAnyone, RiskWebIdentityAnySubject}

func (p Problem) String() string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	return fmt.Sprintf("%s at %s: %s", p.Severity, path, p.Summary)
}

// Pos is a position in the text of a document.
type Pos struct {
	Offset int // byte offset, 0-based
	Line   int // 1-based
	Column int // 1-based, counted in characters
}

// Locate returns the text position of the element at path, a JSON pointer
// such as the Path of a Problem. For an object member it is the position of
// the member's key, otherwise that of the value. Locate returns false when
// the document has no element at path.
func (d *Document) Locate(path string) (Pos, bool) {
	if d == nil {
		return Pos{}, false
	}
	offset, ok := locate(d.root, path)
	if !ok {
		return Pos{}, false
	}
	line, column := lineColumn(d.text, offset)
	return Pos{Offset: offset, Line: line, Column: column}, true
}

func locate(root *node, path string) (int, bool) {
	if path == "" {
		return root.offset, true
	}
	if !strings.HasPrefix(path, "/") {
		return 0, false
	}

	n, offset := root, root.offset
	for _, segment := range strings.Split(path[1:], "/") {
		segment = unescapePointer(segment)
		switch n.kind {
		case kindObject:
			i := indexOfKey(n, segment)
			if i < 0 {
				return 0, false
			}
			n, offset = n.members[i].value, n.members[i].keyOffset
		case kindArray:
			i, err := strconv.Atoi(segment)
			if err != nil || i < 0 || i >= len(n.elems) {
				return 0, false
			}
			n, offset = n.elems[i], n.elems[i].offset
		default:
			return 0, false
		}
	}
	return offset, true
}

func indexOfKey(n *node, key string) int {
	for i, m := range n.members {
		if m.key == key {
			return i
		}
	}
	return -1
}

// pointerEscaper and pointerUnescaper escape "~" and "/" in JSON pointer
// segments as RFC 6901 describes. Condition keys such as
// aws:RequestTag/${TagKey} contain a slash.
var (
	pointerEscaper   = strings.NewReplacer("~", "~0", "/", "~1")
	pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

func unescapePointer(segment string) string {
	return pointerUnescaper.Replace(segment)
}

// pointerKey returns path extended by an object key.
func pointerKey(path, key string) string {
	return path + "/" + pointerEscaper.Replace(key)
}

// pointerIndex returns path extended by an array index.
func pointerIndex(path string, i int) string {
	return path + "/" + strconv.Itoa(i)
}
