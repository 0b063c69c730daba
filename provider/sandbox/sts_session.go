package sandbox

import (
	"encoding/base64"
	"net/http"
	"time"
)

// sessionKind is the STS action that issued temporary credentials.
type sessionKind int

const (
	assumedRoleSession  sessionKind = iota // AssumeRole
	sessionTokenSession                    // GetSessionToken
	federatedSession                       // GetFederationToken
)

// Keys of the log records about STS decisions.
const (
	logKeyReason = "reason"
	logKeyRole   = "role"
)

// Lengths of the parts of temporary credentials, as STS issues them.
const (
	temporaryKeyIDLength = 20
	temporarySecretLen   = 40
	sessionTokenBytes    = 300
)

// stsSession is one set of temporary credentials that STS issued. The
// sandbox accepts them in signatures until they expire, as long as the
// role or user they belong to still exists.
type stsSession struct {
	kind                       sessionKind
	accessKeyID, secret, token string
	expires                    time.Time
	identity                   identity

	// role is the assumed role, for assumedRoleSession.
	role *role
	// user is the IAM user behind a session token or federation token, and
	// nil for sessions of the root user and for role sessions.
	user *user

	// mfa is set when MFA authenticated the session, at mfaTime.
	mfa     bool
	mfaTime time.Time

	// tags are the session tags, which include the transitive tags
	// inherited along a role chain. transitive lists the keys of the tags
	// that pass on to the next role in the chain.
	tags       []tag
	transitive []string

	// sourceIdentity is the source identity of a role session, set by
	// the AssumeRole call that started the role chain.
	sourceIdentity string
}

// issueSession gives sess new credentials that expire after duration and
// makes the sandbox accept them.
func (c *call) issueSession(sess *stsSession, duration time.Duration) {
	sess.accessKeyID = c.acct.newIDOfLength(prefixTemporaryKey, temporaryKeyIDLength)
	sess.secret = randomString(secretAlphabet, temporarySecretLen)
	sess.token = base64.StdEncoding.EncodeToString([]byte(randomString(secretAlphabet, sessionTokenBytes)))
	sess.expires = c.now().Add(duration)
	c.pruneSessions()
	c.acct.sessions[sess.accessKeyID] = sess
}

// pruneSessions deletes expired sessions, so that a long-running sandbox
// does not keep every session it ever issued.
func (c *call) pruneSessions() {
	for id, sess := range c.acct.sessions {
		if !c.now().Before(sess.expires) {
			delete(c.acct.sessions, id)
		}
	}
}

// sessionCredential returns the credential of an STS session, or nil when
// the role or user it belongs to was deleted since it was issued.
func (a *account) sessionCredential(sess *stsSession) *credential {
	if sess.role != nil && a.roles[key(sess.role.name)] != sess.role {
		return nil
	}
	if sess.user != nil && a.users[key(sess.user.name)] != sess.user {
		return nil
	}
	return &credential{
		accessKeyID: sess.accessKeyID, secret: sess.secret, sessionToken: sess.token,
		identity: sess.identity, session: sess,
	}
}

// credentialsXML is STS's Credentials shape. The secret and the token are
// returned once, in the response that issues them.
type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      isoTime
}

func (sess *stsSession) credentialsXML() credentialsXML {
	return credentialsXML{
		AccessKeyID: sess.accessKeyID, SecretAccessKey: sess.secret, SessionToken: sess.token,
		Expiration: isoTime(sess.expires),
	}
}

// Errors of STS, with the codes and statuses that STS returns.

func errAccessDenied(format string, args ...any) *apiError {
	return newAPIError(http.StatusForbidden, "AccessDenied", format, args...)
}

// errNotAuthorized is STS's AccessDenied for a request that no policy
// allows.
func errNotAuthorized(callerARN, action, resource string) *apiError {
	return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s", callerARN, action, resource)
}

func errExpiredToken() *apiError {
	return newAPIError(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
}

func errPackedPolicyTooLarge(percent int) *apiError {
	return newAPIError(http.StatusBadRequest, "PackedPolicyTooLarge",
		"Packed policy consumes %d%% of allotted space, please use smaller policy.", percent)
}

// validationMessage is a ValidationError with a message of its own, for
// checks that are not constraints on one parameter.
func validationMessage(message string) *apiError {
	return newAPIError(http.StatusBadRequest, "ValidationError", "%s", message)
}

func errInvalidParameterValue(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "InvalidParameterValue", format, args...)
}

// errMFAFailed is STS's error for an MFA serial number that is not a
// device of the caller, or for half of the MFA parameters.
func errMFAFailed() *apiError {
	return errAccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
}
