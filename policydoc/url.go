package policydoc

import (
	"fmt"
	"net/url"
)

// DecodeURL decodes a policy document as IAM returns it from Get*Policy,
// GetPolicyVersion, GetRole and GetAccountAuthorizationDetails: percent-encoded
// as RFC 3986 describes. A "+" stays a plus sign, not a space as in HTML form
// encoding: IAM writes a space as "%20", and botocore, the AWS CLI's own
// decoder, uses Python's urllib.parse.unquote, which leaves "+" alone too.
func DecodeURL(s string) (string, error) {
	decoded, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("decode policy document: %w", err)
	}
	return decoded, nil
}
