package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// stateFile is the JSON shape of the state file: the shape of
// GetAccountAuthorizationDetails as the AWS CLI prints it, plus keys of the
// sandbox for what that call leaves out. Sandbox keys sit on the entity
// they belong to where there is one, and at the top level otherwise.
type stateFile struct {
	UserDetailList  []userRecord   `json:"UserDetailList"`
	GroupDetailList []groupRecord  `json:"GroupDetailList"`
	RoleDetailList  []roleRecord   `json:"RoleDetailList"`
	Policies        []policyRecord `json:"Policies"`

	AccountID         string                  `json:"AccountId,omitempty"`
	AccountCreateDate *flexTime               `json:"AccountCreateDate,omitempty"`
	AccountAliases    []string                `json:"AccountAliases,omitempty"`
	PasswordPolicy    *passwordPolicyRecord   `json:"PasswordPolicy,omitempty"`
	InstanceProfiles  []instanceProfileRecord `json:"InstanceProfiles,omitempty"`
	VirtualMFADevices []virtualMFARecord      `json:"VirtualMFADevices,omitempty"`
	Root              *rootRecord             `json:"Root,omitempty"`

	// A dump that is one page of a paged result has these, and is refused;
	// the sandbox never writes them.
	IsTruncated any    `json:"IsTruncated,omitempty"`
	Marker      string `json:"Marker,omitempty"`
	NextToken   string `json:"NextToken,omitempty"`
}

type userRecord struct {
	Path                    string                 `json:"Path"`
	UserName                string                 `json:"UserName"`
	UserID                  string                 `json:"UserId"`
	Arn                     string                 `json:"Arn"`
	CreateDate              flexTime               `json:"CreateDate"`
	UserPolicyList          []inlinePolicyRecord   `json:"UserPolicyList"`
	GroupList               []string               `json:"GroupList"`
	AttachedManagedPolicies []attachedPolicyRecord `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *boundaryRecord        `json:"PermissionsBoundary,omitempty"`
	Tags                    []tagRecord            `json:"Tags"`

	PasswordLastUsed           *flexTime                  `json:"PasswordLastUsed,omitempty"`
	LoginProfile               *loginProfileRecord        `json:"LoginProfile,omitempty"`
	AccessKeys                 []accessKeyRecord          `json:"AccessKeys,omitempty"`
	MFADevices                 []mfaDeviceRecord          `json:"MFADevices,omitempty"`
	SSHPublicKeys              []sshPublicKeyRecord       `json:"SSHPublicKeys,omitempty"`
	SigningCertificates        []signingCertificateRecord `json:"SigningCertificates,omitempty"`
	ServiceSpecificCredentials []serviceCredentialRecord  `json:"ServiceSpecificCredentials,omitempty"`
}

type groupRecord struct {
	Path                    string                 `json:"Path"`
	GroupName               string                 `json:"GroupName"`
	GroupID                 string                 `json:"GroupId"`
	Arn                     string                 `json:"Arn"`
	CreateDate              flexTime               `json:"CreateDate"`
	GroupPolicyList         []inlinePolicyRecord   `json:"GroupPolicyList"`
	AttachedManagedPolicies []attachedPolicyRecord `json:"AttachedManagedPolicies"`
}

// roleRecord is a role as GetAccountAuthorizationDetails lists it. It
// starts with the fields that an instance profile lists for the role.
type roleRecord struct {
	profileRoleRecord
	InstanceProfileList     []instanceProfileRecord `json:"InstanceProfileList"`
	RolePolicyList          []inlinePolicyRecord    `json:"RolePolicyList"`
	AttachedManagedPolicies []attachedPolicyRecord  `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *boundaryRecord         `json:"PermissionsBoundary,omitempty"`
	Tags                    []tagRecord             `json:"Tags"`
	RoleLastUsed            *roleLastUsedRecord     `json:"RoleLastUsed,omitempty"`

	Description        *string `json:"Description,omitempty"`
	MaxSessionDuration *int32  `json:"MaxSessionDuration,omitempty"`
}

type instanceProfileRecord struct {
	Path                string              `json:"Path"`
	InstanceProfileName string              `json:"InstanceProfileName"`
	InstanceProfileID   string              `json:"InstanceProfileId"`
	Arn                 string              `json:"Arn"`
	CreateDate          flexTime            `json:"CreateDate"`
	Roles               []profileRoleRecord `json:"Roles"`
	Tags                []tagRecord         `json:"Tags,omitempty"`
}

