package sandbox

import (
	"strconv"
	"strings"
	"time"
)

// stsCaller returns the request's caller as STS and trust policies see it.
func (c *call) stsCaller() *trustCaller {
	cred := c.req.caller
	a := c.acct
	tc := &trustCaller{account: a.id, arn: cred.identity.arn, userID: cred.identity.userID}
	switch {
	case cred.session != nil && cred.session.kind == assumedRoleSession:
		r := cred.session.role
		tc.principalARN, tc.principalType = a.roleARN(r), "AssumedRole"
		tc.tags = mergeTags(r.tags, cred.session.tags, true)
	case cred.session != nil && cred.session.kind == federatedSession:
		tc.principalARN, tc.principalType = cred.identity.arn, "FederatedUser"
		tc.tags = cred.session.tags
	default:
		if u := c.callerUser(); u != nil {
			tc.principalARN, tc.principalType = a.userARN(u), "User"
			tc.userName, tc.tags = u.name, u.tags
		} else {
			tc.principalARN, tc.principalType = a.arn("root"), "Account"
		}
	}
	return tc
}

// mfaAuthentication is the MFA state of a request.
type mfaAuthentication struct {
	present bool
	at      time.Time
}

// mfaOf checks the MFA parameters of an STS request. MFA is present when
// both the serial number and the code are given and the serial number is
// an MFA device of the calling user. Without them, a session that MFA
// authenticated passes its MFA on. The sandbox accepts any six-digit code.
func (c *call) mfaOf(serial, code string) (mfaAuthentication, error) {
	if serial == "" && code == "" {
		if sess := c.req.caller.session; sess != nil && sess.mfa {
			return mfaAuthentication{present: true, at: sess.mfaTime}, nil
		}
		return mfaAuthentication{}, nil
	}
	u := c.callerUser()
	if serial == "" || code == "" || u == nil || !userHasMFADevice(u, serial) {
		return mfaAuthentication{}, errMFAFailed()
	}
	return mfaAuthentication{present: true, at: c.now()}, nil
}

func userHasMFADevice(u *user, serial string) bool {
	for _, d := range u.mfaDevices {
		if d.serial == serial {
			return true
		}
	}
	return false
}

// conditionContext builds the condition keys of an STS request made by
// caller. aws:MultiFactorAuthPresent is absent for long-term keys used
// without MFA and false for temporary credentials without MFA, as in IAM.
func (c *call) conditionContext(caller *trustCaller, mfa mfaAuthentication) conditionContext {
	ctx := conditionContext{
		"aws:principalarn":     {caller.principalARN},
		"aws:principalaccount": {caller.account},
		"aws:principaltype":    {caller.principalType},
		"aws:userid":           {caller.userID},
	}
	if caller.userName != "" {
		ctx["aws:username"] = []string{caller.userName}
	}
	if sess := c.req.caller.session; sess != nil && sess.sourceIdentity != "" {
		ctx["aws:sourceidentity"] = []string{sess.sourceIdentity}
	}
	for _, t := range caller.tags {
		ctx["aws:principaltag/"+strings.ToLower(t.Key)] = []string{t.Value}
	}
	switch {
	case mfa.present:
		ctx["aws:multifactorauthpresent"] = []string{"true"}
		age := int64(c.now().Sub(mfa.at) / time.Second)
		ctx["aws:multifactorauthage"] = []string{strconv.FormatInt(age, 10)}
	case c.req.caller.session != nil:
		ctx["aws:multifactorauthpresent"] = []string{"false"}
	}
	return ctx
}
