package sandbox

// callerKind is the kind of principal that a request acts as, which
// decides what IAM takes a missing UserName for.
type callerKind int

const (
	// rootCaller is the root user: the root key pair, or a session token
	// that the root user got from GetSessionToken.
	rootCaller callerKind = iota
	// userCaller is an IAM user: an access key of the user, or a session
	// token that the user got from GetSessionToken.
	userCaller
	// roleSessionCaller is a role session from AssumeRole.
	roleSessionCaller
	// federatedCaller is a federated user from GetFederationToken.
	federatedCaller
)

// callerKind returns the kind of principal that the request acts as.
func (c *call) callerKind() callerKind {
	cred := c.req.caller
	sess := cred.session
	switch {
	case sess == nil && cred.key == nil:
		return rootCaller
	case sess == nil:
		return userCaller
	case sess.kind == assumedRoleSession:
		return roleSessionCaller
	case sess.kind == federatedSession:
		return federatedCaller
	case sess.user == nil:
		return rootCaller
	default:
		return userCaller
	}
}

// callerRoot reports whether the request acts as the root user.
func (c *call) callerRoot() bool {
	return c.callerKind() == rootCaller
}

// callerUser returns the IAM user that the request acts as: the owner of
// the access key, or the user who called GetSessionToken. It is nil for
// the root user, role sessions and federated users.
func (c *call) callerUser() *user {
	if c.callerKind() != userCaller {
		return nil
	}
	cred := c.req.caller
	if cred.session != nil {
		return cred.session.user
	}
	for _, u := range c.acct.users {
		if u.id == cred.identity.userID {
			return u
		}
	}
	return nil
}

// userNameOrCaller reads an optional UserName, checked against
// existingUserNameRule. IAM takes a missing name as the IAM user that the
// request acts as. Role sessions and federated users must name the user,
// and so must the root user: the actions that use this function change or
// list credentials that the sandbox does not keep for the root user.
func (c *call) userNameOrCaller() string {
	return c.userNameOrCallerWithRule(existingUserNameRule)
}

// userNameOrCallerWithRule is userNameOrCaller for a UserName that the API
// constrains with rule.
func (c *call) userNameOrCallerWithRule(rule stringRule) string {
	if c.has("UserName") {
		return c.required("UserName", rule)
	}
	switch c.callerKind() {
	case rootCaller:
		return c.required("UserName", rule)
	case userCaller:
		// A user's credentials stop working when the user is deleted,
		// so the user exists.
		return c.callerUser().name
	default:
		c.fail(errNonUserCredentials())
		return ""
	}
}

// credentialOwner reads the optional UserName of an action that lists the
// root user's own credentials when the root user leaves the name out, as
// ListAccessKeys does. It returns root set in that case, and else the name
// that userNameOrCaller reads.
func (c *call) credentialOwner() (name string, root bool) {
	if !c.has("UserName") && c.callerRoot() {
		return "", true
	}
	return c.userNameOrCaller(), false
}

// errNonUserCredentials is IAM's error for an action that defaults to the
// calling user when the caller is not an IAM user, such as GetUser without
// UserName called by a role session.
func errNonUserCredentials() *apiError {
	return validationMessage("Must specify userName when calling with non-User credentials")
}
