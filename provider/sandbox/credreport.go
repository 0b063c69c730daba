package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"
)

// credentialReportMaxAge is how long a credential report is served: IAM
// makes a new report at most every four hours, and the sandbox lets a
// report expire when a new one may be made.
const credentialReportMaxAge = 4 * time.Hour

// credentialReportFormat is the date format of the report's columns.
const credentialReportFormat = "2006-01-02T15:04:05+00:00"

// credentialReportColumns is the header of IAM's credential report.
var credentialReportColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// Values of the report for fields without a date.
const (
	reportNotApplicable = "N/A"
	reportNoInformation = "no_information"
	reportNotSupported  = "not_supported"
	reportRootUser      = "<root_account>"
)

// credentialReport is the account's latest credential report. Its content
// is taken when generation starts, and it becomes complete at the next
// GenerateCredentialReport call, so that clients have to poll as they do
// against IAM.
type credentialReport struct {
	started  time.Time
	complete bool
	content  []byte
}

type generateCredentialReportResult struct {
	State       string
	Description string `xml:",omitempty"`
}

// generateCredentialReport starts a report when there is none or the last
// one is four hours old, and otherwise reports the state of the last one.
func generateCredentialReport(c *call) (any, error) {
	report := c.acct.credentialReport
	switch {
	case report == nil || c.now().Sub(report.started) >= credentialReportMaxAge:
		c.acct.credentialReport = &credentialReport{started: c.now(), content: c.credentialReportCSV()}
		return generateCredentialReportResult{State: "STARTED", Description: "No report exists. Starting a new report generation task"}, nil
	case !report.complete:
		report.complete = true
	}
	return generateCredentialReportResult{State: "COMPLETE"}, nil
}

type getCredentialReportResult struct {
	Content       string
	ReportFormat  string
	GeneratedTime isoTime
}

// getCredentialReport returns the complete report, base64-encoded as the
// Query protocol carries binary data.
func getCredentialReport(c *call) (any, error) {
	report := c.acct.credentialReport
	switch {
	case report == nil:
		return nil, newAPIError(http.StatusGone, "ReportNotPresent",
			"Credential report does not exist. Call GenerateCredentialReport to generate one.")
	case !report.complete:
		return nil, newAPIError(http.StatusNotFound, "ReportInProgress", "Credential report is still being generated.")
	case c.now().Sub(report.started) >= credentialReportMaxAge:
		return nil, newAPIError(http.StatusGone, "ReportExpired",
			"Credential report has expired. Call GenerateCredentialReport to generate a new one.")
	}
	return getCredentialReportResult{
		Content:       base64.StdEncoding.EncodeToString(report.content),
		ReportFormat:  "text/csv",
		GeneratedTime: isoTime(report.started),
	}, nil
}

// credentialReportCSV renders the report: the root user first, then every
// user by name.
func (c *call) credentialReportCSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{credentialReportColumns, c.rootReportRow()}
	for _, u := range sortedUsers(c.acct) {
		rows = append(rows, c.userReportRow(u))
	}
	if err := w.WriteAll(rows); err != nil {
		panic("write credential report: " + err.Error())
	}
	return buf.Bytes()
}

func (c *call) rootReportRow() []string {
	root := c.acct.root
	row := []string{
		reportRootUser, c.acct.arn("root"), reportDate(c.acct.created), reportNotSupported,
		reportDateOr(root.passwordLastUsed, reportNoInformation), reportNotSupported, reportNotSupported,
		strconv.FormatBool(root.mfaActive),
	}
	row = append(row, accessKeyColumns(root.accessKeys)...)
	return append(row, certificateColumns(nil)...)
}

func (c *call) userReportRow(u *user) []string {
	row := []string{u.name, c.acct.userARN(u), reportDate(u.created)}

	// The password columns.
	lp := u.loginProfile
	if lp == nil {
		row = append(row, "false", reportNotApplicable, reportNotApplicable, reportNotApplicable)
	} else {
		nextRotation := reportNotApplicable
		if p := c.acct.passwordPolicy; p != nil && p.maxPasswordAge != nil {
			nextRotation = reportDate(lp.passwordChanged.AddDate(0, 0, int(*p.maxPasswordAge)))
		}
		row = append(row, "true", reportDateOr(u.passwordLastUsed, reportNoInformation), reportDate(lp.passwordChanged), nextRotation)
	}

	// MFA, access keys and signing certificates.
	row = append(row, strconv.FormatBool(len(u.mfaDevices) > 0))
	row = append(row, accessKeyColumns(u.accessKeys)...)
	return append(row, certificateColumns(u.signingCertificates)...)
}

// accessKeyColumns returns the five columns of each of the first two keys,
// in the order they were created.
func accessKeyColumns(keys []*accessKey) []string {
	var out []string
	for i := range 2 {
		if i >= len(keys) {
			out = append(out, "false", reportNotApplicable, reportNotApplicable, reportNotApplicable, reportNotApplicable)
			continue
		}
		k := keys[i]
		out = append(out, strconv.FormatBool(k.status == statusActive), reportDate(k.created),
			reportDateOr(k.lastUsed, reportNotApplicable), orNotApplicable(k.lastRegion, k.lastUsed), orNotApplicable(k.lastService, k.lastUsed))
	}
	return out
}

func certificateColumns(certs []*signingCertificate) []string {
	var out []string
	for i := range 2 {
		if i >= len(certs) {
			out = append(out, "false", reportNotApplicable)
			continue
		}
		out = append(out, strconv.FormatBool(certs[i].status == statusActive), reportDate(certs[i].uploaded))
	}
	return out
}

func reportDate(t time.Time) string { return t.UTC().Format(credentialReportFormat) }

func reportDateOr(t *time.Time, missing string) string {
	if t == nil {
		return missing
	}
	return reportDate(*t)
}

// orNotApplicable returns value for a key that was used, and N/A for a key
// never used or a value that was not recorded.
func orNotApplicable(value string, used *time.Time) string {
	if used == nil || value == "" {
		return reportNotApplicable
	}
	return value
}
