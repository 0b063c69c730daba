package sandbox

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamsync/iamsync/internal/testenv"
)

// dumpDir returns the folder of public GetAccountAuthorizationDetails dumps
// shared by the project's tests, found beside the checkout (see
// internal/testenv); tests skip without it.
func dumpDir(t testing.TB) string { return testenv.SharedData(t, "authdetails") }

// ignoreSDKInternals lets cmp compare the SDK's output types.
var ignoreSDKInternals = cmp.Options{cmpopts.IgnoreFields(iam.GetAccountAuthorizationDetailsOutput{}, "ResultMetadata"), cmpopts.IgnoreUnexported(
	iam.GetAccountAuthorizationDetailsOutput{}, types.UserDetail{}, types.GroupDetail{}, types.RoleDetail{},
	types.ManagedPolicyDetail{}, types.PolicyDetail{}, types.AttachedPolicy{}, types.Tag{}, types.InstanceProfile{},
	types.Role{}, types.PolicyVersion{}, types.AttachedPermissionsBoundary{}, types.RoleLastUsed{},
)}

// dumpCounts are the counts that a dump and the sandbox's reading of it
// must agree on.
type dumpCounts struct {
	Users, Groups, Roles, CustomerPolicies, AWSPolicies          int
	InlinePolicies, Memberships, Attachments, Boundaries         int
	InstanceProfiles, TaggedRoles, RolesLastUsed, PolicyVersions int
}