// profileRoleRecord is a role as an instance profile lists it.
type profileRoleRecord struct {
	Path                     string   `json:"Path"`
	RoleName                 string   `json:"RoleName"`
	RoleID                   string   `json:"RoleId"`
	Arn                      string   `json:"Arn"`
	CreateDate               flexTime `json:"CreateDate"`
	AssumeRolePolicyDocument document `json:"AssumeRolePolicyDocument"`
}

type policyRecord struct {
	PolicyName                    string                `json:"PolicyName"`
	PolicyID                      string                `json:"PolicyId"`
	Arn                           string                `json:"Arn"`
	Path                          string                `json:"Path"`
	DefaultVersionID              string                `json:"DefaultVersionId"`
	AttachmentCount               int32                 `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount int32                 `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool                  `json:"IsAttachable"`
	Description                   string                `json:"Description,omitempty"`
	CreateDate                    flexTime              `json:"CreateDate"`
	UpdateDate                    flexTime              `json:"UpdateDate"`
	PolicyVersionList             []policyVersionRecord `json:"PolicyVersionList"`

	Tags []tagRecord `json:"Tags,omitempty"`
}

type policyVersionRecord struct {
	Document         document `json:"Document"`
	VersionID        string   `json:"VersionId"`
	IsDefaultVersion bool     `json:"IsDefaultVersion"`
	CreateDate       flexTime `json:"CreateDate"`
}

type inlinePolicyRecord struct {
	PolicyName     string   `json:"PolicyName"`
	PolicyDocument document `json:"PolicyDocument"`
}

type attachedPolicyRecord struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

