package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/spec"
)

// Keys of the creds commands' debug log. The credentials are logged with
// their String method, which hides the secret and the token.
const (
	logKeyCredentials = "credentials"
	logKeyCaller      = "caller"
)

// Output formats of the creds commands.
const (
	credsFormatEnv               = "env"
	credsFormatJSON              = "json"
	credsFormatCredentialProcess = "credential-process"
)

var credsFormats = []string{credsFormatEnv, credsFormatJSON, credsFormatCredentialProcess}

// credsOptions are the flags every creds command takes.
type credsOptions struct {
	std      *streams
	global   *globalOptions
	account  accountFlags
	format   string
	duration time.Duration
	// call and maxDuration are the STS call of the command and the longest
	// --duration STS accepts for it.
	call        string
	maxDuration time.Duration
	// flags distinguishes a --duration of 0 on the command line from none.
	flags *pflag.FlagSet
}

func (o *credsOptions) addFlags(fs *pflag.FlagSet) {
	o.flags = fs
	o.account.addFlags(fs, false)
	fs.StringVar(&o.format, "format", credsFormatEnv, "output format: env (shell exports), json, or credential-process (for an AWS CLI profile's credential_process)")
	fs.DurationVar(&o.duration, "duration", 0, "how long the credentials last, such as 1h or 90m (default: STS's default for the call)")
}

// check validates the flags that need no connection.
func (o *credsOptions) check() error {
	if !slices.Contains(credsFormats, o.format) {
		return fmt.Errorf("invalid --format %q: use %s", o.format, strings.Join(credsFormats, ", "))
	}
	if o.duration < 0 || o.duration%time.Second != 0 {
		return fmt.Errorf("invalid --duration %s: give a positive duration in whole seconds, such as 1h", o.duration)
	}
	durationSet := o.duration != 0 || (o.flags != nil && o.flags.Changed("duration"))
	if durationSet && (o.duration < minCredsDuration || o.duration > o.maxDuration) {
		return fmt.Errorf("invalid --duration %s: %s accepts from %s to %s", o.duration, o.call, shortDuration(minCredsDuration), shortDuration(o.maxDuration))
	}
	return nil
}

// minCredsDuration is the shortest session STS grants.
const minCredsDuration = 15 * time.Minute

// shortDuration prints d without the zero units that time.Duration's
// String adds, as 15m or 36h.
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

func newCredsCommand(std *streams, global *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "creds",
		Short: "Get temporary credentials from STS",
		Long: `The creds commands ask STS for temporary credentials and print them on
standard output, and only there: as shell exports (--format env, the
default, for eval), as JSON, or in the shape that the AWS CLI's
credential_process setting reads, so that a profile can get them on demand:

  [profile deploy]
  credential_process = iamsync creds assume-role arn:aws:iam::123456789012:role/deploy --format credential-process

The credentials that ask come from the SDK's standard configuration, or
from the provider block of --config.`,
	}
	cmd.AddCommand(newSessionTokenCommand(std, global), newAssumeRoleCommand(std, global), newFederationTokenCommand(std, global))
	return cmd
}

// sessionTokenCommand runs GetSessionToken.
type sessionTokenCommand struct {
	credsOptions
	mfaSerial, mfaCode string
}

func newSessionTokenCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &sessionTokenCommand{credsOptions: credsOptions{std: std, global: global, call: "GetSessionToken", maxDuration: 36 * time.Hour}}
	cmd := &cobra.Command{
		Use:   "session-token",
		Short: "Get credentials that act as the caller, with MFA if asked",
		Long: `Session-token calls STS GetSessionToken: the credentials act as the calling
IAM user (or root user), and carry MFA when --mfa-serial names the user's
device. Sessions last 12 hours by default, from 15 minutes to 36 hours, and
at most an hour for the root user.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd.Context()) },
	}
	c.addFlags(cmd.Flags())
	cmd.Flags().StringVar(&c.mfaSerial, "mfa-serial", "", "MFA device of the calling user (ARN or serial number)")
	cmd.Flags().StringVar(&c.mfaCode, "mfa-code", "", "six-digit code of the MFA device; asked for on the terminal when left out")
	return cmd
}

// Run gets and prints the credentials.
func (c *sessionTokenCommand) Run(ctx context.Context) error {
	if err := c.check(); err != nil {
		return err
	}
	if err := checkMFAFlags(c.mfaSerial, c.mfaCode); err != nil {
		return err
	}
	return c.issue(ctx, func(conn *connection) (*awsprovider.TemporaryCredentials, error) {
		code, err := c.mfaCodeFor(c.mfaSerial, c.mfaCode)
		if err != nil {
			return nil, err
		}
		return conn.provider.GetSessionToken(ctx, awsprovider.SessionTokenInput{Duration: c.duration, MFASerial: c.mfaSerial, MFACode: code})
	})
}

// assumeRoleCommand runs AssumeRole.
type assumeRoleCommand struct {
	credsOptions
	sessionName, externalID string
	mfaSerial, mfaCode      string
	tags                    []string
	transitiveKeys          []string
	policyFile              string
	policyARNs              []string
}

func newAssumeRoleCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &assumeRoleCommand{credsOptions: credsOptions{std: std, global: global, call: "AssumeRole", maxDuration: 12 * time.Hour}}
	cmd := &cobra.Command{
		Use:   "assume-role ROLE_ARN",
		Short: "Get credentials of a role",
		Long: `Assume-role calls STS AssumeRole once with the caller's credentials. The
role's trust policy decides: it may ask for an external id, MFA, or
sts:TagSession to pass session tags. Sessions last an hour by default, from
15 minutes up to the role's maximum session duration, and at most an hour
when the caller is itself a role session.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd.Context(), args[0]) },
	}
	c.addFlags(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&c.sessionName, "session-name", awsprovider.DefaultSessionName, "name of the role session, which its ARN ends with")
	fs.StringVar(&c.externalID, "external-id", "", "external id that the role's trust policy asks for")
	fs.StringVar(&c.mfaSerial, "mfa-serial", "", "MFA device of the calling user (ARN or serial number)")
	fs.StringVar(&c.mfaCode, "mfa-code", "", "six-digit code of the MFA device; asked for on the terminal when left out")
	fs.StringArrayVar(&c.tags, "tag", nil, "session tag KEY=VALUE (repeatable)")
	fs.StringArrayVar(&c.transitiveKeys, "transitive-tag-key", nil, "key of a session tag that passes on to roles assumed with these credentials (repeatable)")
	fs.StringVar(&c.policyFile, "policy", "", "file holding an inline session policy (JSON) that narrows the session's permissions")
	fs.StringArrayVar(&c.policyARNs, "policy-arn", nil, "managed policy that narrows the session's permissions (repeatable)")
	return cmd
}

// Run assumes the role and prints the credentials.
func (c *assumeRoleCommand) Run(ctx context.Context, roleARN string) error {
	if err := c.check(); err != nil {
		return err
	}
	if !spec.IsRoleARN(roleARN) {
		return fmt.Errorf("invalid role ARN %q: a role ARN has the form arn:aws:iam::123456789012:role/NAME", roleARN)
	}
	if err := checkSTSFlags(map[string]stsFlag{
		"--session-name": {c.sessionName, spec.CheckSessionName},
		"--external-id":  {c.externalID, spec.CheckExternalID},
	}); err != nil {
		return err
	}
	if err := checkMFAFlags(c.mfaSerial, c.mfaCode); err != nil {
		return err
	}
	tags, err := parseTags(c.tags)
	if err != nil {
		return err
	}
	policy, err := readPolicyFile(c.policyFile)
	if err != nil {
		return err
	}
	link := awsprovider.RoleLink{
		RoleARN: roleARN, SessionName: c.sessionName, ExternalID: c.externalID, Duration: c.duration,
		Policy: policy, PolicyARNs: c.policyARNs, SessionTags: tags, TransitiveTagKeys: c.transitiveKeys,
		MFASerial: c.mfaSerial,
	}
	return c.issue(ctx, func(conn *connection) (*awsprovider.TemporaryCredentials, error) {
		code, err := c.mfaCodeFor(c.mfaSerial, c.mfaCode)
		if err != nil {
			return nil, err
		}
		return conn.provider.AssumeRole(ctx, link, code)
	})
}

// federationTokenCommand runs GetFederationToken.
type federationTokenCommand struct {
	credsOptions
	tags       []string
	policyFile string
	policyARNs []string
}

func newFederationTokenCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &federationTokenCommand{credsOptions: credsOptions{std: std, global: global, call: "GetFederationToken", maxDuration: 36 * time.Hour}}
	cmd := &cobra.Command{
		Use:   "federation-token NAME",
		Short: "Get credentials of a federated user",
		Long: `Federation-token calls STS GetFederationToken on behalf of the calling IAM
user: the credentials act as the federated user NAME, with the caller's
permissions narrowed by --policy and --policy-arn. Without a session policy
the session has no permissions at all. Sessions last 12 hours by default,
from 15 minutes to 36 hours, and at most an hour for the root user.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd.Context(), args[0]) },
	}
	c.addFlags(cmd.Flags())
	fs := cmd.Flags()
	fs.StringArrayVar(&c.tags, "tag", nil, "session tag KEY=VALUE (repeatable)")
	fs.StringVar(&c.policyFile, "policy", "", "file holding an inline session policy (JSON) for the federated user")
	fs.StringArrayVar(&c.policyARNs, "policy-arn", nil, "managed policy for the federated user (repeatable)")
	return cmd
}

// Run gets and prints the credentials.
func (c *federationTokenCommand) Run(ctx context.Context, name string) error {
	if err := c.check(); err != nil {
		return err
	}
	if err := spec.CheckFederatedName(name); err != nil {
		return fmt.Errorf("invalid NAME: %w", err)
	}
	tags, err := parseTags(c.tags)
	if err != nil {
		return err
	}
	policy, err := readPolicyFile(c.policyFile)
	if err != nil {
		return err
	}
	in := awsprovider.FederationTokenInput{Name: name, Duration: c.duration, Policy: policy, PolicyARNs: c.policyARNs, Tags: tags}
	return c.issue(ctx, func(conn *connection) (*awsprovider.TemporaryCredentials, error) {
		return conn.provider.GetFederationToken(ctx, in)
	})
}

// issue connects, gets credentials with get and prints them.
func (o *credsOptions) issue(ctx context.Context, get func(*connection) (*awsprovider.TemporaryCredentials, error)) error {
	conn, id, err := o.account.open(ctx, o.std, o.global)
	if err != nil {
		return err
	}
	defer conn.Close()
	creds, err := get(conn)
	if err != nil {
		return err
	}
	slog.Debug("issued temporary credentials", logKeyCredentials, creds, logKeyCaller, id.ARN)
	account := accountOf(creds.ARN)
	if account == "" {
		account = id.Account
	}
	if conn.sandbox != nil {
		fmt.Fprintln(o.std.errOut, "Warning: these credentials are those of the sandbox started in-process by --sandbox, "+
			"which stops when this command ends, so nothing will accept them. To use them, start the sandbox with "+
			"iamsync sandbox serve and pass --endpoint-url with the endpoint it prints instead.")
	}
	return writeCredentials(o.std.out, o.format, creds, account)
}

// checkMFAFlags checks the form of --mfa-serial and --mfa-code.
func checkMFAFlags(serial, code string) error {
	if code != "" && !sixDigits.MatchString(code) {
		return fmt.Errorf("invalid --mfa-code: an MFA code is six digits")
	}
	return checkSTSFlags(map[string]stsFlag{"--mfa-serial": {serial, spec.CheckMFASerial}})
}

// mfaCodeFor returns the MFA code for a device: the flag's value, or one
// asked for on the terminal. No device needs no code.
func (o *credsOptions) mfaCodeFor(serial, code string) (string, error) {
	if serial == "" {
		if code != "" {
			return "", fmt.Errorf("--mfa-code needs --mfa-serial, the device the code comes from")
		}
		return "", nil
	}
	asker := reachOptions{mfaCode: code, std: o.std}
	if err := asker.check(); err != nil {
		return "", err
	}
	return asker.mfaToken(serial)
}

// parseTags reads KEY=VALUE session tags.
func parseTags(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	tags := make(map[string]string, len(pairs))
	for _, pair := range pairs {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("invalid --tag %q: write KEY=VALUE", pair)
		}
		tags[k] = v
	}
	return tags, nil
}

// readPolicyFile returns the session policy in path, or "" for no path.
func readPolicyFile(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read session policy: %w", err)
	}
	return string(data), nil
}

// accountOf returns the account field of an ARN, or "".
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// credentialsView is the JSON shape of --format json.
type credentialsView struct {
	Version         string    `json:"version"`
	Type            string    `json:"type"`
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token"`
	Expiration      time.Time `json:"expiration"`
	// ARN is the identity the credentials act as; empty for session
	// tokens, which act as the caller.
	ARN     string `json:"arn,omitempty"`
	Account string `json:"account,omitempty"`
}

// credentialProcessView is the JSON that the AWS CLI and SDKs read from a
// credential_process command.
type credentialProcessView struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
	AccountID       string `json:"AccountId,omitempty"`
}

// writeCredentials prints the credentials in format. This is the one place
// where a secret is printed, because the user asked for exactly that.
func writeCredentials(w io.Writer, format string, creds *awsprovider.TemporaryCredentials, account string) error {
	expiration := creds.Expiration.UTC().Format(time.RFC3339)
	switch format {
	case credsFormatJSON:
		return writeJSON(w, credentialsView{
			Version: jsonFormatVersion, Type: "credentials", AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
			SessionToken: creds.SessionToken, Expiration: creds.Expiration.UTC(), ARN: creds.ARN, Account: account,
		})
	case credsFormatCredentialProcess:
		return writeJSON(w, credentialProcessView{
			Version: 1, AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
			SessionToken: creds.SessionToken, Expiration: expiration, AccountID: account,
		})
	}
	_, err := fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_SESSION_TOKEN=%s\n# The credentials expire at %s.\n",
		shellQuote(creds.AccessKeyID), shellQuote(creds.SecretAccessKey), shellQuote(creds.SessionToken), expiration)
	return err
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
