package planner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/iamsync/iamsync/provider"
)

// liveJSON is the form of provider.State that golden cases write in
// live.json: snake_case keys, policy documents as JSON objects, tags and
// inline policies as objects keyed by name, and ARNs and ids left out where
// they follow from the name.
type liveJSON struct {
	AccountID       string                  `json:"account_id"`
	Partition       string                  `json:"partition"`
	RoleDetailsRead bool                    `json:"role_details_read"`
	Summary         map[string]int32        `json:"summary"`
	Aliases         []string                `json:"aliases"`
	PasswordPolicy  *liveJSONPasswordPolicy `json:"password_policy"`

	Users            []liveJSONUser            `json:"users"`
	Groups           []liveJSONGroup           `json:"groups"`
	Roles            []liveJSONRole            `json:"roles"`
	Policies         []liveJSONPolicy          `json:"policies"`
	InstanceProfiles []liveJSONInstanceProfile `json:"instance_profiles"`
}

type liveJSONPasswordPolicy struct {
	MinimumPasswordLength      int32 `json:"minimum_password_length"`
	RequireSymbols             bool  `json:"require_symbols"`
	RequireNumbers             bool  `json:"require_numbers"`
	RequireUppercaseCharacters bool  `json:"require_uppercase_characters"`
	RequireLowercaseCharacters bool  `json:"require_lowercase_characters"`
	AllowUsersToChangePassword bool  `json:"allow_users_to_change_password"`
	MaxPasswordAge             int32 `json:"max_password_age"`
	PasswordReusePrevention    int32 `json:"password_reuse_prevention"`
	HardExpiry                 bool  `json:"hard_expiry"`
}

type liveJSONUser struct {
	Name                string                     `json:"name"`
	Path                string                     `json:"path"`
	Tags                map[string]string          `json:"tags"`
	PermissionsBoundary string                     `json:"permissions_boundary"`
	Groups              []string                   `json:"groups"`
	InlinePolicies      map[string]json.RawMessage `json:"inline_policies"`
	AttachedPolicies    []string                   `json:"attached_policies"`
	Credentials         *liveJSONCredentials       `json:"credentials"`
}

type liveJSONCredentials struct {
	LoginProfile *struct {
		PasswordResetRequired bool `json:"password_reset_required"`
	} `json:"login_profile"`
	AccessKeys []struct {
		ID         string     `json:"id"`
		Status     string     `json:"status"`
		CreateDate time.Time  `json:"create_date"`
		LastUsed   *time.Time `json:"last_used"`
	} `json:"access_keys"`
	MFADevices       []string   `json:"mfa_devices"`
	PasswordLastUsed *time.Time `json:"password_last_used"`
}

type liveJSONGroup struct {
	Name             string                     `json:"name"`
	Path             string                     `json:"path"`
	InlinePolicies   map[string]json.RawMessage `json:"inline_policies"`
	AttachedPolicies []string                   `json:"attached_policies"`
}

type liveJSONRole struct {
	Name                string                     `json:"name"`
	Path                string                     `json:"path"`
	AssumeRolePolicy    json.RawMessage            `json:"assume_role_policy"`
	Description         string                     `json:"description"`
	MaxSessionDuration  int32                      `json:"max_session_duration"`
	Tags                map[string]string          `json:"tags"`
	PermissionsBoundary string                     `json:"permissions_boundary"`
	InlinePolicies      map[string]json.RawMessage `json:"inline_policies"`
	AttachedPolicies    []string                   `json:"attached_policies"`
	InstanceProfiles    []string                   `json:"instance_profiles"`
	LastUsed            *time.Time                 `json:"last_used"`
}

type liveJSONPolicy struct {
	Name        string `json:"name"`
	Path        string `json:"path"`
	ARN         string `json:"arn"`
	Description string `json:"description"`
	// DefaultVersion is the id of the default version, "v1" when left out.
	DefaultVersion string `json:"default_version"`
	// Document is the default version's document, for a policy that lists
	// no versions.
	Document json.RawMessage `json:"document"`
	Versions []struct {
		ID         string          `json:"id"`
		Document   json.RawMessage `json:"document"`
		CreateDate time.Time       `json:"create_date"`
	} `json:"versions"`
	Tags map[string]string `json:"tags"`
}

type liveJSONInstanceProfile struct {
	Name  string            `json:"name"`
	Path  string            `json:"path"`
	Roles []string          `json:"roles"`
	Tags  map[string]string `json:"tags"`
}

