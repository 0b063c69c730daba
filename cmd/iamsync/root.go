package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
)

// Exit codes. Plan's --detailed-exitcode adds exitChanges.
const (
	exitOK          = 0
	exitError       = 1
	exitChanges     = 2
	exitUnformatted = 3
)

// exitCodeError ends a command with a given exit code. Its message, if any,
// has already been printed when silent is set.
type exitCodeError struct {
	code   int
	err    error
	silent bool
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

func (e *exitCodeError) Unwrap() error { return e.err }

// errReported ends a command with exit code 1 after it printed its own
// diagnostics.
var errReported = &exitCodeError{code: exitError, silent: true}

// streams are the standard streams of one run, injected so that tests can
// capture them.
type streams struct {
	in     io.Reader
	out    io.Writer
	errOut io.Writer
}

// globalOptions are the flags every command takes.
type globalOptions struct {
	noColor  bool
	logLevel string
}

// Run runs iamsync with args (without the program name) and returns the
// process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	std := &streams{in: stdin, out: stdout, errOut: stderr}
	global := &globalOptions{}
	root := newRootCommand(std, global)
	root.SetArgs(normalizeFlags(args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)

	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var coded *exitCodeError
	if errors.As(err, &coded) {
		if !coded.silent && coded.err != nil {
			writeError(stderr, coded.err)
		}
		return coded.code
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// The SDK's error only names the call that the interrupt stopped.
		// Apply has already reported its own calls by now.
		fmt.Fprintf(stderr, "Error: interrupted: %s stopped before it finished.\n", cmd.CommandPath())
		return exitError
	}
	writeError(stderr, err)
	return exitError
}

// writeError prints a command's error, followed by the fix for the errors
// whose fix is known.
func writeError(w io.Writer, err error) {
	fmt.Fprintf(w, "Error: %s\n", flagGroupMessage(err.Error()))
	var missing *awsprovider.NoCredentialsError
	if errors.As(err, &missing) {
		fmt.Fprintln(w, noCredentialsHint)
	}
}

// exclusiveFlagsError matches cobra's error for flags that cannot be used
// together, such as "if any flags in the group [json sarif] are set none
// of the others can be; [json sarif] were all set".
var exclusiveFlagsError = regexp.MustCompile(`^if any flags in the group \[[^\]]*\] are set none of the others can be; \[([^\]]*)\] were all set$`)

// flagGroupMessage rewrites cobra's error for flags that cannot be used
// together as "--json and --sarif cannot be used together"; other messages
// are returned as they are.
func flagGroupMessage(message string) string {
	m := exclusiveFlagsError.FindStringSubmatch(message)
	if m == nil {
		return message
	}
	names := strings.Fields(m[1])
	for i, name := range names {
		names[i] = "--" + name
	}
	if len(names) == 2 {
		return names[0] + " and " + names[1] + " cannot be used together"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " cannot be used together"
}

// noCredentialsHint names the ways to give iamsync credentials.
const noCredentialsHint = `Give AWS credentials with --profile or AWS_PROFILE, with the AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY variables, with an SSO login (aws sso login, then --profile), or
with web identity (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE). To act on a local
IAM sandbox instead of AWS, give --sandbox FILE.`

func newRootCommand(std *streams, global *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "iamsync",
		Short: "Manage the IAM of an AWS account from HCL files",
		Long: `iamsync manages the IAM of an AWS account from HCL files, the way Terraform
manages infrastructure: plan shows what differs between the files and the
live account, apply makes the account match.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return setUpLogging(std.errOut, global.logLevel)
		},
	}
	root.PersistentFlags().BoolVar(&global.noColor, "no-color", false, "never colour the output (NO_COLOR in the environment does the same)")
	root.PersistentFlags().StringVar(&global.logLevel, "log-level", "", "write a debug log to standard error at this level: debug, info, warn or error")

	root.AddCommand(
		newValidateCommand(std, global),
		newFmtCommand(std, global),
		newVersionCommand(std),
		newPlanCommand(std, global),
		newApplyCommand(std, global),
		newShowCommand(std, global),
		newImportCommand(std, global),
		newSandboxCommand(std, global),
		newBenchCommand(std, global),
		newWhoamiCommand(std, global),
		newCredsCommand(std, global),
		newReportCommand(std, global),
	)
	return root
}

// setUpLogging installs the debug log. It is off unless --log-level is set,
// because the log is not the user interface.
func setUpLogging(w io.Writer, level string) error {
	if level == "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
		return nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return &exitCodeError{code: exitError, err: fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", level)}
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})))
	return nil
}

// terraformStyleFlags are long flags that Terraform users write with one
// dash, such as -var or -out.
var terraformStyleFlags = map[string]bool{
	"var": true, "var-file": true, "out": true, "target": true, "check": true,
	"json": true, "auto-approve": true, "parallelism": true, "detailed-exitcode": true,
	"no-color": true, "sandbox": true, "endpoint-url": true, "profile": true, "region": true,
	"max-deletes": true, "diff": true, "recursive": true, "sarif": true, "markdown": true,
	"max-rps": true, "allow-self-lockout": true, "mfa-code": true,
}

// normalizeFlags turns -name and -name=value into --name forms for the
// flags Terraform users write with one dash. Arguments after "--" are left
// alone.
func normalizeFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i, arg := range args {
		if arg == "--" {
			return append(out, args[i:]...)
		}
		if strings.HasPrefix(arg, "-") && !strings.HasPrefix(arg, "--") && len(arg) > 2 {
			name, _, _ := strings.Cut(arg[1:], "=")
			if terraformStyleFlags[name] {
				arg = "-" + arg
			}
		}
		out = append(out, arg)
	}
	return out
}
