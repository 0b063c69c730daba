package sandbox

import (
	"strings"
	"time"
)

// actions that a trust policy must allow.
const (
	actionAssumeRole        = "sts:AssumeRole"
	actionTagSession        = "sts:TagSession"
	actionSetSourceIdentity = "sts:SetSourceIdentity"
)

// assumeRoleInput holds the parameters of AssumeRole.
type assumeRoleInput struct {
	roleARN, sessionName, externalID string
	serial, code                     string
	sourceIdentity                   string
	duration                         time.Duration
	policy                           sessionPolicy
	tags                             []tag
	transitive                       []string
}

type assumedRoleUserXML struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string
}

type assumeRoleResult struct {
	Credentials      credentialsXML
	AssumedRoleUser  assumedRoleUserXML
	PackedPolicySize *int   `xml:",omitempty"`
	SourceIdentity   string `xml:",omitempty"`
}

// assumeRole issues credentials of a role to a caller that the role's
// trust policy allows. The caller must be an IAM user or a role session:
// the root user may not assume roles. A role that does not exist is denied
// as one whose trust policy does not name the caller, as STS does.
func assumeRole(c *call) (any, error) {
	in := c.assumeRoleParams()
	if err := c.check(); err != nil {
		return nil, err
	}

	// Only IAM users and role sessions may assume roles.
	caller := c.stsCaller()
	if c.callerRoot() {
		return nil, errAccessDenied("Roles may not be assumed by root accounts.")
	}
	if c.callerKind() == federatedCaller {
		return nil, errNotAuthorized(caller.arn, actionAssumeRole, in.roleARN)
	}

	// Find the role and check MFA.
	r := c.roleByARN(in.roleARN)
	if r == nil {
		c.s.log.Debug("sandbox denied AssumeRole", logKeyReason, "no role has this ARN", logKeyRole, in.roleARN)
		return nil, errNotAuthorized(caller.arn, actionAssumeRole, in.roleARN)
	}
	mfa, err := c.mfaOf(in.serial, in.code)
	if err != nil {
		return nil, err
	}

	// A role chain keeps the source identity that its first link set.
	in.sourceIdentity, err = c.chainSourceIdentity(caller, in)
	if err != nil {
		return nil, err
	}

	// Ask the trust policy, for sts:TagSession too when tags are passed
	// and for sts:SetSourceIdentity when the session has a source
	// identity.
	ctx := c.assumeRoleContext(caller, mfa, in)
	actions := []string{actionAssumeRole}
	if len(in.tags) > 0 {
		actions = append(actions, actionTagSession)
	}
	if in.sourceIdentity != "" {
		actions = append(actions, actionSetSourceIdentity)
	}
	for _, action := range actions {
		if d := evaluateTrust(r.trustPolicy, caller, action, ctx); !d.allowed {
			c.s.log.Debug("sandbox denied AssumeRole", logKeyReason, d.reason, logKeyRole, in.roleARN)
			return nil, errNotAuthorized(caller.arn, action, in.roleARN)
		}
	}

	// Check the duration, the session tags and the packed size.
	duration, err := c.roleSessionDuration(r, in)
	if err != nil {
		return nil, err
	}
	tags, transitive, err := c.chainTags(in.tags, in.transitive)
	if err != nil {
		return nil, err
	}
	packed, err := checkPacked(in.policy, tags)
	if err != nil {
		return nil, err
	}

	// Issue the credentials, and record the role's use.
	sess := &stsSession{
		kind: assumedRoleSession, role: r, mfa: mfa.present, mfaTime: mfa.at, tags: tags, transitive: transitive,
		sourceIdentity: in.sourceIdentity,
		identity: identity{
			account: c.acct.id,
			arn:     "arn:aws:sts::" + c.acct.id + ":assumed-role/" + r.name + "/" + in.sessionName,
			userID:  r.id + ":" + in.sessionName,
		},
	}
	c.issueSession(sess, duration)
	now := c.now()
	r.lastUsed, r.lastUsedRegion = &now, c.req.region
	return assumeRoleResult{
		Credentials:      sess.credentialsXML(),
		AssumedRoleUser:  assumedRoleUserXML{AssumedRoleID: sess.identity.userID, Arn: sess.identity.arn},
		PackedPolicySize: packed,
		SourceIdentity:   sess.sourceIdentity,
	}, nil
}

