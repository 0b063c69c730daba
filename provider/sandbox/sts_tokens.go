package sandbox

type sessionTokenResult struct {
	Credentials credentialsXML
}

// getSessionToken issues temporary credentials that act as the caller, an
// IAM user or the root user, and carry MFA when the request proves it.
// Sessions of the root user last at most an hour.
func getSessionToken(c *call) (any, error) {
	serial := c.optional("SerialNumber", stsSerialRule)
	code := c.optional("TokenCode", tokenCodeRule)
	duration := c.tokenDurationParam()
	if err := c.check(); err != nil {
		return nil, err
	}

	// Session credentials cannot ask for more sessions.
	if c.req.caller.session != nil {
		return nil, errAccessDenied("Cannot call GetSessionToken with session credentials")
	}
	mfa, err := c.mfaOf(serial, code)
	if err != nil {
		return nil, err
	}

	sess := &stsSession{
		kind: sessionTokenSession, user: c.callerUser(), identity: c.req.caller.identity,
		mfa: mfa.present, mfaTime: mfa.at,
	}
	c.issueSession(sess, duration)
	return sessionTokenResult{Credentials: sess.credentialsXML()}, nil
}

type federatedUserXML struct {
	FederatedUserID string `xml:"FederatedUserId"`
	Arn             string
}

type federationTokenResult struct {
	Credentials      credentialsXML
	FederatedUser    federatedUserXML
	PackedPolicySize *int `xml:",omitempty"`
}

// getFederationToken issues credentials of a federated user named by the
// request, on behalf of an IAM user or the root user. The session's
// principal tags are the user's tags with the session tags over them.
func getFederationToken(c *call) (any, error) {
	name := c.required("Name", federatedNameRule)
	policy := c.sessionPolicyParams()
	tags := c.tagsParam("Tags", true)
	duration := c.tokenDurationParam()
	if err := c.check(); err != nil {
		return nil, err
	}

	// Session credentials cannot ask for federation tokens.
	if c.req.caller.session != nil {
		return nil, errAccessDenied("Cannot call GetFederationToken with session credentials")
	}
	packed, err := checkPacked(policy, tags)
	if err != nil {
		return nil, err
	}

	u := c.callerUser()
	var userTags []tag
	if u != nil {
		userTags = u.tags
	}
	sess := &stsSession{
		kind: federatedSession, user: u, tags: mergeTags(userTags, tags, true),
		identity: identity{
			account: c.acct.id,
			arn:     "arn:aws:sts::" + c.acct.id + ":federated-user/" + name,
			userID:  c.acct.id + ":" + name,
		},
	}
	c.issueSession(sess, duration)
	return federationTokenResult{
		Credentials:      sess.credentialsXML(),
		FederatedUser:    federatedUserXML{FederatedUserID: sess.identity.userID, Arn: sess.identity.arn},
		PackedPolicySize: packed,
	}, nil
}
