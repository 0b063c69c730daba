package sandbox

import (
	"slices"
)

// Statuses of keys and credentials.
const (
	statusActive   = "Active"
	statusInactive = "Inactive"
)

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// userCredentialPage does the part that the List actions on a user's
// credentials share. It checks the parameters read so far, finds the user
// that name names and returns page p of the credentials that credentialsOf
// selects, in the user's order.
func userCredentialPage[T any](c *call, name string, p pageRequest, credentialsOf func(*user) []T) (*user, []T, pageInfo, error) {
	if err := c.check(); err != nil {
		return nil, nil, pageInfo{}, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, nil, pageInfo{}, err
	}
	page, info, err := paginate(p, credentialsOf(u), positionKey)
	if err != nil {
		return nil, nil, pageInfo{}, err
	}
	return u, page, info, nil
}

// rootCredentialPage does for the root user's credentials what
// userCredentialPage does for a user's: it checks the parameters read so
// far and returns page p of credentials.
func rootCredentialPage[T any](c *call, p pageRequest, credentials []T) ([]T, pageInfo, error) {
	if err := c.check(); err != nil {
		return nil, pageInfo{}, err
	}
	return paginate(p, credentials, positionKey)
}

type accessKeyXML struct {
	// UserName is empty for the root user's keys.
	UserName        string `xml:",omitempty"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      isoTime
}

type accessKeyResult struct {
	AccessKey accessKeyXML
}

// createAccessKey creates an access key, which the sandbox then accepts in
// signatures, acting as the user. The secret is returned only here.
func createAccessKey(c *call) (any, error) {
	name := c.userNameOrCaller()
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if q := c.s.quotas[quotaAccessKeysPerUser]; int32(len(u.accessKeys)) >= q {
		return nil, errQuotaExceeded("AccessKeysPerUser", q)
	}
	k := &accessKey{
		id:     c.acct.newIDOfLength(prefixAccessKey, 20),
		secret: randomString(secretAlphabet, 40), status: statusActive, created: c.now(),
	}
	u.accessKeys = append(u.accessKeys, k)
	return accessKeyResult{AccessKey: accessKeyXML{
		UserName: u.name, AccessKeyID: k.id, Status: k.status, SecretAccessKey: k.secret, CreateDate: isoTime(k.created),
	}}, nil
}

// userAccessKey returns the user and its key with the id.
func (c *call) userAccessKey(userName, keyID string) (*user, *accessKey, error) {
	u, err := c.user(userName)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range u.accessKeys {
		if k.id == keyID {
			return u, k, nil
		}
	}
	return nil, nil, errNoSuchEntity("The Access Key with id %s cannot be found.", keyID)
}

func updateAccessKey(c *call) (any, error) {
	name := c.userNameOrCaller()
	keyID := c.required("AccessKeyId", accessKeyIDRule)
	status := c.enum("Status", statusActive, statusInactive)
	if !c.has("Status") {
		c.required("Status", stringRule{})
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	_, k, err := c.userAccessKey(name, keyID)
	if err != nil {
		return nil, err
	}
	k.status = status
	return nil, nil
}

func deleteAccessKey(c *call) (any, error) {
	name := c.userNameOrCaller()
	keyID := c.required("AccessKeyId", accessKeyIDRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, k, err := c.userAccessKey(name, keyID)
	if err != nil {
		return nil, err
	}
	u.accessKeys = slices.DeleteFunc(u.accessKeys, func(x *accessKey) bool { return x == k })
	return nil, nil
}

type listAccessKeysResult struct {
	AccessKeyMetadata members[accessKeyXML]
	pageInfo
}

// listAccessKeys lists a user's access keys, or the root user's when the
// root user leaves out UserName.
func listAccessKeys(c *call) (any, error) {
	name, root := c.credentialOwner()
	p := c.pageRequest()
	if root {
		return c.listRootAccessKeys(p)
	}
	u, page, info, err := userCredentialPage(c, name, p, func(u *user) []*accessKey { return u.accessKeys })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(k *accessKey) accessKeyXML {
		return accessKeyXML{UserName: u.name, AccessKeyID: k.id, Status: k.status, CreateDate: isoTime(k.created)}
	})
	return listAccessKeysResult{AccessKeyMetadata: memberList(out), pageInfo: info}, nil
}

// listRootAccessKeys lists the root user's access key: the key pair that
// signs requests as root, dated from the account's creation. The root
// access keys of the state file's Root key cannot sign requests, so only
// the credential report lists them.
//
// NOTE: the IAM API reference does not say whether IAM names a user in the
// AccessKeyMetadata of root access keys, where UserName is optional. The
// sandbox leaves it out, as the root user has no user name.
func (c *call) listRootAccessKeys(p pageRequest) (any, error) {
	keys := []accessKeyXML{{AccessKeyID: c.s.opts.AccessKeyID, Status: statusActive, CreateDate: isoTime(c.acct.created)}}
	page, info, err := rootCredentialPage(c, p, keys)
	if err != nil {
		return nil, err
	}
	return listAccessKeysResult{AccessKeyMetadata: memberList(page), pageInfo: info}, nil
}

type accessKeyLastUsedXML struct {
	LastUsedDate *isoTime `xml:",omitempty"`
	ServiceName  string
	Region       string
}

type accessKeyLastUsedResult struct {
	UserName          string
	AccessKeyLastUsed accessKeyLastUsedXML
}

// getAccessKeyLastUsed reports when a key last signed a request. A key
// never used has IAM's "N/A" service and region and no date.
func getAccessKeyLastUsed(c *call) (any, error) {
	keyID := c.required("AccessKeyId", accessKeyIDRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	for _, u := range c.acct.users {
		for _, k := range u.accessKeys {
			if k.id != keyID {
				continue
			}
			used := accessKeyLastUsedXML{ServiceName: "N/A", Region: "N/A"}
			if k.lastUsed != nil {
				used = accessKeyLastUsedXML{LastUsedDate: optionalTime(k.lastUsed), ServiceName: k.lastService, Region: k.lastRegion}
			}
			return accessKeyLastUsedResult{UserName: u.name, AccessKeyLastUsed: used}, nil
		}
	}
	return nil, errNoSuchEntity("The Access Key with id %s cannot be found.", keyID)
}

type loginProfileXML struct {
	UserName              string
	CreateDate            isoTime
	PasswordResetRequired bool
}

type loginProfileResult struct {
	LoginProfile loginProfileXML
}

func createLoginProfile(c *call) (any, error) {
	name := c.userNameOrCaller()
	password := c.required("Password", passwordRule)
	reset, _ := c.boolParam("PasswordResetRequired")
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if u.loginProfile != nil {
		return nil, errEntityAlreadyExists("Login Profile for user %s already exists.", u.name)
	}
	if err := c.checkPassword(password); err != nil {
		return nil, err
	}
	u.loginProfile = &loginProfile{created: c.now(), resetRequired: reset, passwordChanged: c.now(), passwordHash: hashPassword(password)}
	return loginProfileResult{LoginProfile: loginProfileXML{UserName: u.name, CreateDate: isoTime(u.loginProfile.created), PasswordResetRequired: reset}}, nil
}

// userLoginProfile returns the user and its login profile.
func (c *call) userLoginProfile(name string) (*user, error) {
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if u.loginProfile == nil {
		return nil, errNoSuchEntity("Login Profile for User %s cannot be found.", u.name)
	}
	return u, nil
}

func getLoginProfile(c *call) (any, error) {
	name := c.userNameOrCaller()
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.userLoginProfile(name)
	if err != nil {
		return nil, err
	}
	lp := u.loginProfile
	return loginProfileResult{LoginProfile: loginProfileXML{UserName: u.name, CreateDate: isoTime(lp.created), PasswordResetRequired: lp.resetRequired}}, nil
}

func updateLoginProfile(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	password := c.optional("Password", passwordRule)
	reset, hasReset := c.boolParam("PasswordResetRequired")
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.userLoginProfile(name)
	if err != nil {
		return nil, err
	}
	if c.has("Password") {
		if err := c.checkPassword(password); err != nil {
			return nil, err
		}
		u.loginProfile.passwordChanged = c.now()
		u.loginProfile.passwordHash = hashPassword(password)
	}
	if hasReset {
		u.loginProfile.resetRequired = reset
	}
	return nil, nil
}

func deleteLoginProfile(c *call) (any, error) {
	name := c.userNameOrCaller()
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.userLoginProfile(name)
	if err != nil {
		return nil, err
	}
	u.loginProfile = nil
	return nil, nil
}
