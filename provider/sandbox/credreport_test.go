package sandbox

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

// reportState is an account whose credentials have known dates. Alice has
// a password, MFA and two keys, and bob has one key, never used. The root
// user has an access key and no MFA, and passwords expire after 90 days.
const reportState = `{
  "AccountId": "123456789012",
  "AccountCreateDate": "2020-01-01T00:00:00Z",
  "UserDetailList": [
    {"Path": "/", "UserName": "bob", "UserId": "AIDABOB0000000000000A", "Arn": "arn:aws:iam::123456789012:user/bob",
     "CreateDate": "2023-05-01T08:00:00Z",
     "AccessKeys": [{"AccessKeyId": "AKIABOB0000000000001", "SecretAccessKey": "secret-b", "Status": "Inactive", "CreateDate": "2023-05-01T09:00:00Z"}]},
    {"Path": "/people/", "UserName": "alice", "UserId": "AIDAALICE00000000000A", "Arn": "arn:aws:iam::123456789012:user/people/alice",
     "CreateDate": "2022-01-01T10:00:00Z", "PasswordLastUsed": "2024-03-01T12:00:00Z",
     "LoginProfile": {"CreateDate": "2022-01-02T10:00:00Z", "PasswordResetRequired": false, "PasswordLastChanged": "2024-01-01T00:00:00Z"},
     "MFADevices": [{"SerialNumber": "arn:aws:iam::123456789012:mfa/alice", "EnableDate": "2022-01-02T11:00:00Z"}],
     "AccessKeys": [
       {"AccessKeyId": "AKIAALICE00000000001", "SecretAccessKey": "secret-a1", "Status": "Active", "CreateDate": "2022-01-03T10:00:00Z",
        "LastUsedDate": "2024-03-02T10:00:00Z", "LastUsedServiceName": "s3", "LastUsedRegion": "eu-west-1"},
       {"AccessKeyId": "AKIAALICE00000000002", "SecretAccessKey": "secret-a2", "Status": "Active", "CreateDate": "2024-02-01T10:00:00Z"}
     ]}
  ],
  "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
  "PasswordPolicy": {"MinimumPasswordLength": 12, "MaxPasswordAge": 90, "ExpirePasswords": true},
  "Root": {"MFAActive": false, "PasswordLastUsed": "2024-02-15T09:30:00Z",
           "AccessKeys": [{"AccessKeyId": "AKIAROOT000000000001", "Status": "Active", "CreateDate": "2021-06-01T00:00:00Z"}]}
}`

const wantReport = `user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-02-15T09:30:00+00:00,not_supported,not_supported,false,true,2021-06-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/people/alice,2022-01-01T10:00:00+00:00,true,2024-03-01T12:00:00+00:00,2024-01-01T00:00:00+00:00,2024-03-31T00:00:00+00:00,true,true,2022-01-03T10:00:00+00:00,2024-03-02T10:00:00+00:00,eu-west-1,s3,true,2024-02-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2023-05-01T08:00:00+00:00,false,N/A,N/A,N/A,false,false,2023-05-01T09:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
`

func TestCredentialReport(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(state, []byte(reportState), 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Options{StatePath: state})
	ctx := t.Context()

	// No report before the first generation.
	_, err := f.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantError(t, err, "ReportNotPresent", 410, "")

	// The first call starts a report, which is in progress until the next.
	started := must(f.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}))(t)
	if started.State != types.ReportStateTypeStarted {
		t.Errorf("first GenerateCredentialReport state = %s, want STARTED", started.State)
	}
	_, err = f.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantError(t, err, "ReportInProgress", 404, "")
	for range 2 {
		done := must(f.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}))(t)
		if done.State != types.ReportStateTypeComplete {
			t.Errorf("later GenerateCredentialReport state = %s, want COMPLETE", done.State)
		}
	}

	// The report lists root first, then the users by name.
	report := must(f.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{}))(t)
	if report.ReportFormat != types.ReportFormatTypeTextCsv || report.GeneratedTime == nil {
		t.Errorf("report format %s, generated %v", report.ReportFormat, report.GeneratedTime)
	}
	if diff := cmp.Diff(wantReport, string(report.Content)); diff != "" {
		t.Errorf("credential report differs (-want +got):\n%s", diff)
	}

	// A report four hours old has expired, and the next call starts anew.
	f.ageCredentialReport(credentialReportMaxAge)
	_, err = f.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantError(t, err, "ReportExpired", 410, "")
	again := must(f.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}))(t)
	if again.State != types.ReportStateTypeStarted {
		t.Errorf("GenerateCredentialReport after four hours = %s, want STARTED", again.State)
	}
}

func TestAccountSummaryReportsRoot(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(state, []byte(reportState), 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Options{StatePath: state})
	summary := must(f.iam.GetAccountSummary(t.Context(), &iam.GetAccountSummaryInput{}))(t).SummaryMap
	if summary["AccountAccessKeysPresent"] != 1 || summary["AccountMFAEnabled"] != 0 {
		t.Errorf("AccountAccessKeysPresent = %d, AccountMFAEnabled = %d, want 1 and 0",
			summary["AccountAccessKeysPresent"], summary["AccountMFAEnabled"])
	}

	// The root record survives a save.
	ok(f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("carol")}))(t)
	f.close(t)
	reloaded := newFixture(t, Options{StatePath: state})
	summary = must(reloaded.iam.GetAccountSummary(t.Context(), &iam.GetAccountSummaryInput{}))(t).SummaryMap
	if summary["AccountAccessKeysPresent"] != 1 {
		t.Errorf("AccountAccessKeysPresent after a reload = %d, want 1", summary["AccountAccessKeysPresent"])
	}
}

// ageCredentialReport moves the start of the latest report back by age.
func (f *fixture) ageCredentialReport(age time.Duration) {
	f.srv.mu.Lock()
	defer f.srv.mu.Unlock()
	f.srv.acct.credentialReport.started = f.srv.acct.credentialReport.started.Add(-age)
}
