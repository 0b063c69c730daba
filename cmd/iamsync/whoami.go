package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// jsonFormatVersion is the version of the JSON shapes that whoami, creds
// and report print.
const jsonFormatVersion = "1.0"

// whoamiCommand prints the identity that iamsync acts as.
type whoamiCommand struct {
	std     *streams
	global  *globalOptions
	account accountFlags
	json    bool
}

func newWhoamiCommand(std *streams, global *globalOptions) *cobra.Command {
	c := &whoamiCommand{std: std, global: global}
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the account and identity that iamsync acts as",
		Long: `Whoami shows the account, the ARN, the user id and the account alias of the
identity that the credentials resolve to, after any assume-role chain. It
reads them with STS GetCallerIdentity and IAM ListAccountAliases and changes
nothing.

With --config, the provider block of that configuration is used as plan and
apply use it. An account that allowed_account_ids or forbidden_account_ids
leaves out is shown with a warning, since whoami is how to find out which
account the credentials reach.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return c.Run(cmd) },
	}
	c.account.addFlags(cmd.Flags(), true)
	cmd.Flags().BoolVar(&c.json, "json", false, "print the identity as JSON")
	return cmd
}

// identityView is the identity that whoami prints, as text or JSON.
type identityView struct {
	Version string `json:"version"`
	Type    string `json:"type"`
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"user_id"`
	// Alias is empty when the account has none or it cannot be read.
	Alias string `json:"account_alias"`
}

// Run reads and prints the identity.
func (c *whoamiCommand) Run(cmd *cobra.Command) error {
	conn, id, err := c.account.open(cmd.Context(), c.std, c.global)
	if err != nil {
		return err
	}
	defer conn.Close()

	// The alias is an IAM read that the identity may not be allowed to
	// make; the rest is worth printing without it.
	view := identityView{Version: jsonFormatVersion, Type: "identity", Account: id.Account, ARN: id.ARN, UserID: id.UserID}
	aliasUnread := false
	aliases, err := conn.provider.AccountAliases(cmd.Context())
	if err != nil {
		fmt.Fprintf(c.std.errOut, "Warning: the account alias cannot be read: %v\n", err)
		aliasUnread = true
	} else if len(aliases) > 0 {
		view.Alias = aliases[0]
	}
	var refused *accountRefusedError
	if err := c.account.conn.reach.checkAccount(id); errors.As(err, &refused) {
		fmt.Fprintf(c.std.errOut, "Warning: plan and apply would refuse this account: %v\n", err)
	}

	if c.json {
		return writeJSON(c.std.out, view)
	}
	return writeIdentity(c.std.out, view, aliasUnread)
}

// writeIdentity prints the identity as a table. aliasUnread is set when the
// alias could not be read, which differs from an account without one.
func writeIdentity(w io.Writer, view identityView, aliasUnread bool) error {
	alias := view.Alias
	switch {
	case aliasUnread:
		alias = "(unknown)"
	case alias == "":
		alias = "(none)"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Account:\t%s\n", view.Account)
	fmt.Fprintf(tw, "Alias:\t%s\n", alias)
	fmt.Fprintf(tw, "ARN:\t%s\n", view.ARN)
	fmt.Fprintf(tw, "User ID:\t%s\n", view.UserID)
	return tw.Flush()
}

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
