package report

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation," +
	"mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region," +
	"access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date," +
	"access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

// sampleReport has a root user with a key and no MFA, a user with every
// problem, a healthy user and a user with only an inactive old key.
const sampleReport = header +
	"<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T00:00:00+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
	"old,arn:aws:iam::123456789012:user/old,2022-01-01T00:00:00+00:00,true,2024-01-01T00:00:00+00:00,2022-01-01T00:00:00+00:00,N/A,false,true,2022-01-01T00:00:00+00:00,2024-01-15T00:00:00+00:00,us-east-1,iam,true,2024-05-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n" +
	"fresh,arn:aws:iam::123456789012:user/fresh,2024-05-01T00:00:00+00:00,true,2024-05-30T00:00:00+00:00,2024-05-01T00:00:00+00:00,N/A,TRUE,TRUE,2024-05-01T00:00:00+00:00,2024-05-30T00:00:00+00:00,eu-west-1,s3,FALSE,N/A,N/A,N/A,N/A,FALSE,N/A,FALSE,N/A\n" +
	"idle,arn:aws:iam::123456789012:user/idle,2020-01-01T00:00:00+00:00,true,no_information,2023-01-01T00:00:00+00:00,N/A,true,false,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"

func date(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestParseCredentialReport(t *testing.T) {
	entries, err := ParseCredentialReport(strings.NewReader(sampleReport))
	if err != nil {
		t.Fatalf("ParseCredentialReport: %v", err)
	}
	want := CredentialEntry{
		User: "old", ARN: "arn:aws:iam::123456789012:user/old", Created: *date("2022-01-01"),
		PasswordEnabled: true, PasswordLastUsed: date("2024-01-01"), PasswordLastChanged: date("2022-01-01"),
		AccessKeys: []AccessKeyEntry{
			{Slot: 1, Active: true, LastRotated: date("2022-01-01"), LastUsed: date("2024-01-15"), LastUsedRegion: "us-east-1", LastUsedService: "iam"},
			{Slot: 2, Active: true, LastRotated: date("2024-05-01")},
		},
	}
	if len(entries) != 4 {
		t.Fatalf("entries = %d, want 4", len(entries))
	}
	if diff := cmp.Diff(want, entries[1]); diff != "" {
		t.Errorf("entry of old differs (-want +got):\n%s", diff)
	}
	if !entries[0].Root || entries[0].PasswordEnabled || entries[0].PasswordLastChanged != nil {
		t.Errorf("root entry = %+v, want root without password columns", entries[0])
	}
	if !entries[2].MFAActive || len(entries[2].AccessKeys) != 1 {
		t.Errorf("upper-case TRUE and FALSE: entry = %+v", entries[2])
	}
}

func TestParseCredentialReportErrors(t *testing.T) {
	cases := map[string]struct {
		text, want string
	}{
		"empty":          {"", "the report is empty"},
		"missing column": {"user,arn\n", "no user_creation_time column"},
		"bad boolean":    {header + strings.Replace(strings.Split(sampleReport, "\n")[2], ",false,true,2022", ",maybe,true,2022", 1) + "\n", "line 2: mfa_active is \"maybe\""},
		"bad date":       {header + strings.Replace(strings.Split(sampleReport, "\n")[2], "2022-01-01T00:00:00+00:00", "yesterday", 1) + "\n", "line 2: user_creation_time is \"yesterday\""},
		"ragged row":     {header + "a,b\n", "wrong number of fields"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCredentialReport(strings.NewReader(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseCredentialReport error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestFindings(t *testing.T) {
	entries, err := ParseCredentialReport(strings.NewReader(sampleReport))
	if err != nil {
		t.Fatal(err)
	}
	got := Findings(entries, FindingOptions{Now: *date("2024-06-01")})
	want := []Finding{
		{Kind: KindRootWithoutMFA, User: RootUser, ARN: "arn:aws:iam::123456789012:root", Message: "The root user has no MFA device."},
		{Kind: KindRootAccessKey, User: RootUser, ARN: "arn:aws:iam::123456789012:root", Key: 1, Message: "The root user has an active access key (key 1)."},
		{Kind: KindConsoleWithoutMFA, User: "old", ARN: "arn:aws:iam::123456789012:user/old", Message: "The user has a console password and no MFA device."},
		{Kind: KindPasswordUnused, User: "old", ARN: "arn:aws:iam::123456789012:user/old", Message: "The console password was last used 152 days ago."},
		{Kind: KindKeyUnused, User: "old", ARN: "arn:aws:iam::123456789012:user/old", Key: 1, Message: "Access key 1 was last used 138 days ago."},
		{Kind: KindKeyNotRotated, User: "old", ARN: "arn:aws:iam::123456789012:user/old", Key: 1, Message: "Access key 1 was created 882 days ago and not rotated since."},
		{Kind: KindPasswordUnused, User: "idle", ARN: "arn:aws:iam::123456789012:user/idle", Message: "The console password was never used, and was set 517 days ago."},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings differ (-want +got):\n%s", diff)
	}

	// Raising the thresholds leaves only what no threshold governs.
	lenient := Findings(entries, FindingOptions{Now: *date("2024-06-01"), StaleDays: 1000, RotationDays: 1000})
	var kinds []string
	for _, f := range lenient {
		kinds = append(kinds, f.Kind)
	}
	if diff := cmp.Diff([]string{KindRootWithoutMFA, KindRootAccessKey, KindConsoleWithoutMFA}, kinds); diff != "" {
		t.Errorf("findings with thresholds of 1000 days differ (-want +got):\n%s", diff)
	}
}

func TestFindingsOfNeverUsedKey(t *testing.T) {
	key := AccessKeyEntry{Slot: 2, Active: true, LastRotated: date("2024-01-01")}
	entries := []CredentialEntry{{User: "ci", ARN: "arn:aws:iam::123456789012:user/ci", AccessKeys: []AccessKeyEntry{key}}}
	cases := map[string]struct {
		now  string
		want []string
	}{
		"new key":       {now: "2024-02-01"},
		"old key":       {now: "2024-05-01", want: []string{"Access key 2 was never used, and was created 121 days ago.", "Access key 2 was created 121 days ago and not rotated since."}},
		"exactly stale": {now: "2024-03-31"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, f := range Findings(entries, FindingOptions{Now: *date(tc.now)}) {
				got = append(got, f.Message)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	got := Summarize(map[string]int32{
		"Users": 12, "UsersQuota": 5000, "Roles": 3, "RolesQuota": 1000,
		"AttachedPoliciesPerRoleQuota": 10, "AccountMFAEnabled": 1, "MFADevices": 2,
	})
	want := Summary{
		Usage:  []Usage{{Name: "Roles", Used: 3, Quota: 1000}, {Name: "Users", Used: 12, Quota: 5000}},
		Quotas: map[string]int32{"AttachedPoliciesPerRoleQuota": 10},
		Values: map[string]int32{"AccountMFAEnabled": 1, "MFADevices": 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize differs (-want +got):\n%s", diff)
	}
	if p := (Usage{Used: 999, Quota: 1000}).Percent(); p != 99 {
		t.Errorf("Percent of 999/1000 = %d, want 99", p)
	}
}
