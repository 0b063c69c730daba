package sandbox

import (
	"net/url"
	"strings"
	"time"
)

// isoTime marshals as IAM writes timestamps: ISO 8601 in UTC, to the second.
type isoTime time.Time

func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

// optionalTime returns nil for a nil time, so that the element is omitted.
func optionalTime(t *time.Time) *isoTime {
	if t == nil {
		return nil
	}
	v := isoTime(*t)
	return &v
}

// members is a Query-protocol list: <Name><member>..</member>..</Name>. An
// empty list is written as an empty element, as IAM writes required lists.
type members[T any] struct {
	Items []T `xml:"member"`
}

func memberList[T any](items []T) members[T] { return members[T]{Items: items} }

// optionalMembers returns nil for an empty list, so that the element is
// omitted, as IAM omits optional lists such as Tags when they are empty.
func optionalMembers[T any](items []T) *members[T] {
	if len(items) == 0 {
		return nil
	}
	return &members[T]{Items: items}
}

type tagXML struct {
	Key   string
	Value string
}

func tagsXML(tags []tag) []tagXML {
	return mapSlice(tags, func(t tag) tagXML { return tagXML(t) })
}

type boundaryXML struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

func boundaryOf(p *managedPolicy) *boundaryXML {
	if p == nil {
		return nil
	}
	return &boundaryXML{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: p.arn}
}

type attachedPolicyXML struct {
	PolicyName string
	PolicyArn  string
}

func attachedPoliciesXML(policies []*managedPolicy) []attachedPolicyXML {
	return mapSlice(policies, func(p *managedPolicy) attachedPolicyXML {
		return attachedPolicyXML{PolicyName: p.name, PolicyArn: p.arn}
	})
}

// encodeDocument URL-encodes a policy document as IAM returns it: RFC 3986
// percent-encoding of every byte except the unreserved characters.
func encodeDocument(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(doc) * 2)
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// decodeDocument reverses encodeDocument. A string that is not valid
// percent-encoding is returned unchanged.
func decodeDocument(s string) string {
	d, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return d
}
