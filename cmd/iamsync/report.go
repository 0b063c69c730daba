package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/report"
)

// Output formats of report credentials.
const (
	reportFormatTable = "table"
	reportFormatCSV   = "csv"
	reportFormatJSON  = "json"
)

var reportFormats = []string{reportFormatTable, reportFormatCSV, reportFormatJSON}

// reportDateFormat is the date layout of the tables.
const reportDateFormat = time.DateOnly

func newReportCommand(std *streams, global *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Report on the account's usage and credentials",
		Long: `The report commands read IAM's account reports and change nothing. With
--config they reach the account through that configuration's provider block,
and refuse an account that its allowed_account_ids or forbidden_account_ids
leave out, as plan does.`,
	}
	cmd.AddCommand(newSummaryReportCommand(std, global), newCredentialsReportCommand(std, global))
	return cmd
}

// summaryReportCommand prints GetAccountSummary.
type summaryReportCommand struct {
	std     *streams
	global  *globalOptions
	account accountFlags
	json    bool
}

func newSummaryReportCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &summaryReportCommand{std: std, global: global}
	cmd := &cobra.Command{
		Use:   "summary",
		Short: "Show the account's IAM usage against its quotas",
		Long: `Summary prints IAM's account summary (GetAccountSummary): each count, such
as Users or Roles, against its quota and the share used; then the quotas that
limit each entity, such as AttachedPoliciesPerRoleQuota; then the other
values, such as AccountMFAEnabled (1 when the root user has MFA).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd.Context()) },
	}
	c.account.addFlags(cmd.Flags(), true)
	cmd.Flags().BoolVar(&c.json, "json", false, "print the summary as JSON")
	return cmd
}

// summaryView is the JSON shape of report summary.
type summaryView struct {
	Version string `json:"version"`
	Type    string `json:"type"`
	Account string `json:"account"`
	report.Summary
}

// Run reads and prints the summary.
func (c *summaryReportCommand) Run(ctx context.Context) error {
	conn, account, err := openReport(ctx, &c.account, c.std, c.global)
	if err != nil {
		return err
	}
	defer conn.Close()
	raw, err := conn.provider.AccountSummary(ctx)
	if err != nil {
		return fmt.Errorf("read account summary: %w", err)
	}

	view := summaryView{Version: jsonFormatVersion, Type: "account_summary", Account: account, Summary: report.Summarize(raw)}
	if c.json {
		return writeJSON(c.std.out, view)
	}
	return writeSummary(c.std.out, view)
}

func writeSummary(w io.Writer, view summaryView) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Account %s\n\n", view.Account)
	fmt.Fprintln(tw, "USAGE\tUSED\tQUOTA\tUSED %")
	for _, u := range view.Usage {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d%%\n", u.Name, u.Used, u.Quota, u.Percent())
	}
	fmt.Fprintln(tw, "\nQUOTA PER ENTITY\tVALUE")
	for _, name := range slices.Sorted(maps.Keys(view.Quotas)) {
		fmt.Fprintf(tw, "%s\t%d\n", name, view.Quotas[name])
	}
	fmt.Fprintln(tw, "\nCOUNT OR FLAG\tVALUE")
	for _, name := range slices.Sorted(maps.Keys(view.Values)) {
		fmt.Fprintf(tw, "%s\t%d\n", name, view.Values[name])
	}
	return tw.Flush()
}

// credentialsReportCommand prints the credential report with findings.
type credentialsReportCommand struct {
	std          *streams
	global       *globalOptions
	account      accountFlags
	format       string
	staleDays    int
	rotationDays int
	asOf         string
	timeout      time.Duration
	// now is the clock that findings are judged by, unless --as-of is set.
	now func() time.Time
}

func newCredentialsReportCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &credentialsReportCommand{std: std, global: global, now: time.Now}
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Show the credential report, with findings",
		Long: `Credentials has IAM generate the account's credential report, waits until it
is ready, and prints it with findings: active access keys unused or never
used for --stale-days, active access keys older than --rotation-days,
console passwords without MFA or unused for --stale-days, and a root user
with an active access key or without MFA.

IAM makes a new report at most every four hours and otherwise returns the
latest one, so a change can take that long to show. --format csv prints the
report exactly as IAM returns it, with the findings on standard error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd.Context()) },
	}
	c.account.addFlags(cmd.Flags(), true)
	fs := cmd.Flags()
	fs.StringVar(&c.format, "format", reportFormatTable, "output format: table, csv or json")
	fs.IntVar(&c.staleDays, "stale-days", report.DefaultDays, "days after which an unused access key or password is a finding")
	fs.IntVar(&c.rotationDays, "rotation-days", report.DefaultDays, "days after which an active access key that was not rotated is a finding")
	fs.StringVar(&c.asOf, "as-of", "", "judge the findings at this date or time (RFC 3339, such as 2025-07-01) instead of now")
	fs.DurationVar(&c.timeout, "timeout", awsprovider.DefaultReportTimeout, "how long to wait for IAM to generate the report")
	return cmd
}

