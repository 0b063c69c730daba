package main

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/spec"
)

// reachOptions choose the identity a command acts as and the accounts it
// may act on: an assume-role chain, MFA, and account restrictions. Flags
// win over the configuration's provider block.
type reachOptions struct {
	assumeRoles []string
	externalID  string
	sessionName string
	mfaSerial   string
	mfaCode     string

	allowedAccounts   []string
	forbiddenAccounts []string

	// provider is the configuration's provider block, nil when there is
	// none or no configuration was read.
	provider *spec.Provider
	// std holds the streams that an MFA code is read from. Nil means that
	// there is no terminal.
	std *streams
}

func (r *reachOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&r.assumeRoles, "assume-role", nil, "assume this role ARN, with the credentials of the role before it when repeated; replaces the provider block's assume_role chain")
	fs.StringVar(&r.externalID, "external-id", "", "external id to pass when assuming each role of the chain")
	fs.StringVar(&r.sessionName, "session-name", "", "session name for each role of the chain (default: iamsync)")
	fs.StringVar(&r.mfaSerial, "mfa-serial", "", "MFA device (ARN or serial number) to use for the first role of the chain")
	r.addMFACodeFlag(fs)
	r.addAccountFlags(fs)
}

func (r *reachOptions) addMFACodeFlag(fs *pflag.FlagSet) {
	fs.StringVar(&r.mfaCode, "mfa-code", "", "six-digit MFA code; without it iamsync asks on the terminal when a role needs one")
}

func (r *reachOptions) addAccountFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&r.allowedAccounts, "allowed-account-id", nil, "refuse to act on any account but this one (repeatable; replaces allowed_account_ids)")
	fs.StringArrayVar(&r.forbiddenAccounts, "forbidden-account-id", nil, "refuse to act on this account (repeatable; replaces forbidden_account_ids)")
}

var (
	twelveDigits = regexp.MustCompile(`^\d{12}$`)
	sixDigits    = regexp.MustCompile(`^\d{6}$`)
)

// check validates the flags before anything connects.
func (r *reachOptions) check() error {
	for _, id := range slices.Concat(r.allowedAccounts, r.forbiddenAccounts) {
		if !twelveDigits.MatchString(id) {
			return fmt.Errorf("invalid account id %q: an account id is 12 digits", id)
		}
	}
	if len(r.allowedAccounts) > 0 && len(r.forbiddenAccounts) > 0 {
		return fmt.Errorf("--allowed-account-id and --forbidden-account-id cannot be used together: keep one")
	}
	if r.mfaCode != "" && !sixDigits.MatchString(r.mfaCode) {
		return fmt.Errorf("invalid --mfa-code: an MFA code is six digits")
	}
	for _, arn := range r.assumeRoles {
		if !spec.IsRoleARN(arn) {
			return fmt.Errorf("invalid --assume-role %q: a role ARN has the form arn:aws:iam::123456789012:role/NAME", arn)
		}
	}
	return checkSTSFlags(map[string]stsFlag{
		"--session-name": {r.sessionName, spec.CheckSessionName},
		"--external-id":  {r.externalID, spec.CheckExternalID},
		"--mfa-serial":   {r.mfaSerial, spec.CheckMFASerial},
	})
}

// stsFlag is a flag's value and the check of its form.
type stsFlag struct {
	value string
	check func(string) error
}

// checkSTSFlags checks the flags that were given, in name order.
func checkSTSFlags(flags map[string]stsFlag) error {
	for _, name := range slices.Sorted(maps.Keys(flags)) {
		f := flags[name]
		if f.value == "" {
			continue
		}
		if err := f.check(f.value); err != nil {
			return fmt.Errorf("invalid %s: %w", name, err)
		}
	}
	return nil
}

// roleChain returns the roles to assume: those of --assume-role, or else
// the provider block's chain, with --external-id and --session-name set on
// every link and --mfa-serial on the first.
func (r *reachOptions) roleChain() []awsprovider.RoleLink {
	var chain []awsprovider.RoleLink
	if len(r.assumeRoles) > 0 {
		for _, arn := range r.assumeRoles {
			chain = append(chain, awsprovider.RoleLink{RoleARN: arn})
		}
	} else if r.provider != nil {
		for _, role := range r.provider.AssumeRole {
			chain = append(chain, awsprovider.RoleLink{
				RoleARN: role.RoleARN, SessionName: role.SessionName, ExternalID: role.ExternalID,
				Duration: role.Duration, Policy: role.Policy, PolicyARNs: role.PolicyARNs,
				SessionTags: role.SessionTags, TransitiveTagKeys: role.TransitiveTagKeys, MFASerial: role.MFASerial,
			})
		}
	}
	for i := range chain {
		if r.externalID != "" {
			chain[i].ExternalID = r.externalID
		}
		if r.sessionName != "" {
			chain[i].SessionName = r.sessionName
		}
	}
	if r.mfaSerial != "" && len(chain) > 0 {
		chain[0].MFASerial = r.mfaSerial
	}
	return chain
}

// mfaToken returns MFA codes: the --mfa-code value, or else a code asked
// for on the terminal. The code is read from standard input and never
// echoed back or logged.
func (r *reachOptions) mfaToken(serial string) (string, error) {
	if r.mfaCode != "" {
		return r.mfaCode, nil
	}
	if r.std == nil || !isTerminal(r.std.in) {
		return "", fmt.Errorf("MFA device %s needs a code: pass --mfa-code, or run iamsync in a terminal to be asked for it", serial)
	}
	fmt.Fprintf(r.std.errOut, "MFA code for %s: ", serial)
	line, err := bufio.NewReader(r.std.in).ReadString('\n')
	code := strings.TrimSpace(line)
	if err != nil && code == "" {
		return "", fmt.Errorf("read the MFA code: %w", err)
	}
	if !sixDigits.MatchString(code) {
		return "", fmt.Errorf("invalid MFA code: an MFA code is six digits")
	}
	return code, nil
}

