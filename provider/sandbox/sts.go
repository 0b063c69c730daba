package sandbox

type callerIdentityResult struct {
	Account string
	Arn     string
	UserID  string `xml:"UserId"`
}

// getCallerIdentity returns the identity behind the request's key: the
// account's root for the root key pair, the user for a user's access key.
func getCallerIdentity(c *call) (any, error) {
	id := c.req.caller.identity
	return callerIdentityResult{Account: id.account, Arn: id.arn, UserID: id.userID}, nil
}