// credentialReportView is the JSON shape of report credentials.
type credentialReportView struct {
	Version       string                   `json:"version"`
	Type          string                   `json:"type"`
	Account       string                   `json:"account"`
	GeneratedTime time.Time                `json:"generated_time"`
	JudgedAt      time.Time                `json:"judged_at"`
	Entries       []report.CredentialEntry `json:"entries"`
	Findings      []report.Finding         `json:"findings"`
}

// Run fetches, judges and prints the report.
func (c *credentialsReportCommand) Run(ctx context.Context) error {
	judgedAt, err := c.judgingTime()
	if err != nil {
		return err
	}
	if !slices.Contains(reportFormats, c.format) {
		return fmt.Errorf("invalid --format %q: use %s", c.format, strings.Join(reportFormats, ", "))
	}
	if c.staleDays < 1 || c.rotationDays < 1 {
		return fmt.Errorf("invalid --stale-days or --rotation-days: both are whole days, at least 1")
	}

	// Fetch and judge the report.
	conn, account, err := openReport(ctx, &c.account, c.std, c.global)
	if err != nil {
		return err
	}
	defer conn.Close()
	fetched, err := conn.provider.CredentialReport(ctx, awsprovider.ReportOptions{Timeout: c.timeout})
	if err != nil {
		return fmt.Errorf("get credential report: %w", err)
	}
	entries, err := report.ParseCredentialReport(bytes.NewReader(fetched.Content))
	if err != nil {
		return err
	}
	findings := report.Findings(entries, report.FindingOptions{Now: judgedAt, StaleDays: c.staleDays, RotationDays: c.rotationDays})

	// Print it.
	view := credentialReportView{
		Version: jsonFormatVersion, Type: "credential_report", Account: account, GeneratedTime: fetched.GeneratedTime,
		JudgedAt: judgedAt, Entries: entries, Findings: findings,
	}
	switch c.format {
	case reportFormatCSV:
		if _, err := c.std.out.Write(fetched.Content); err != nil {
			return err
		}
		return writeFindings(c.std.errOut, findings)
	case reportFormatJSON:
		if view.Findings == nil {
			view.Findings = []report.Finding{}
		}
		return writeJSON(c.std.out, view)
	}
	return writeCredentialTable(c.std.out, view)
}

// judgingTime returns --as-of, or the clock's time.
func (c *credentialsReportCommand) judgingTime() (time.Time, error) {
	if c.asOf == "" {
		return c.now().UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, c.asOf); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, c.asOf)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid --as-of %q: write a date such as 2025-07-01 or a time such as 2025-07-01T12:00:00Z", c.asOf)
	}
	return t.UTC(), nil
}

// openReport connects for a report command and refuses an account that
// the restrictions leave out, as plan does. It returns the account id.
func openReport(ctx context.Context, flags *accountFlags, std *streams, global *globalOptions) (*connection, string, error) {
	conn, id, err := flags.open(ctx, std, global)
	if err != nil {
		return nil, "", err
	}
	if err := flags.conn.reach.checkAccount(id); err != nil {
		conn.Close()
		return nil, "", err
	}
	return conn, id.Account, nil
}

func writeCredentialTable(w io.Writer, view credentialReportView) error {
	fmt.Fprintf(w, "Credential report of account %s, generated %s\n\n", view.Account, view.GeneratedTime.Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tPASSWORD\tPASSWORD LAST USED\tMFA\tACCESS KEY 1\tACCESS KEY 2")
	for _, e := range view.Entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.User, passwordCell(e), passwordUseCell(e), yesNo(e.MFAActive),
			keyCell(e.AccessKeys, 1), keyCell(e.AccessKeys, 2))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return writeFindings(w, view.Findings)
}

// writeFindings prints the findings as a table, or a line stating that
// there are none.
func writeFindings(w io.Writer, findings []report.Finding) error {
	if len(findings) == 0 {
		_, err := fmt.Fprintln(w, "No findings.")
		return err
	}
	fmt.Fprintf(w, "Findings (%d):\n", len(findings))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range findings {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.User, f.Kind, f.Message)
	}
	return tw.Flush()
}

func passwordCell(e report.CredentialEntry) string {
	if e.Root {
		return "-"
	}
	return yesNo(e.PasswordEnabled)
}

func passwordUseCell(e report.CredentialEntry) string {
	switch {
	case !e.Root && !e.PasswordEnabled:
		return "-"
	case e.PasswordLastUsed == nil:
		return "never"
	}
	return e.PasswordLastUsed.Format(reportDateFormat)
}

// keyCell describes the access key in a slot: "-" for none, "inactive", or
// "active, used 2025-01-31" or "active, never used".
func keyCell(keys []report.AccessKeyEntry, slot int) string {
	for _, k := range keys {
		if k.Slot != slot {
			continue
		}
		switch {
		case !k.Active:
			return "inactive"
		case k.LastUsed == nil:
			return "active, never used"
		}
		return "active, used " + k.LastUsed.Format(reportDateFormat)
	}
	return "-"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
