package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/spf13/pflag"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// sdkMaxBackoff, when not zero, replaces the AWS SDK's maximum delay
// between the retries of one call. Tests shorten it, so that the
// throttling that the sandbox injects costs milliseconds instead of
// seconds.
var sdkMaxBackoff time.Duration

// connectionOptions choose the account a command acts on: a real one through
// the SDK's standard configuration, or an IAM sandbox started in-process.
type connectionOptions struct {
	sandboxState     string
	sandboxCatalogue string
	endpointURL      string
	profile          string
	region           string

	// reach chooses the identity and the allowed accounts.
	reach reachOptions

	// maxRPS caps the API calls per second of the whole command, reads
	// included; zero means no cap. Apply sets it from --max-rps.
	maxRPS float64

	// notices receives the lines of a read that takes long, such as
	// "Still reading account ..."; nil prints none.
	notices io.Writer
}

// addFlags adds the flags that reach an account as some identity.
func (o *connectionOptions) addFlags(fs *pflag.FlagSet) {
	o.addBaseFlags(fs)
	o.reach.addFlags(fs)
}

// addBaseFlags adds the flags that choose the account and the SDK's
// configuration, without the assume-role chain and account restrictions.
func (o *connectionOptions) addBaseFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.sandboxState, "sandbox", "", "start an IAM sandbox in-process with this state file and act on it instead of AWS; the file is written within a second of a change and when the command ends")
	fs.StringVar(&o.sandboxCatalogue, "sandbox-catalogue", "", "AWS-managed policy catalogue for the in-process sandbox (JSON); without it any well-formed AWS-managed ARN is accepted")
	fs.StringVar(&o.endpointURL, "endpoint-url", "", "send IAM and STS requests to this URL (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_IAM work too)")
	fs.StringVar(&o.profile, "profile", "", "AWS shared configuration profile (default: AWS_PROFILE or the default profile)")
	fs.StringVar(&o.region, "region", "", "AWS region for the STS endpoint (IAM itself is global; default: the configured region, or us-east-1)")
}

// minMaxRPS is the lowest request rate that --max-rps accepts: one call in
// 100 seconds. Below it, a command would take hours over a handful of calls,
// and the interval between calls no longer fits a time.Duration.
const minMaxRPS = 0.01

// setMaxRPS checks the value of --max-rps and caps the command's requests
// at it.
func (o *connectionOptions) setMaxRPS(perSecond float64) error {
	if math.IsNaN(perSecond) || perSecond < 0 || (perSecond > 0 && perSecond < minMaxRPS) {
		return fmt.Errorf("invalid --max-rps %v: give 0 for no limit, or a rate of at least %v calls a second", perSecond, minMaxRPS)
	}
	o.maxRPS = perSecond
	return nil
}

// connection is an open link to an account.
type connection struct {
	provider *awsprovider.Provider
	sandbox  *sandbox.Server
	notices  io.Writer
}

// Close stops the in-process sandbox, if there is one. Closing a nil
// connection does nothing.
func (c *connection) Close() error {
	if c != nil && c.sandbox != nil {
		return c.sandbox.Close()
	}
	return nil
}

// connect opens the account the flags name, as the last role of the
// assume-role chain when there is one.
func (o *connectionOptions) connect(ctx context.Context) (*connection, error) {
	if err := o.reach.check(); err != nil {
		return nil, err
	}
	opts := awsprovider.Options{
		Region:       o.region,
		Profile:      o.profile,
		EndpointURL:  o.endpointURL,
		Logger:       slog.Default(),
		MaxBackoff:   sdkMaxBackoff,
		AssumeRole:   o.reach.roleChain(),
		MFATokenCode: o.reach.mfaToken,
		MaxRPS:       o.maxRPS,
	}
	conn := &connection{notices: o.notices}

	// Start the sandbox and point the SDK client at it with its credentials.
	if o.sandboxState != "" {
		// The file is read by the next command, after this one closes the
		// sandbox, so a burst of changes can share one write.
		srv, err := sandbox.New(sandbox.Options{
			StatePath: o.sandboxState, CataloguePath: o.sandboxCatalogue, Logger: slog.Default(),
			SaveInterval: inProcessSaveInterval,
		})
		if errors.Is(err, sandbox.ErrStateInUse) {
			return nil, &hintError{err: err, hint: "wait for the command that locked it to finish, or, if iamsync sandbox serve " +
				"locked it, connect to that sandbox with --endpoint-url and the key pair it printed"}
		}
		if err != nil {
			return nil, err
		}
		endpoint, err := srv.Start("127.0.0.1:0")
		if err != nil {
			srv.Close()
			return nil, err
		}
		conn.sandbox = srv
		opts.EndpointURL = endpoint
		opts.AccessKeyID, opts.SecretAccessKey = srv.Credentials()
		if opts.Region == "" {
			opts.Region = "us-east-1"
		}
	}

	p, err := awsprovider.New(ctx, opts)
	if err != nil {
		conn.Close()
		return nil, err
	}
	conn.provider = p
	return conn, nil
}

// connectionFlagNames are the flags that choose the account and the
// identity, in the order that a suggested command repeats them. --mfa-code
// is left out, because a code is valid only for a short time and a later
// command prompts for a fresh one.
var connectionFlagNames = []string{
	"sandbox", "sandbox-catalogue", "endpoint-url", "profile", "region",
	"assume-role", "external-id", "session-name", "mfa-serial",
	"allowed-account-id", "forbidden-account-id",
}

// suggestCommand returns an iamsync command line for the next step, with
// the connection flags given to the current command repeated before args.
// Without them the suggested command would reach the account of the SDK's
// standard configuration, not a sandbox or the profile that was used.
func suggestCommand(fs *pflag.FlagSet, command string, args ...string) string {
	words := []string{"iamsync", command}
	for _, name := range connectionFlagNames {
		flag := fs.Lookup(name)
		if flag == nil || !flag.Changed {
			continue
		}
		values := []string{flag.Value.String()}
		if list, ok := flag.Value.(pflag.SliceValue); ok {
			values = list.GetSlice()
		}
		for _, v := range values {
			words = append(words, "--"+name, shellWord(v))
		}
	}
	for _, arg := range args {
		words = append(words, shellWord(arg))
	}
	return strings.Join(words, " ")
}

// shellWord returns s as one word of a POSIX shell command line: as it is
// when the shell would not change it, quoted otherwise.
func shellWord(s string) string {
	if s != "" && !strings.ContainsFunc(s, needsShellQuote) {
		return s
	}
	return shellQuote(s)
}

func needsShellQuote(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("-_./:,=@%+", r)
}

// inProcessSaveInterval is how long the changes to an in-process sandbox may
// wait before its state file is written. Writing encodes the whole account,
// so an apply of thousands of changes would otherwise spend most of its
// time there.
const inProcessSaveInterval = time.Second
