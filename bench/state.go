package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// The records below follow the JSON that `aws iam
// get-account-authorization-details` prints, which the sandbox loads as its
// state file, plus the sandbox's Description and MaxSessionDuration keys on
// roles, which that call leaves out.

type stateFile struct {
	AccountID       string         `json:"AccountId"`
	UserDetailList  []userRecord   `json:"UserDetailList"`
	GroupDetailList []groupRecord  `json:"GroupDetailList"`
	RoleDetailList  []roleRecord   `json:"RoleDetailList"`
	Policies        []policyRecord `json:"Policies"`
}

type userRecord struct {
	Path                    string           `json:"Path"`
	UserName                string           `json:"UserName"`
	UserID                  string           `json:"UserId"`
	Arn                     string           `json:"Arn"`
	CreateDate              string           `json:"CreateDate"`
	UserPolicyList          []inlineRecord   `json:"UserPolicyList"`
	GroupList               []string         `json:"GroupList"`
	AttachedManagedPolicies []attachedRecord `json:"AttachedManagedPolicies"`
	Tags                    []tagRecord      `json:"Tags"`
}

type groupRecord struct {
	Path                    string           `json:"Path"`
	GroupName               string           `json:"GroupName"`
	GroupID                 string           `json:"GroupId"`
	Arn                     string           `json:"Arn"`
	CreateDate              string           `json:"CreateDate"`
	GroupPolicyList         []inlineRecord   `json:"GroupPolicyList"`
	AttachedManagedPolicies []attachedRecord `json:"AttachedManagedPolicies"`
}

type roleRecord struct {
	Path                     string           `json:"Path"`
	RoleName                 string           `json:"RoleName"`
	RoleID                   string           `json:"RoleId"`
	Arn                      string           `json:"Arn"`
	CreateDate               string           `json:"CreateDate"`
	AssumeRolePolicyDocument string           `json:"AssumeRolePolicyDocument"`
	InstanceProfileList      []struct{}       `json:"InstanceProfileList"`
	RolePolicyList           []inlineRecord   `json:"RolePolicyList"`
	AttachedManagedPolicies  []attachedRecord `json:"AttachedManagedPolicies"`
	Tags                     []tagRecord      `json:"Tags"`
	Description              string           `json:"Description"`
	MaxSessionDuration       int32            `json:"MaxSessionDuration"`
}

type policyRecord struct {
	PolicyName        string          `json:"PolicyName"`
	PolicyID          string          `json:"PolicyId"`
	Arn               string          `json:"Arn"`
	Path              string          `json:"Path"`
	DefaultVersionID  string          `json:"DefaultVersionId"`
	IsAttachable      bool            `json:"IsAttachable"`
	Description       string          `json:"Description"`
	CreateDate        string          `json:"CreateDate"`
	UpdateDate        string          `json:"UpdateDate"`
	PolicyVersionList []versionRecord `json:"PolicyVersionList"`
}

type versionRecord struct {
	Document         string `json:"Document"`
	VersionID        string `json:"VersionId"`
	IsDefaultVersion bool   `json:"IsDefaultVersion"`
	CreateDate       string `json:"CreateDate"`
}

type inlineRecord struct {
	PolicyName     string `json:"PolicyName"`
	PolicyDocument string `json:"PolicyDocument"`
}

type attachedRecord struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

