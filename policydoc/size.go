package policydoc

// IAM's default size quotas for policy documents, in characters counted the
// way Size counts them. Sources: the "IAM and AWS STS quotas" page of the IAM
// User Guide. The inline quotas are per entity, for the sum of all its inline
// policies. The trust policy quota can be raised on request, so a caller that
// can read the account's AssumeRolePolicySizeQuota from GetAccountSummary
// should use that value instead.
const (
	MaxManagedPolicySize      = 6144  // one customer managed policy version
	MaxUserInlinePolicySize   = 2048  // all inline policies of one user
	MaxGroupInlinePolicySize  = 5120  // all inline policies of one group
	MaxRoleInlinePolicySize   = 10240 // all inline policies of one role
	DefaultMaxTrustPolicySize = 2048  // a role's trust policy, before any quota increase
)

// Size returns the length that IAM counts against its size quotas: the
// number of characters of the text as written, without the white space
// (space, tab, line feed, carriage return) outside string values. IAM's
// quota page states only that IAM does not count white space. Characters are
// counted, not UTF-8 bytes: every character IAM accepts is in U+0000 to
// U+00FF, so characters and Latin-1 bytes agree, and IAM's "bytes exceeded"
// error messages use the same numbers.
//
// NOTE: some tools strip every white-space character, including those inside
// strings, and AWS does not say which is right. Counting white space inside
// strings can only overstate the size, so a document Size accepts is never
// rejected by IAM for its size. A nil Document returns 0.
func (d *Document) Size() int {
	if d == nil {
		return 0
	}
	size := 0
	inString, escaped := false, false
	for _, r := range d.text {
		switch {
		case inString:
			size++
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString = false
			}
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			// White space between tokens is not counted.
		default:
			size++
			inString = r == '"'
		}
	}
	return size
}