// countDump counts a dump as IAM would return it: AWS-managed policies only
// while something attaches them or uses them as a boundary, regardless of
// the dump's own AttachmentCount.
func countDump(t *testing.T, path string) (dumpCounts, map[string]string) {
	t.Helper()
	var d struct {
		UserDetailList, GroupDetailList, RoleDetailList, Policies []map[string]any
	}
	if err := json.Unmarshal(must(os.ReadFile(path))(t), &d); err != nil {
		t.Fatal(err)
	}

	// Count the users, groups and roles, and note the policies they use.
	var c dumpCounts
	used := map[string]bool{}
	docs := map[string]string{} // policy ARN and version -> canonical JSON of the document
	entities := func(list []map[string]any, inlineKey string) {
		for _, e := range list {
			c.InlinePolicies += len(asList(e[inlineKey]))
			c.Memberships += len(asList(e["GroupList"]))
			for _, a := range asList(e["AttachedManagedPolicies"]) {
				c.Attachments++
				used[a.(map[string]any)["PolicyArn"].(string)] = true
			}
			if b, ok := e["PermissionsBoundary"].(map[string]any); ok {
				c.Boundaries++
				used[b["PermissionsBoundaryArn"].(string)] = true
			}
		}
	}
	entities(d.UserDetailList, "UserPolicyList")
	entities(d.GroupDetailList, "GroupPolicyList")
	entities(d.RoleDetailList, "RolePolicyList")
	c.Users, c.Groups, c.Roles = len(d.UserDetailList), len(d.GroupDetailList), len(d.RoleDetailList)

	// Count the roles' instance profiles, tags and last use.
	profiles := map[string]bool{}
	for _, r := range d.RoleDetailList {
		for _, ip := range asList(r["InstanceProfileList"]) {
			profiles[ip.(map[string]any)["InstanceProfileName"].(string)] = true
		}
		if len(asList(r["Tags"])) > 0 {
			c.TaggedRoles++
		}
		if lu, ok := r["RoleLastUsed"].(map[string]any); ok && lu["LastUsedDate"] != nil {
			c.RolesLastUsed++
		}
	}
	c.InstanceProfiles = len(profiles)

	// Count the policies that IAM would list, with their documents.
	for _, p := range d.Policies {
		arn := p["Arn"].(string)
		switch {
		case !strings.HasPrefix(arn, "arn:aws:iam::aws:"):
			c.CustomerPolicies++
		case used[arn]:
			c.AWSPolicies++
		default:
			continue
		}
		for _, v := range asList(p["PolicyVersionList"]) {
			v := v.(map[string]any)
			c.PolicyVersions++
			docs[arn+" "+v["VersionId"].(string)] = canonicalJSON(t, v["Document"])
		}
	}
	return c, docs
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// canonicalJSON renders a document given as an object or as a JSON string
// in one canonical form, so that documents compare by content.
func canonicalJSON(t *testing.T, doc any) string {
	t.Helper()
	if s, ok := doc.(string); ok {
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			t.Fatalf("document %q: %v", s, err)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// readDetails reads every page of GetAccountAuthorizationDetails.
func readDetails(t *testing.T, f *fixture, in iam.GetAccountAuthorizationDetailsInput) *iam.GetAccountAuthorizationDetailsOutput {
	t.Helper()
	all := &iam.GetAccountAuthorizationDetailsOutput{}
	pages := iam.NewGetAccountAuthorizationDetailsPaginator(f.iam, &in)
	for pages.HasMorePages() {
		page := must(pages.NextPage(t.Context()))(t)
		all.UserDetailList = append(all.UserDetailList, page.UserDetailList...)
		all.GroupDetailList = append(all.GroupDetailList, page.GroupDetailList...)
		all.RoleDetailList = append(all.RoleDetailList, page.RoleDetailList...)
		all.Policies = append(all.Policies, page.Policies...)
	}
	return all
}

func countDetails(t *testing.T, out *iam.GetAccountAuthorizationDetailsOutput) (dumpCounts, map[string]string) {
	t.Helper()
	var c dumpCounts
	docs := map[string]string{}
	c.Users, c.Groups, c.Roles = len(out.UserDetailList), len(out.GroupDetailList), len(out.RoleDetailList)
	for _, u := range out.UserDetailList {
		c.InlinePolicies += len(u.UserPolicyList)
		c.Memberships += len(u.GroupList)
		c.Attachments += len(u.AttachedManagedPolicies)
		if u.PermissionsBoundary != nil {
			c.Boundaries++
		}
	}
	for _, g := range out.GroupDetailList {
		c.InlinePolicies += len(g.GroupPolicyList)
		c.Attachments += len(g.AttachedManagedPolicies)
	}
	profiles := map[string]bool{}
	for _, r := range out.RoleDetailList {
		c.InlinePolicies += len(r.RolePolicyList)
		c.Attachments += len(r.AttachedManagedPolicies)
		if r.PermissionsBoundary != nil {
			c.Boundaries++
		}
		for _, ip := range r.InstanceProfileList {
			profiles[aws.ToString(ip.InstanceProfileName)] = true
		}
		if len(r.Tags) > 0 {
			c.TaggedRoles++
		}
		if r.RoleLastUsed != nil && r.RoleLastUsed.LastUsedDate != nil {
			c.RolesLastUsed++
		}
	}
	c.InstanceProfiles = len(profiles)
	for _, p := range out.Policies {
		arn := aws.ToString(p.Arn)
		if strings.HasPrefix(arn, "arn:aws:iam::aws:") {
			c.AWSPolicies++
		} else {
			c.CustomerPolicies++
		}
		for _, v := range p.PolicyVersionList {
			c.PolicyVersions++
			docs[arn+" "+aws.ToString(v.VersionId)] = canonicalJSON(t, decoded(t, v.Document))
		}
	}
	return c, docs
}

// TestDumpsLoadAndReadBack loads each public dump as the state file and
// reads it back through GetAccountAuthorizationDetails, a few items a page.
func TestDumpsLoadAndReadBack(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(dumpDir(t), "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no dumps in %s: %v", dumpDir(t), err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			wantCounts, wantDocs := countDump(t, path)
			f := newFixture(t, Options{StatePath: copyState(t, path)})

			// Small pages cross the boundaries between the four lists.
			paged := readDetails(t, f, iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(7)})
			gotCounts, gotDocs := countDetails(t, paged)
			if diff := cmp.Diff(wantCounts, gotCounts); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantDocs, gotDocs); diff != "" {
				t.Errorf("policy documents (-want +got):\n%s", diff)
			}

			whole := readDetails(t, f, iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1000)})
			if diff := cmp.Diff(whole, paged, ignoreSDKInternals); diff != "" {
				t.Errorf("pages of 7 differ from one page (-one +paged):\n%s", diff)
			}
		})
	}
}