type boundaryRecord struct {
	PermissionsBoundaryType string `json:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

type tagRecord struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type roleLastUsedRecord struct {
	LastUsedDate *flexTime `json:"LastUsedDate,omitempty"`
	Region       string    `json:"Region,omitempty"`
}

type loginProfileRecord struct {
	CreateDate            flexTime `json:"CreateDate"`
	PasswordResetRequired bool     `json:"PasswordResetRequired"`
	// PasswordLastChanged is left out when the password was last set when
	// the login profile was created.
	PasswordLastChanged *flexTime `json:"PasswordLastChanged,omitempty"`
	// PasswordHash is the salted hash of the password, which ChangePassword
	// checks the old password against.
	PasswordHash string `json:"PasswordHash,omitempty"`
}

// rootRecord is the root user's data that the credential report lists.
type rootRecord struct {
	MFAActive        bool                  `json:"MFAActive"`
	PasswordLastUsed *flexTime             `json:"PasswordLastUsed,omitempty"`
	AccessKeys       []rootAccessKeyRecord `json:"AccessKeys,omitempty"`
}

// rootAccessKeyRecord is a root access key without its secret: the
// credential report lists it, but it cannot sign requests.
type rootAccessKeyRecord struct {
	AccessKeyID         string    `json:"AccessKeyId"`
	Status              string    `json:"Status"`
	CreateDate          flexTime  `json:"CreateDate"`
	LastUsedDate        *flexTime `json:"LastUsedDate,omitempty"`
	LastUsedServiceName string    `json:"LastUsedServiceName,omitempty"`
	LastUsedRegion      string    `json:"LastUsedRegion,omitempty"`
}

type accessKeyRecord struct {
	AccessKeyID         string    `json:"AccessKeyId"`
	SecretAccessKey     string    `json:"SecretAccessKey"`
	Status              string    `json:"Status"`
	CreateDate          flexTime  `json:"CreateDate"`
	LastUsedDate        *flexTime `json:"LastUsedDate,omitempty"`
	LastUsedServiceName string    `json:"LastUsedServiceName,omitempty"`
	LastUsedRegion      string    `json:"LastUsedRegion,omitempty"`
}

type mfaDeviceRecord struct {
	SerialNumber string   `json:"SerialNumber"`
	EnableDate   flexTime `json:"EnableDate"`
}

type virtualMFARecord struct {
	SerialNumber string      `json:"SerialNumber"`
	Tags         []tagRecord `json:"Tags,omitempty"`
}

type sshPublicKeyRecord struct {
	SSHPublicKeyID   string   `json:"SSHPublicKeyId"`
	SSHPublicKeyBody string   `json:"SSHPublicKeyBody"`
	Fingerprint      string   `json:"Fingerprint"`
	Status           string   `json:"Status"`
	UploadDate       flexTime `json:"UploadDate"`
}

type signingCertificateRecord struct {
	CertificateID   string   `json:"CertificateId"`
	CertificateBody string   `json:"CertificateBody"`
	Status          string   `json:"Status"`
	UploadDate      flexTime `json:"UploadDate"`
}

type serviceCredentialRecord struct {
	ServiceSpecificCredentialID string   `json:"ServiceSpecificCredentialId"`
	ServiceName                 string   `json:"ServiceName"`
	ServiceUserName             string   `json:"ServiceUserName"`
	Status                      string   `json:"Status"`
	CreateDate                  flexTime `json:"CreateDate"`
}

type passwordPolicyRecord struct {
	MinimumPasswordLength      int32  `json:"MinimumPasswordLength"`
	RequireSymbols             bool   `json:"RequireSymbols"`
	RequireNumbers             bool   `json:"RequireNumbers"`
	RequireUppercaseCharacters bool   `json:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool   `json:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool   `json:"AllowUsersToChangePassword"`
	ExpirePasswords            bool   `json:"ExpirePasswords"`
	MaxPasswordAge             *int32 `json:"MaxPasswordAge,omitempty"`
	PasswordReusePrevention    *int32 `json:"PasswordReusePrevention,omitempty"`
	HardExpiry                 *bool  `json:"HardExpiry,omitempty"`
}

// flexTime reads the date styles found in real dumps: RFC 3339 with a "T"
// or with a space ("2023-03-09 10:41:45+00:00"), with or without fractional
// seconds. It writes RFC 3339 in UTC.
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date %s: %w", b, err)
	}
	parsed, err := parseFlexTime(s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

func (t flexTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

func parseFlexTime(s string) (time.Time, error) {
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is neither RFC 3339 nor \"2006-01-02 15:04:05+00:00\"", s)
	}
	return t.UTC(), nil
}

// document is a policy document in the state file. It reads a JSON object
// or a string, URL-encoded or not. It writes a compact document as a JSON
// object, which reads back to the same text, and any other document as a
// URL-encoded string, so that the text IAM would return survives exactly.
type document string

func (d *document) UnmarshalJSON(b []byte) error {
	*d = document(documentText(b))
	return nil
}

func (d document) MarshalJSON() ([]byte, error) {
	text := string(d)
	if text != "" && compactJSON([]byte(text)) == text && strings.HasPrefix(text, "{") {
		return []byte(text), nil
	}
	return json.Marshal(encodeDocument(text))
}

// loadAccount reads the state file, or returns an empty account when there
// is no state file or it does not exist yet.
func (s *Server) loadAccount() (*account, error) {
	if s.opts.StatePath == "" {
		return newAccount(s.accountIDFor(""), s.now()), nil
	}
	data, err := os.ReadFile(s.opts.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return newAccount(s.accountIDFor(""), s.now()), nil
	}
	if err != nil {
		return nil, fmt.Errorf("load state: %w", err)
	}
	f, err := decodeState(data)
	if err != nil {
		return nil, fmt.Errorf("load state %s: %w", s.opts.StatePath, err)
	}
	a, err := s.accountFromState(f)
	if err != nil {
		return nil, fmt.Errorf("load state %s: %w", s.opts.StatePath, err)
	}
	return a, nil
}

// decodeState decodes a state file. It returns a *NotStateFileError for
// JSON that is not an account, so that the caller never loads such a file
// as an empty account and then overwrites it.
func decodeState(data []byte) (*stateFile, error) {
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		var notState *NotStateFileError
		if errors.As(CheckStateFile(data), &notState) {
			return nil, notState
		}
		return nil, err
	}

	// A file without the lists of users, groups and roles may still be an
	// empty object, have them as null, or be the output of ListPolicies,
	// and only its keys tell. A list present, even empty, decodes to a
	// slice that is not nil.
	if f.UserDetailList == nil && f.GroupDetailList == nil && f.RoleDetailList == nil {
		if err := CheckStateFile(data); err != nil {
			return nil, err
		}
	}
	if err := pageMark(f.IsTruncated, f.Marker, f.NextToken); err != nil {
		return nil, err
	}
	return &f, nil
}

// CheckStateFile checks that data is a JSON object with at least one of
// the lists of GetAccountAuthorizationDetails (UserDetailList,
// GroupDetailList, RoleDetailList, Policies), compared without case as
// encoding/json matches keys. The sandbox writes all four in every state
// file. Policies alone counts only when a policy in it has its versions,
// because the output of ListPolicies has a Policies list too. The keys it adds, such as AccountAliases and PasswordPolicy, do
// not count, because the outputs of ListAccountAliases and
// GetAccountPasswordPolicy have them too. The one exception is an empty
// object, which is an empty account, as no file at all is.
//
// CheckStateFile returns encoding/json's error for data that is not JSON,
// and a *NotStateFileError for JSON of another shape, such as the output
// of "aws iam list-users".
func CheckStateFile(data []byte) error {
	var top map[string]json.RawMessage
	err := json.Unmarshal(data, &top)
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Value == "bool":
		return &NotStateFileError{Kind: "boolean"}
	case errors.As(err, &typeErr):
		return &NotStateFileError{Kind: typeErr.Value}
	case err != nil:
		return err
	case top == nil:
		return &NotStateFileError{Kind: "null"}
	case len(top) == 0:
		return nil
	}

	keys := make([]string, 0, len(top))
	var policies json.RawMessage
	dump := false
	for key, value := range top {
		switch strings.ToLower(key) {
		case "userdetaillist", "groupdetaillist", "roledetaillist":
			dump = true
		case "policies":
			policies = value
		}
		keys = append(keys, key)
	}
	if dump || (policies != nil && policiesHaveVersions(policies)) {
		return checkWhole(top)
	}
	slices.Sort(keys)
	return &NotStateFileError{Kind: "object", Keys: keys, PoliciesOnly: policies != nil}
}

// checkWhole returns a *TruncatedDumpError for a dump that is one page of
// a paged result: IAM's IsTruncated and Marker, or the NextToken of the AWS
// CLI with --max-items.
func checkWhole(top map[string]json.RawMessage) error {
	var truncated any
	var marker, nextToken string
	for key, value := range top {
		switch strings.ToLower(key) {
		case "istruncated":
			json.Unmarshal(value, &truncated)
		case "marker":
			json.Unmarshal(value, &marker)
		case "nexttoken":
			json.Unmarshal(value, &nextToken)
		}
	}
	return pageMark(truncated, marker, nextToken)
}

// pageMark returns a *TruncatedDumpError when the top-level values of a
// dump mark it as one page: an IsTruncated of true, as a JSON boolean or
// the string that some tools write, or a Marker or NextToken.
func pageMark(truncated any, marker, nextToken string) error {
	isTrue := truncated == true
	if s, ok := truncated.(string); ok {
		isTrue = strings.EqualFold(s, "true")
	}
	switch {
	case isTrue:
		return &TruncatedDumpError{Key: "IsTruncated"}
	case marker != "":
		return &TruncatedDumpError{Key: "Marker"}
	case nextToken != "":
		return &TruncatedDumpError{Key: "NextToken"}
	}
	return nil
}

// TruncatedDumpError is the error of New and CheckStateFile for a dump
// that is one page of GetAccountAuthorizationDetails: it lacks the entities
// of the other pages, and an account made from it would lack them too.
type TruncatedDumpError struct {
	// Key is the top-level key that marks the page: IsTruncated, Marker or
	// NextToken.
	Key string
}

func (e *TruncatedDumpError) Error() string {
	return fmt.Sprintf("the file is one page of a longer GetAccountAuthorizationDetails result (it has %s), "+
		"so it lacks the users, groups, roles and policies of the other pages, and a configuration imported "+
		"from it would delete them; save the whole result, as \"aws iam get-account-authorization-details\" "+
		"does without --max-items", e.Key)
}

// policiesHaveVersions reports whether a Policies list has a policy with a
// PolicyVersionList, as GetAccountAuthorizationDetails writes them and
// ListPolicies does not.
func policiesHaveVersions(list json.RawMessage) bool {
	var policies []map[string]json.RawMessage
	if json.Unmarshal(list, &policies) != nil {
		return false
	}
	for _, p := range policies {
		for key := range p {
			if strings.EqualFold(key, "PolicyVersionList") {
				return true
			}
		}
	}
	return false
}

// NotStateFileError is the error of New and CheckStateFile for JSON that
// is not an account: a value other than an object, or an object without
// the lists of an account dump.
type NotStateFileError struct {
	// Kind is the JSON type of the top-level value: "object", "array",
	// "string", "number", "boolean" or "null".
	Kind string
	// Keys are the top-level keys of an object, sorted.
	Keys []string
	// PoliciesOnly is set for an object whose only list of a dump is
	// Policies, without versions, as in the output of ListPolicies.
	PoliciesOnly bool
}

// maxListedKeys is how many of its top-level keys a NotStateFileError
// names.
const maxListedKeys = 5

func (e *NotStateFileError) Error() string {
	const prefix = `not in the format of "aws iam get-account-authorization-details" output: `
	switch {
	case e.Kind == "null":
		return prefix + "the file contains JSON null, but an account dump is a JSON object"
	case e.Kind != "object":
		return prefix + "the file contains a JSON " + e.Kind + ", but an account dump is a JSON object"
	case len(e.Keys) == 0:
		return prefix + "the file contains an empty JSON object"
	}

	if e.PoliciesOnly {
		return prefix + `its only list is Policies, and no policy has a PolicyVersionList, as in the output of ` +
			`"aws iam list-policies"; an account dump has UserDetailList, GroupDetailList or RoleDetailList, ` +
			`or policies with their versions`
	}
	quoted := make([]string, 0, maxListedKeys)
	for _, key := range e.Keys[:min(len(e.Keys), maxListedKeys)] {
		quoted = append(quoted, strconv.Quote(key))
	}
	found := "the only top-level key is " + quoted[0]
	if len(e.Keys) > 1 {
		found = "the top-level keys are " + strings.Join(quoted, ", ")
	}
	if more := len(e.Keys) - maxListedKeys; more > 0 {
		found += fmt.Sprintf(" and %d more", more)
	}
	return prefix + found + ", but an account dump has UserDetailList, GroupDetailList, RoleDetailList or Policies"
}

// accountIDFor returns the account id to use for a state that names
// stateID (empty when it names none).
func (s *Server) accountIDFor(stateID string) string {
	switch {
	case stateID == "" && s.opts.AccountID == "":
		return DefaultAccountID
	case stateID == "":
		return s.opts.AccountID
	case s.opts.AccountID != "" && s.opts.AccountID != stateID:
		s.log.Warn("sandbox state names another account; keeping the state's account",
			"state_account", stateID, "option_account", s.opts.AccountID)
	}
	return stateID
}

// saveAccount writes the state file, when there is one, atomically: a
// temporary file in the same directory is written, synced and renamed over
// the state file, so that a crash leaves the old file or the new one. It
// fails once Close has released the state file.
func (s *Server) saveAccount() error {
	if s.opts.StatePath == "" {
		return nil
	}
	if s.state == nil {
		return fmt.Errorf("save state %s: the sandbox was closed and no longer holds the file", s.opts.StatePath)
	}
	data, err := encodeState(stateFromAccount(s.acct))
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err := writeFileAtomic(s.opts.StatePath, data); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// saveLater has the state file written within Options.SaveInterval. The
// caller holds s.mu. A change made while a write is pending joins it.
func (s *Server) saveLater() {
	if s.unsaved {
		return
	}
	s.unsaved = true
	s.saveTimer = time.AfterFunc(s.opts.SaveInterval, s.savePending)
}

// savePending writes the changes that wait for the state file. A failed
// write is tried again after another interval; no request fails for it.
func (s *Server) savePending() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.unsaved || s.state == nil {
		return
	}
	if err := s.saveAccount(); err != nil {
		s.log.Error("sandbox state not saved", logKeyPath, s.opts.StatePath, logKeyError, err)
		s.saveTimer = time.AfterFunc(s.opts.SaveInterval, s.savePending)
		return
	}
	s.unsaved = false
}

// encodeState renders the state file as indented JSON. HTML escaping is
// off, so that documents keep characters such as & as they are.
func encodeState(f *stateFile) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeFileAtomic replaces path with data. The file is readable by its
// owner only, because it holds secret access keys.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
