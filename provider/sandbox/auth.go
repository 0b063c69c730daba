package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	amzDateFormat  = "20060102T150405Z"
	// maxClockSkew is how far a signature's time may be from the server's
	// clock, as AWS allows.
	maxClockSkew = 15 * time.Minute
)

// credential is a key pair that the sandbox accepts, with the identity that
// requests signed with it act as.
type credential struct {
	accessKeyID string
	secret      string
	// sessionToken is set for temporary credentials only.
	sessionToken string
	identity     identity
	// key is the user's access key; nil for the root key pair and for
	// temporary credentials.
	key *accessKey
	// session is set for temporary credentials that STS issued.
	session *stsSession
}

// identity is the principal behind a credential, as GetCallerIdentity
// returns it.
type identity struct {
	account string
	arn     string
	userID  string
}

// lookupCredential returns the credential with the access key id, or nil.
// Inactive user keys are not accepted, nor temporary credentials whose role
// or user was deleted. Expired temporary credentials are returned, so that
// authenticate can return ExpiredToken.
func (s *Server) lookupCredential(accessKeyID string) *credential {
	a := s.acct
	if accessKeyID == s.opts.AccessKeyID {
		return &credential{
			accessKeyID: accessKeyID, secret: s.opts.SecretAccessKey,
			identity: identity{account: a.id, arn: a.arn("root"), userID: a.id},
		}
	}
	for _, u := range a.users {
		for _, k := range u.accessKeys {
			if k.id == accessKeyID && k.status == statusActive {
				return &credential{
					accessKeyID: k.id, secret: k.secret, key: k,
					identity: identity{account: a.id, arn: a.userARN(u), userID: u.id},
				}
			}
		}
	}
	if sess := a.sessions[accessKeyID]; sess != nil {
		return a.sessionCredential(sess)
	}
	return nil
}

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	accessKeyID   string
	date          string // yyyymmdd of the credential scope
	region        string
	service       string
	signedHeaders []string
	signature     string
}

// authenticate verifies the request's SigV4 signature and sets the
// request's service and caller. It rebuilds the request from the headers
// that the client signed and signs it again with the SDK's signer.
func (s *Server) authenticate(r *http.Request, body []byte, req *request) error {
	header := r.Header.Get("Authorization")
	if header == "" {
		if r.URL.Query().Has("X-Amz-Signature") {
			return errIncompleteSignature("The sandbox does not accept presigned requests. Sign requests in the Authorization header.")
		}
		return errMissingAuthenticationToken()
	}

	// Parse the header and the credential scope, which names the service.
	auth, err := parseAuthorization(header)
	if err != nil {
		return err
	}
	switch auth.service {
	case iamService.name:
		req.service = iamService
	case stsService.name:
		req.service = stsService
	default:
		return errSignatureDoesNotMatch("Credential should be scoped to correct service: 'iam' or 'sts'.")
	}
	if s.opts.Region != "" && auth.region != s.opts.Region {
		return errSignatureDoesNotMatch("Credential should be scoped to a valid region, not '%s'.", auth.region)
	}

	// Check the signing time against the clock.
	signed, err := signingTime(r)
	if err != nil {
		return err
	}
	if err := checkClockSkew(signed, req.now); err != nil {
		return err
	}

	// Find the key, then sign the request again and compare.
	cred := s.lookupCredential(auth.accessKeyID)
	if cred == nil || r.Header.Get("X-Amz-Security-Token") != cred.sessionToken {
		return errInvalidClientTokenID()
	}
	if cred.session != nil && !req.now.Before(cred.session.expires) {
		return errExpiredToken()
	}
	want, err := resign(r, body, auth, cred, signed)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(want.signature), []byte(auth.signature)) != 1 ||
		!slices.Equal(want.signedHeaders, auth.signedHeaders) {
		return errSignatureDoesNotMatch("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}

	// Record the use of a user's key, as GetAccessKeyLastUsed reports it.
	req.caller, req.region = cred, auth.region
	if cred.key != nil {
		t := req.now
		cred.key.lastUsed, cred.key.lastService, cred.key.lastRegion = &t, auth.service, auth.region
	}
	return nil
}

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=AKID/20240101/
// us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=...".
func parseAuthorization(header string) (*authorization, error) {
	algorithm, rest, _ := strings.Cut(header, " ")
	if algorithm != sigV4Algorithm {
		return nil, errIncompleteSignature("Unsupported signing algorithm %q: the sandbox accepts %s only.", algorithm, sigV4Algorithm)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return nil, errIncompleteSignature("Authorization header requires '%s' parameter. Authorization=%s", k, header)
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return nil, errIncompleteSignature("Authorization header has a malformed Credential: it must be <key id>/<date>/<region>/<service>/aws4_request.")
	}
	return &authorization{
		accessKeyID: scope[0], date: scope[1], region: scope[2], service: scope[3],
		signedHeaders: strings.Split(fields["SignedHeaders"], ";"),
		signature:     fields["Signature"],
	}, nil
}

// signingTime reads the X-Amz-Date header.
func signingTime(r *http.Request) (time.Time, error) {
	raw := r.Header.Get("X-Amz-Date")
	if raw == "" {
		return time.Time{}, errIncompleteSignature("Authorization header requires existence of a 'X-Amz-Date' header.")
	}
	t, err := time.Parse(amzDateFormat, raw)
	if err != nil {
		return time.Time{}, errIncompleteSignature("The X-Amz-Date header %q is not of the form %s.", raw, amzDateFormat)
	}
	return t, nil
}

func checkClockSkew(signed, now time.Time) error {
	switch {
	case signed.Before(now.Add(-maxClockSkew)):
		return errSignatureDoesNotMatch("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			signed.Format(amzDateFormat), now.Add(-maxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	case signed.After(now.Add(maxClockSkew)):
		return errSignatureDoesNotMatch("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			signed.Format(amzDateFormat), now.Add(maxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	}
	return nil
}

// resign signs a copy of the request, made of the method, URL, body and
// the headers the client signed, with the credential's secret, and returns
// the signature the client should have sent.
func resign(r *http.Request, body []byte, auth *authorization, cred *credential, signed time.Time) (*authorization, error) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	copyReq, err := http.NewRequestWithContext(context.Background(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, errIncompleteSignature("The request URL cannot be signed: %v.", err)
	}
	copyReq.URL.RawPath, copyReq.URL.RawQuery = r.URL.RawPath, r.URL.RawQuery
	copyReq.Host = r.Host
	copyReq.ContentLength = 0
	for _, name := range auth.signedHeaders {
		switch name {
		case "host":
		case "content-length":
			copyReq.ContentLength = int64(len(body))
		default:
			copyReq.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
		}
	}

	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: cred.accessKeyID, SecretAccessKey: cred.secret, SessionToken: cred.sessionToken}
	err = v4.NewSigner().SignHTTP(context.Background(), creds, copyReq, hex.EncodeToString(sum[:]), auth.service, auth.region, signed)
	if err != nil {
		return nil, errIncompleteSignature("The request cannot be signed: %v.", err)
	}
	return parseAuthorization(copyReq.Header.Get("Authorization"))
}

// Errors of authentication, with the codes and statuses that AWS returns.

func errMissingAuthenticationToken() *apiError {
	return newAPIError(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
}

func errInvalidClientTokenID() *apiError {
	return newAPIError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
}

func errSignatureDoesNotMatch(format string, args ...any) *apiError {
	return newAPIError(http.StatusForbidden, "SignatureDoesNotMatch", format, args...)
}

func errIncompleteSignature(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "IncompleteSignature", format, args...)
}