// accountRefusedError is an account that the restrictions leave out.
type accountRefusedError struct {
	account, arn string
	allowed      []string
	forbidden    bool
}

func (e *accountRefusedError) Error() string {
	if e.forbidden {
		return fmt.Sprintf("refusing to act on account %s (as %s): it is listed as forbidden", e.account, e.arn)
	}
	return fmt.Sprintf("refusing to act on account %s (as %s): the allowed accounts are %s; check the profile or role that was used",
		e.account, e.arn, strings.Join(e.allowed, ", "))
}

// checkAccount returns an *accountRefusedError when the caller's account
// is not allowed, by the flags or else by the provider block.
func (r *reachOptions) checkAccount(id provider.Identity) error {
	allowed, forbidden := r.restrictions()
	switch {
	case len(allowed) > 0 && !slices.Contains(allowed, id.Account):
		return &accountRefusedError{account: id.Account, arn: id.ARN, allowed: allowed}
	case slices.Contains(forbidden, id.Account):
		return &accountRefusedError{account: id.Account, arn: id.ARN, forbidden: true}
	}
	return nil
}

// restrictions returns the allowed and forbidden accounts: the flags', or
// else the provider block's.
func (r *reachOptions) restrictions() (allowed, forbidden []string) {
	allowed, forbidden = r.allowedAccounts, r.forbiddenAccounts
	if len(allowed) == 0 && len(forbidden) == 0 && r.provider != nil {
		allowed, forbidden = r.provider.AllowedAccountIDs, r.provider.ForbiddenAccountIDs
	}
	return allowed, forbidden
}

// soleAllowedAccount returns the one account that the restrictions allow,
// or "" when they allow more or any.
func (r *reachOptions) soleAllowedAccount() string {
	if allowed, _ := r.restrictions(); len(allowed) == 1 {
		return allowed[0]
	}
	return ""
}

// useProvider reads the provider block of the configuration in dir into
// the connection options: profile and region unless flags set them, the
// role chain and the account restrictions. The returned Config carries the
// parsed files for diagnostic snippets.
func (o *connectionOptions) useProvider(dir string, config *configOptions) (*spec.Config, hcl.Diagnostics) {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		// load reports the missing directory, with the configuration.
		return nil, nil
	}
	variables, diags := config.variables()
	if diags.HasErrors() {
		return nil, diags
	}
	cfg, diags := spec.LoadProvider(dir, config.loadOptions(variables))
	if diags.HasErrors() || cfg.Provider == nil {
		return cfg, diags
	}
	o.applyProvider(cfg.Provider)
	return cfg, diags
}

// applyProvider takes the settings of a provider block that the flags do
// not set.
func (o *connectionOptions) applyProvider(p *spec.Provider) {
	o.reach.provider = p
	if o.profile == "" {
		o.profile = p.Profile
	}
	if o.region == "" {
		o.region = p.Region
	}
}

// accountFlags are the flags of the commands that act on an account
// without planning a configuration (whoami, creds, report): the connection
// flags and --config, whose provider block they use.
type accountFlags struct {
	conn      connectionOptions
	config    configOptions
	configDir string
}

// addFlags adds the connection flags, with the assume-role chain and the
// account restrictions when withReach is set.
func (a *accountFlags) addFlags(fs *pflag.FlagSet, withReach bool) {
	if withReach {
		a.conn.addFlags(fs)
	} else {
		a.conn.addBaseFlags(fs)
	}
	fs.StringVar(&a.configDir, "config", "", "read the provider block of the configuration in this directory")
	fs.StringArrayVar(&a.config.vars, "var", nil, "set a variable that the provider block uses: NAME=VALUE (repeatable; with --config)")
	fs.StringArrayVar(&a.config.varFiles, "var-file", nil, "read variables from an HCL or JSON file (repeatable; with --config)")
}

// open connects to the account and reads the caller's identity. Errors in
// the provider block are printed as diagnostics and end the command.
func (a *accountFlags) open(ctx context.Context, std *streams, global *globalOptions) (*connection, provider.Identity, error) {
	a.conn.reach.std = std
	if a.configDir != "" {
		if info, err := os.Stat(a.configDir); err != nil || !info.IsDir() {
			return nil, provider.Identity{}, fmt.Errorf("invalid --config %q: it is not a directory", a.configDir)
		}
		cfg, diags := a.conn.useProvider(a.configDir, &a.config)
		var files map[string]*hcl.File
		if cfg != nil && cfg.Parser != nil {
			files = cfg.Parser.Files()
		}
		if diags.HasErrors() {
			writeDiagnostics(std.errOut, diags, files, useColor(std.errOut, global))
			return nil, provider.Identity{}, errReported
		}
	}

	conn, err := a.conn.connect(ctx)
	if err != nil {
		return nil, provider.Identity{}, err
	}
	id, err := conn.provider.CallerIdentity(ctx)
	if err != nil {
		conn.Close()
		return nil, provider.Identity{}, fmt.Errorf("read caller identity: %w", err)
	}
	return conn, id, nil
}