type tagRecord struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// WriteState writes the sandbox state file of the synthetic account of
// shape to path. Documents are stored as the text IAM would return once
// decoded, in another form than the configuration writes them.
func WriteState(path string, shape Shape) error {
	data, err := encodeState(newAccount(shape).state())
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

func encodeState(f *stateFile) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// state builds the state file's records.
func (a *account) state() *stateFile {
	f := &stateFile{
		AccountID:       AccountID,
		UserDetailList:  []userRecord{},
		GroupDetailList: []groupRecord{},
		RoleDetailList:  []roleRecord{},
		Policies:        []policyRecord{},
	}
	for i, p := range a.policies {
		f.Policies = append(f.Policies, p.record(i))
	}
	for i, r := range a.roles {
		f.RoleDetailList = append(f.RoleDetailList, r.record(i))
	}
	for i, g := range a.groups {
		f.GroupDetailList = append(f.GroupDetailList, g.record(i))
	}
	for i, u := range a.users {
		f.UserDetailList = append(f.UserDetailList, u.record(i))
	}
	return f
}

// uniqueID returns an IAM unique ID: the prefix of the entity type, such
// as AIDA for users, then 17 characters.
func uniqueID(prefix string, i int) string { return fmt.Sprintf("%sBENCH%012d", prefix, i) }

func date(t time.Time) string { return t.Format(time.RFC3339) }

func (p *syntheticPolicy) record(i int) policyRecord {
	r := policyRecord{
		PolicyName: p.name, PolicyID: uniqueID("ANPA", i), Arn: p.arn(), Path: benchPath,
		DefaultVersionID: fmt.Sprintf("v%d", len(p.versions)), IsAttachable: true, Description: p.description,
		CreateDate: date(createdAt), UpdateDate: date(createdAt.Add(time.Duration(len(p.versions)-1) * 24 * time.Hour)),
	}
	for v, doc := range p.versions {
		r.PolicyVersionList = append(r.PolicyVersionList, versionRecord{
			Document:         doc.live(),
			VersionID:        fmt.Sprintf("v%d", v+1),
			IsDefaultVersion: v == len(p.versions)-1,
			CreateDate:       date(createdAt.Add(time.Duration(v) * 24 * time.Hour)),
		})
	}
	return r
}

func (r *syntheticRole) record(i int) roleRecord {
	duration := r.maxSessionDuration
	if duration == 0 {
		duration = 3600
	}
	rec := roleRecord{
		Path: benchPath, RoleName: r.name, RoleID: uniqueID("AROA", i), Arn: arn("role", benchPath, r.name),
		CreateDate: date(createdAt), AssumeRolePolicyDocument: r.trust.live(), InstanceProfileList: []struct{}{},
		RolePolicyList:          []inlineRecord{},
		AttachedManagedPolicies: []attachedRecord{r.attached.attachedRecord()},
		Tags:                    tagRecords(r.tags), Description: r.description, MaxSessionDuration: duration,
	}
	if r.inlineName != "" {
		rec.RolePolicyList = append(rec.RolePolicyList, inlineRecord{PolicyName: r.inlineName, PolicyDocument: r.inline.live()})
	}
	return rec
}

func (g *syntheticGroup) record(i int) groupRecord {
	return groupRecord{
		Path: benchPath, GroupName: g.name, GroupID: uniqueID("AGPA", i), Arn: arn("group", benchPath, g.name),
		CreateDate:              date(createdAt),
		GroupPolicyList:         []inlineRecord{{PolicyName: g.inlineName, PolicyDocument: g.inline.live()}},
		AttachedManagedPolicies: []attachedRecord{g.attached.attachedRecord()},
	}
}

func (u *syntheticUser) record(i int) userRecord {
	groups := make([]string, len(u.groups))
	for i, g := range u.groups {
		groups[i] = g.name
	}
	rec := userRecord{
		Path: peoplePath, UserName: u.name, UserID: uniqueID("AIDA", i), Arn: arn("user", peoplePath, u.name),
		CreateDate: date(createdAt), UserPolicyList: []inlineRecord{}, GroupList: groups,
		AttachedManagedPolicies: []attachedRecord{}, Tags: tagRecords(u.tags),
	}
	if u.attached != nil {
		rec.AttachedManagedPolicies = append(rec.AttachedManagedPolicies, u.attached.attachedRecord())
	}
	if u.inlineName != "" {
		rec.UserPolicyList = append(rec.UserPolicyList, inlineRecord{PolicyName: u.inlineName, PolicyDocument: u.inline.live()})
	}
	return rec
}

func (p *syntheticPolicy) attachedRecord() attachedRecord {
	return attachedRecord{PolicyName: p.name, PolicyArn: p.arn()}
}

func tagRecords(tags []tag) []tagRecord {
	out := make([]tagRecord, len(tags))
	for i, t := range tags {
		out[i] = tagRecord{Key: t.key, Value: t.value}
	}
	return out
}