// decodeLiveJSON decodes live.json into a state.
func decodeLiveJSON(data []byte) (*provider.State, error) {
	var in liveJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("decode live.json: %w", err)
	}
	s := &provider.State{
		AccountID:       firstNonEmpty(in.AccountID, testAccountID),
		Partition:       firstNonEmpty(in.Partition, "aws"),
		Aliases:         in.Aliases,
		Summary:         in.Summary,
		RoleDetailsRead: in.RoleDetailsRead,
	}
	arn := func(kind, path, name string) string {
		return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", s.Partition, s.AccountID, kind, path, name)
	}
	if pp := in.PasswordPolicy; pp != nil {
		s.PasswordPolicy = &provider.PasswordPolicy{
			MinimumPasswordLength:      pp.MinimumPasswordLength,
			RequireSymbols:             pp.RequireSymbols,
			RequireNumbers:             pp.RequireNumbers,
			RequireUppercaseCharacters: pp.RequireUppercaseCharacters,
			RequireLowercaseCharacters: pp.RequireLowercaseCharacters,
			AllowUsersToChangePassword: pp.AllowUsersToChangePassword,
			ExpirePasswords:            pp.MaxPasswordAge > 0,
			MaxPasswordAge:             pp.MaxPasswordAge,
			PasswordReusePrevention:    pp.PasswordReusePrevention,
			HardExpiry:                 pp.HardExpiry,
		}
	}

	for _, u := range in.Users {
		lu := &provider.User{
			Name: u.Name, Path: defaultPath(u.Path), ID: "AIDA" + pseudoID(u.Name), ARN: arn("user", defaultPath(u.Path), u.Name),
			Tags: liveTags(u.Tags), PermissionsBoundary: u.PermissionsBoundary, Groups: u.Groups,
			InlinePolicies: liveInline(u.InlinePolicies), AttachedPolicies: u.AttachedPolicies,
		}
		if c := u.Credentials; c != nil {
			lu.Credentials = &provider.UserCredentials{MFADevices: c.MFADevices, PasswordLastUsed: c.PasswordLastUsed}
			if c.LoginProfile != nil {
				lu.Credentials.LoginProfile = &provider.LoginProfile{PasswordResetRequired: c.LoginProfile.PasswordResetRequired}
			}
			for _, k := range c.AccessKeys {
				lu.Credentials.AccessKeys = append(lu.Credentials.AccessKeys, provider.AccessKey{ID: k.ID, Status: k.Status, CreateDate: k.CreateDate, LastUsed: k.LastUsed})
			}
		}
		s.Users = append(s.Users, lu)
	}
	for _, g := range in.Groups {
		s.Groups = append(s.Groups, &provider.Group{
			Name: g.Name, Path: defaultPath(g.Path), ID: "AGPA" + pseudoID(g.Name), ARN: arn("group", defaultPath(g.Path), g.Name),
			InlinePolicies: liveInline(g.InlinePolicies), AttachedPolicies: g.AttachedPolicies,
		})
	}
	for _, r := range in.Roles {
		s.Roles = append(s.Roles, &provider.Role{
			Name: r.Name, Path: defaultPath(r.Path), ID: "AROA" + pseudoID(r.Name), ARN: arn("role", defaultPath(r.Path), r.Name),
			AssumeRolePolicy: string(r.AssumeRolePolicy), Description: r.Description, MaxSessionDuration: r.MaxSessionDuration,
			Tags: liveTags(r.Tags), PermissionsBoundary: r.PermissionsBoundary, InlinePolicies: liveInline(r.InlinePolicies),
			AttachedPolicies: r.AttachedPolicies, InstanceProfiles: r.InstanceProfiles, LastUsed: r.LastUsed,
		})
	}
	for _, p := range in.Policies {
		lp := &provider.ManagedPolicy{
			Name: p.Name, Path: defaultPath(p.Path), ID: "ANPA" + pseudoID(p.Name), ARN: firstNonEmpty(p.ARN, arn("policy", defaultPath(p.Path), p.Name)),
			Description: p.Description, DefaultVersionID: firstNonEmpty(p.DefaultVersion, "v1"), Tags: liveTags(p.Tags),
		}
		if p.Tags != nil && lp.Tags == nil {
			lp.Tags = []provider.Tag{}
		}
		if p.Document != nil {
			lp.Versions = append(lp.Versions, provider.PolicyVersion{ID: lp.DefaultVersionID, Document: string(p.Document), IsDefault: true})
		}
		for _, v := range p.Versions {
			lp.Versions = append(lp.Versions, provider.PolicyVersion{ID: v.ID, Document: string(v.Document), IsDefault: v.ID == lp.DefaultVersionID, CreateDate: v.CreateDate})
		}
		s.Policies = append(s.Policies, lp)
	}
	for _, ip := range in.InstanceProfiles {
		s.InstanceProfiles = append(s.InstanceProfiles, &provider.InstanceProfile{
			Name: ip.Name, Path: defaultPath(ip.Path), ID: "AIPA" + pseudoID(ip.Name), ARN: arn("instance-profile", defaultPath(ip.Path), ip.Name),
			Roles: ip.Roles, Tags: liveTags(ip.Tags),
		})
	}
	s.Sort()
	return s, nil
}

func defaultPath(path string) string { return firstNonEmpty(path, "/") }

// pseudoID returns a stable, made-up unique id suffix for a name.
func pseudoID(name string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return fmt.Sprintf("%017X", h)[:17]
}

func liveTags(tags map[string]string) []provider.Tag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []provider.Tag
	for _, k := range keys {
		out = append(out, provider.Tag{Key: k, Value: tags[k]})
	}
	return out
}

func liveInline(policies map[string]json.RawMessage) []provider.InlinePolicy {
	names := make([]string, 0, len(policies))
	for name := range policies {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []provider.InlinePolicy
	for _, name := range names {
		out = append(out, provider.InlinePolicy{Name: name, Document: string(policies[name])})
	}
	return out
}