func TestDumpKeepsItsAccount(t *testing.T) {
	dump := copyState(t, filepath.Join(dumpDir(t), "salesforce-cloudsplaining-example-2023.json"))
	f := newFixture(t, Options{StatePath: dump, AccountID: DefaultAccountID})
	if got := f.srv.AccountID(); got != "200611803367" {
		t.Errorf("account = %s, want the dump's 200611803367", got)
	}
	role := must(f.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForSupport")}))(t)
	if got, want := aws.ToString(role.Role.Arn), "arn:aws:iam::200611803367:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"; got != want {
		t.Errorf("service-linked role ARN = %s, want %s", got, want)
	}
	_, err := f.iam.DeleteRole(t.Context(), &iam.DeleteRoleInput{RoleName: aws.String("AWSServiceRoleForSupport")})
	wantError(t, err, "UnmodifiableEntity", 400, "")
}

func TestAuthorizationDetailsFilters(t *testing.T) {
	f := newFixture(t, Options{StatePath: copyState(t, filepath.Join(dumpDir(t), "salesforce-cloudsplaining-example-authz-details.json"))})
	tests := map[string]struct {
		filter                                []types.EntityType
		users, groups, roles, local, awsCount int
	}{
		"users":            {filter: []types.EntityType{types.EntityTypeUser}, users: 3},
		"groups and roles": {filter: []types.EntityType{types.EntityTypeGroup, types.EntityTypeRole}, groups: 2, roles: 3},
		"local policies":   {filter: []types.EntityType{types.EntityTypeLocalManagedPolicy}, local: 2},
		"AWS policies":     {filter: []types.EntityType{types.EntityTypeAWSManagedPolicy}, awsCount: 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := readDetails(t, f, iam.GetAccountAuthorizationDetailsInput{Filter: tc.filter})
			var local, awsCount int
			for _, p := range out.Policies {
				if strings.HasPrefix(aws.ToString(p.Arn), "arn:aws:iam::aws:") {
					awsCount++
				} else {
					local++
				}
			}
			got := []int{len(out.UserDetailList), len(out.GroupDetailList), len(out.RoleDetailList), local, awsCount}
			want := []int{tc.users, tc.groups, tc.roles, tc.local, tc.awsCount}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("users, groups, roles, local and AWS policies (-want +got):\n%s", diff)
			}
		})
	}

	_, err := f.iam.GetAccountAuthorizationDetails(t.Context(), &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{"Users"}})
	wantError(t, err, "ValidationError", 400, "")
}

func TestAuthorizationDetailsShape(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document),
		Description: aws.String("d"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))(t)
	ok(f.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")}))(t)
	ok(f.iam.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ip"), RoleName: aws.String("r")}))(t)
	arn := must(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}))(t).Policy.Arn
	ok(f.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allowAllDocument)}))(t)
	ok(f.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: arn}))(t)

	out := must(f.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{}))(t)
	r := out.RoleDetailList[0]
	if len(r.InstanceProfileList) != 1 || len(r.InstanceProfileList[0].Roles) != 1 || aws.ToString(r.InstanceProfileList[0].Roles[0].RoleName) != "r" {
		t.Errorf("InstanceProfileList = %+v, want ip holding r", r.InstanceProfileList)
	}
	if r.RoleLastUsed == nil || r.PermissionsBoundary == nil || len(r.Tags) != 1 {
		t.Errorf("role detail = %+v, want RoleLastUsed, a boundary and a tag", r)
	}
	p := out.Policies[0]
	if len(p.PolicyVersionList) != 2 || aws.ToInt32(p.PermissionsBoundaryUsageCount) != 1 || aws.ToInt32(p.AttachmentCount) != 0 {
		t.Errorf("policy detail = %+v, want 2 versions and one boundary use", p)
	}
}