// assumeRoleParams reads and checks the parameters of AssumeRole.
func (c *call) assumeRoleParams() assumeRoleInput {
	in := assumeRoleInput{
		roleARN:        c.required("RoleArn", arnRule),
		sessionName:    c.required("RoleSessionName", roleSessionNameRule),
		externalID:     c.optional("ExternalId", externalIDRule),
		serial:         c.optional("SerialNumber", stsSerialRule),
		code:           c.optional("TokenCode", tokenCodeRule),
		sourceIdentity: c.optional("SourceIdentity", sourceIdentityRule),
		policy:         c.sessionPolicyParams(),
		tags:           c.tagsParam("Tags", true),
		transitive:     c.transitiveKeysParam(),
	}
	in.duration = c.durationParam(maxMaxSessionDuration, defaultRoleSessionSecs)
	return in
}

// roleByARN returns the account's role with the ARN, or nil. The path is
// part of the ARN, so a role named in the wrong path is not found.
func (c *call) roleByARN(arn string) *role {
	for _, r := range c.acct.roles {
		if c.acct.roleARN(r) == arn {
			return r
		}
	}
	return nil
}

// roleSessionDuration checks the requested duration against the role's
// maximum session duration, and against one hour for role chaining.
func (c *call) roleSessionDuration(r *role, in assumeRoleInput) (time.Duration, error) {
	chained := c.req.caller.session != nil && c.req.caller.session.kind == assumedRoleSession
	if chained && in.duration > maxChainedRoleSeconds*time.Second {
		return 0, validationMessage("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if in.duration > time.Duration(r.maxSessionDuration)*time.Second {
		return 0, validationMessage("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return in.duration, nil
}

// chainSourceIdentity returns the source identity of the new session. A
// role session passes its source identity on along the role chain, and a
// request may repeat it but not change it.
//
// NOTE: STS documents that a request that changes the source identity is
// denied, but not with which message. The sandbox denies it as a caller
// that may not perform sts:SetSourceIdentity on the role.
func (c *call) chainSourceIdentity(caller *trustCaller, in assumeRoleInput) (string, error) {
	sess := c.req.caller.session
	if sess == nil || sess.sourceIdentity == "" {
		return in.sourceIdentity, nil
	}
	if in.sourceIdentity != "" && in.sourceIdentity != sess.sourceIdentity {
		c.s.log.Debug("sandbox denied AssumeRole", logKeyReason, "the request changes the source identity of the role chain", logKeyRole, in.roleARN)
		return "", errNotAuthorized(caller.arn, actionSetSourceIdentity, in.roleARN)
	}
	return sess.sourceIdentity, nil
}

// assumeRoleContext adds AssumeRole's own condition keys to the caller's.
func (c *call) assumeRoleContext(caller *trustCaller, mfa mfaAuthentication, in assumeRoleInput) conditionContext {
	ctx := c.conditionContext(caller, mfa)
	ctx["sts:rolesessionname"] = []string{in.sessionName}
	if in.externalID != "" {
		ctx["sts:externalid"] = []string{in.externalID}
	}
	if in.sourceIdentity != "" {
		ctx["sts:sourceidentity"] = []string{in.sourceIdentity}
	}
	if len(in.tags) > 0 {
		var keys []string
		for _, t := range in.tags {
			ctx["aws:requesttag/"+strings.ToLower(t.Key)] = []string{t.Value}
			keys = append(keys, t.Key)
		}
		ctx["aws:tagkeys"] = keys
	}
	if len(in.transitive) > 0 {
		ctx["sts:transitivetagkeys"] = in.transitive
	}
	return ctx
}
