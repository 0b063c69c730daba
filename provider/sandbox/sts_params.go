package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Limits of STS's session parameters, from the STS API reference.
const (
	minSessionSeconds      = 900
	maxUserSessionSeconds  = 129600 // GetSessionToken and GetFederationToken
	maxRootSessionSeconds  = 3600   // any session of the root user
	maxChainedRoleSeconds  = 3600   // a role assumed with role credentials
	defaultRoleSessionSecs = 3600
	defaultTokenSeconds    = 43200
	maxSessionPolicyARNs   = 10
	maxTransitiveTagKeys   = 50
	// packedPolicyLimit is the size that the sandbox compares session
	// policies and tags with. STS packs them in an unpublished binary
	// format; the sandbox counts their characters instead.
	packedPolicyLimit = 2048
)

var (
	roleSessionNameRule = newRule(2, 64, `[\w+=,.@-]*`, `[\w+=,.@-]*`)
	federatedNameRule   = newRule(2, 32, `[\w+=,.@-]*`, `[\w+=,.@-]*`)
	externalIDRule      = newRule(2, 1224, `[\w+=,.@:/-]*`, `[\w+=,.@:\/-]*`)
	sessionPolicyRule   = newRule(1, 2048, `[\t\n\r\x{20}-\x{FF}]+`, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
	tokenCodeRule       = newRule(6, 6, `\d*`, `[\d]*`)
	stsSerialRule       = newRule(9, 256, `[\w+=/:,.@-]*`, `[\w+=/:,.@-]*`)
	// sourceIdentityRule has no colon, so it also rejects the prefix
	// "aws:", which STS reserves.
	sourceIdentityRule = newRule(2, 64, `[\w+=,.@-]*`, `[\w+=,.@-]*`)
)

// sessionPolicy is the session policy of a request: an inline document
// and managed policy ARNs, which narrow what the session may do. The
// sandbox keeps them only to size them, as it authorizes nothing.
type sessionPolicy struct {
	document string
	arns     []string
}

// sessionPolicyParams reads Policy and PolicyArns. The inline document
// must be a valid permissions policy.
func (c *call) sessionPolicyParams() sessionPolicy {
	p := sessionPolicy{document: c.optional("Policy", sessionPolicyRule)}
	members := c.structList("PolicyArns")
	if len(members) > maxSessionPolicyARNs {
		c.addProblem(fmt.Sprint(len(members)), "policyArns", fmt.Sprintf("Member must have length less than or equal to %d", maxSessionPolicyARNs))
	}
	for i, m := range members {
		c.checkString(m["arn"], fmt.Sprintf("policyArns.%d.member.arn", i+1), arnRule)
		p.arns = append(p.arns, m["arn"])
	}
	if p.document != "" {
		if err := validateDocument(p.document, permissionsDocument); err != nil {
			c.fail(err)
		}
	}
	return p
}

// durationParam reads DurationSeconds, which is at least 900 seconds and
// at most max, and returns def when it is missing.
func (c *call) durationParam(max, def int32) time.Duration {
	n, ok := c.int32Param("DurationSeconds", minSessionSeconds, max)
	if !ok {
		n = def
	}
	return time.Duration(n) * time.Second
}

// tokenDurationParam reads DurationSeconds for GetSessionToken and
// GetFederationToken, which accept 900 to 129600 seconds from every caller.
// STS documents that sessions of the root user last at most an hour and
// that a longer duration "defaults to one hour" for them, so the root
// user's sessions are cut to an hour instead of failing.
func (c *call) tokenDurationParam() time.Duration {
	d := c.durationParam(maxUserSessionSeconds, defaultTokenSeconds)
	if c.callerRoot() {
		d = min(d, maxRootSessionSeconds*time.Second)
	}
	return d
}

// packedPercent is how much of the packed size limit the session policies
// and session tags take, in percent, rounded up as STS reports it.
func packedPercent(p sessionPolicy, tags []tag) int {
	size := 0
	if p.document != "" {
		size += len(compactJSON([]byte(p.document)))
	}
	for _, arn := range p.arns {
		size += len(arn)
	}
	for _, t := range tags {
		size += len(t.Key) + len(t.Value)
	}
	return (size*100 + packedPolicyLimit - 1) / packedPolicyLimit
}

// checkPacked returns PackedPolicyTooLarge when the policies and tags go
// over the limit, and else the PackedPolicySize to report: nil when the
// request passed neither.
func checkPacked(p sessionPolicy, tags []tag) (*int, error) {
	if p.document == "" && len(p.arns) == 0 && len(tags) == 0 {
		return nil, nil
	}
	percent := packedPercent(p, tags)
	if percent > 100 {
		return nil, errPackedPolicyTooLarge(percent)
	}
	return &percent, nil
}

// transitiveKeysParam reads TransitiveTagKeys.
func (c *call) transitiveKeysParam() []string {
	keys := c.list("TransitiveTagKeys")
	if len(keys) > maxTransitiveTagKeys {
		c.addProblem(fmt.Sprint(len(keys)), "transitiveTagKeys", fmt.Sprintf("Member must have length less than or equal to %d", maxTransitiveTagKeys))
	}
	for i, k := range keys {
		c.checkString(k, fmt.Sprintf("transitiveTagKeys.%d.member", i+1), tagKeyRule)
	}
	return keys
}

// chainTags combines the session tags of an AssumeRole request with the
// transitive tags that the caller's role session passes on. Inherited
// transitive tags cannot be overridden, and every transitive key must name
// a session tag.
func (c *call) chainTags(requestTags []tag, requestTransitive []string) ([]tag, []string, error) {
	var tags []tag
	var transitive []string
	if sess := c.req.caller.session; sess != nil && sess.kind == assumedRoleSession {
		for _, t := range sess.tags {
			if containsFold(sess.transitive, t.Key) {
				tags = append(tags, t)
			}
		}
		transitive = slices.Clone(sess.transitive)
	}

	// Add the request's tags, which may not replace an inherited one.
	for _, t := range requestTags {
		if containsFold(transitive, t.Key) {
			return nil, nil, errInvalidParameterValue("The session tag %s was set as transitive earlier in the role chain, so it cannot be passed again.", t.Key)
		}
		tags = append(tags, t)
	}
	if len(tags) > maxTagsPerRequest {
		return nil, nil, errInvalidParameterValue("The session would have %d session tags with those inherited along the role chain; at most %d are allowed.", len(tags), maxTagsPerRequest)
	}

	// NOTE: STS documents no rule for a transitive key that names no
	// session tag of the request. The sandbox rejects it, so that a typo
	// does not silently drop a tag from the chain.
	for _, k := range requestTransitive {
		if !slices.ContainsFunc(requestTags, func(t tag) bool { return strings.EqualFold(t.Key, k) }) {
			return nil, nil, errInvalidParameterValue("The transitive tag key %s does not name a session tag of the request.", k)
		}
		if !containsFold(transitive, k) {
			transitive = append(transitive, k)
		}
	}
	return tags, transitive, nil
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(e string) bool { return strings.EqualFold(e, s) })
}
