package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/provider/sandbox"
)

func newSandboxCommand(std *streams, global *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local IAM sandbox server",
		Long: `The sandbox is an HTTP server that speaks the IAM and STS Query APIs with
IAM's behaviour, on loopback, keeping its account in a JSON file. iamsync's
tests and quick start run against it, and the AWS CLI or any SDK can be
pointed at it.`,
	}
	cmd.AddCommand(newSandboxServeCommand(std))
	return cmd
}

// sandboxServeCommand runs the sandbox until interrupted.
type sandboxServeCommand struct {
	std     *streams
	options sandbox.Options
	addr    string
}

func newSandboxServeCommand(std *streams) *cobra.Command {
	c := &sandboxServeCommand{std: std}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve an IAM sandbox until interrupted",
		Long: `Serve starts the IAM sandbox, prints its endpoint and the access key pair it
accepts, and serves until interrupted (Ctrl-C). Point a client at it with
AWS_ENDPOINT_URL and those credentials. The state file is written after every
change, or with --save-interval at most that long after a change and when the
sandbox stops; a state file that does not exist yet is an empty account, and a
GetAccountAuthorizationDetails dump loads as it is.

The fault flags make the sandbox fail as IAM does under load, to test how a
client copes: --throttle-rate 0.3 --error-rate 0.05 --drop-rate 0.01
--latency 20ms --consistency-delay 2s --fault-seed 7.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd) },
	}
	defaults := sandbox.DefaultOptions()
	cmd.Flags().StringVar(&c.options.StatePath, "state", "", "the account's state file (JSON); empty keeps the account in memory")
	cmd.Flags().DurationVar(&c.options.SaveInterval, "save-interval", 0, "let changes wait up to this long, such as 1s, so that a burst of them writes the state file once; 0 writes it after every change")
	cmd.Flags().StringVar(&c.addr, "addr", "127.0.0.1:4599", "address to listen on; keep it on loopback unless you mean to share the sandbox")
	cmd.Flags().StringVar(&c.options.CataloguePath, "catalogue", "", "AWS-managed policy catalogue (JSON); with it, unknown AWS-managed ARNs are NoSuchEntity")
	cmd.Flags().StringVar(&c.options.AccountID, "account-id", defaults.AccountID, "the sandbox's account id")
	cmd.Flags().StringVar(&c.options.AccessKeyID, "access-key-id", defaults.AccessKeyID, "access key id the sandbox accepts for its root identity")
	cmd.Flags().StringVar(&c.options.SecretAccessKey, "secret-access-key", defaults.SecretAccessKey, "secret access key for --access-key-id")
	addFaultFlags(cmd, &c.options.Faults)
	return cmd
}

// Run serves the sandbox until the command's context ends.
func (c *sandboxServeCommand) Run(cmd *cobra.Command) error {
	if c.options.SaveInterval < 0 {
		return fmt.Errorf("invalid --save-interval %s: give 0, or a duration such as 1s", c.options.SaveInterval)
	}
	c.options.Logger = slog.Default()
	srv, err := sandbox.New(c.options)
	if errors.Is(err, sandbox.ErrStateInUse) {
		return &hintError{err: err, hint: "stop the other sandbox, or choose another file with --state"}
	}
	if err != nil {
		return err
	}
	defer srv.Close()
	endpoint, err := srv.Start(c.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return &hintError{err: err, hint: "choose another port with --addr, such as --addr 127.0.0.1:4600, or --addr 127.0.0.1:0 for any free port"}
	}
	if err != nil {
		return err
	}

	// The sandbox's own key pair is printed because the user asked to run
	// it; it grants access to nothing but this sandbox. AWS CLI v1 reads
	// the region from AWS_DEFAULT_REGION only, and the SDKs from AWS_REGION.
	keyID, secret := srv.Credentials()
	fmt.Fprintf(c.std.out, "IAM sandbox listening on %s\n\n", endpoint)
	fmt.Fprintf(c.std.out, "  export AWS_ENDPOINT_URL=%s\n", endpoint)
	fmt.Fprintf(c.std.out, "  export AWS_ACCESS_KEY_ID=%s\n", keyID)
	fmt.Fprintf(c.std.out, "  export AWS_SECRET_ACCESS_KEY=%s\n", secret)
	fmt.Fprintf(c.std.out, "  export AWS_REGION=%s\n", sandboxRegion)
	fmt.Fprintf(c.std.out, "  export AWS_DEFAULT_REGION=%s\n\n", sandboxRegion)
	if faults := c.options.Faults.String(); faults != "none" {
		fmt.Fprintf(c.std.out, "Injecting faults: %s.\n", faults)
	}
	if !isLoopback(c.addr) {
		fmt.Fprintf(c.std.errOut, "Warning: the sandbox listens on %s, which other machines may reach. Anyone who reaches it "+
			"can read and change its account with the key pair above; keep it on 127.0.0.1 unless you mean to share it.\n", c.addr)
		if keyID == sandbox.DefaultOptions().AccessKeyID {
			fmt.Fprintln(c.std.errOut, "Warning: that key pair is the example pair of the AWS documentation, which anyone can guess: "+
				"set --access-key-id and --secret-access-key.")
		}
	}
	if cmd.Flags().Changed("account-id") && srv.AccountID() != c.options.AccountID {
		fmt.Fprintf(c.std.errOut, "Warning: --account-id %s is ignored: the state file %s already holds account %s.\n",
			c.options.AccountID, c.options.StatePath, srv.AccountID())
	}
	fmt.Fprintln(c.std.out, "Press Ctrl-C to stop.")

	<-cmd.Context().Done()
	fmt.Fprintln(c.std.out, "Stopping the sandbox.")
	return nil
}

// isLoopback reports whether a listen address, host:port, accepts
// connections from this machine only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sandboxRegion is the region that the banner exports for clients to sign
// with. The sandbox accepts any region.
const sandboxRegion = "us-east-1"

// hintError is a failure with advice on what to do about it.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + "; " + e.hint }
func (e *hintError) Unwrap() error { return e.err }

// addFaultFlags adds the flags that set the sandbox's injected faults.
func addFaultFlags(cmd *cobra.Command, f *sandbox.Faults) {
	flags := cmd.Flags()
	flags.Float64Var(&f.ThrottleRate, "throttle-rate", 0, "fraction of requests, 0 to 1, answered with IAM's Throttling error (HTTP 400, Rate exceeded)")
	flags.Float64Var(&f.ErrorRate, "error-rate", 0, "fraction of requests that receive ServiceFailure (HTTP 500) or ServiceUnavailable (HTTP 503)")
	flags.Float64Var(&f.DropRate, "drop-rate", 0, "fraction of requests whose connection is closed without a response, half before and half after the change is made")
	flags.DurationVar(&f.Latency, "latency", 0, "delay added to every request that faults apply to, such as 20ms")
	flags.DurationVar(&f.ConsistencyDelay, "consistency-delay", 0, "how long a new user, group, role, policy or instance profile stays invisible to the calls that use it, such as 2s")
	flags.Uint64Var(&f.Seed, "fault-seed", 0, "seed of the random source that picks the failing requests")
	flags.StringSliceVar(&f.Actions, "fault-actions", nil, "comma-separated API actions that faults apply to, such as CreateUser,AddUserToGroup (default: every action)")
}
