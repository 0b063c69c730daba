package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// Read reads what Generate needs of an account. A bulk read finds the
// entities inside the options' scope. A second read adds what only
// per-entity calls return, which is the credentials of those users and the
// tags of those customer-managed policies and instance profiles. The bulk
// part is thus read twice, which costs a few calls per thousand entities.
func Read(ctx context.Context, r provider.Reader, opts Options) (*provider.State, error) {
	scope, err := opts.Scope()
	if err != nil {
		return nil, err
	}
	bulk, err := r.ReadState(ctx, provider.ReadOptions{SkipAccountSettings: opts.SkipAccountSettings})
	if err != nil {
		return nil, fmt.Errorf("read account for import: %w", err)
	}

	g := newGenerator(bulk, opts, scope)
	g.selectEntities()
	extra := provider.ReadOptions{SkipAccountSettings: opts.SkipAccountSettings}
	for _, u := range g.users {
		extra.CredentialsOf = append(extra.CredentialsOf, u.Name)
	}
	for _, p := range g.policies {
		extra.PolicyTagsOf = append(extra.PolicyTagsOf, p.ARN)
	}
	for _, ip := range g.profiles {
		extra.InstanceProfileTagsOf = append(extra.InstanceProfileTagsOf, ip.Name)
	}
	if len(extra.CredentialsOf)+len(extra.PolicyTagsOf)+len(extra.InstanceProfileTagsOf) == 0 {
		return bulk, nil
	}

	state, err := r.ReadState(ctx, extra)
	if err != nil {
		return nil, fmt.Errorf("read credentials and tags for import: %w", err)
	}
	return state, nil
}

// ReadDump reads an account from a file in the format of the AWS CLI's
// "aws iam get-account-authorization-details" output, optionally with the
// IAM sandbox's extra keys (see package sandbox). A file of another shape,
// such as the output of "aws iam list-users", is an error that wraps a
// *sandbox.NotStateFileError. It serves a copy of the
// file from an in-process IAM sandbox on a loopback port and reads it with
// Read through the AWS provider, so that a dump and a live account go
// through the same reader. The file itself is never written.
//
// ReadDump returns the options to generate with: opts, with
// SkipAccountSettings set when the dump holds neither AccountAliases nor
// PasswordPolicy, as plain dumps do not. Otherwise the configuration would
// declare no alias and no password policy, and a plan against the account
// would delete them.
//
// A plain dump has no credentials, role descriptions, maximum session
// durations or tags of policies and instance profiles either, so the
// configuration leaves those out.
func ReadDump(ctx context.Context, path string, opts Options) (*provider.State, Options, error) {
	// The sandbox writes its state file after every change. Import changes
	// nothing, but a private copy keeps the dump safe all the same.
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, opts, fmt.Errorf("read dump: %w", err)
	}
	if err := sandbox.CheckStateFile(data); err != nil {
		return nil, opts, fmt.Errorf("read dump %s: %w", path, err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return nil, opts, fmt.Errorf("read dump %s: %w", path, err)
	}
	if _, ok := keys["AccountAliases"]; !ok {
		if _, ok := keys["PasswordPolicy"]; !ok {
			opts.SkipAccountSettings = true
		}
	}
	dir, err := os.MkdirTemp("", "iamsync-import-")
	if err != nil {
		return nil, opts, fmt.Errorf("read dump %s: %w", path, err)
	}
	defer os.RemoveAll(dir)
	statePath := filepath.Join(dir, "state.json")
	if err := os.WriteFile(statePath, data, 0o600); err != nil {
		return nil, opts, fmt.Errorf("read dump %s: %w", path, err)
	}

	// Serve the copy and read it as an account.
	srv, err := sandbox.New(sandbox.Options{StatePath: statePath})
	if err != nil {
		return nil, opts, &dumpError{path: path, copyPath: statePath, err: err}
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, opts, fmt.Errorf("serve dump %s: %w", path, err)
	}
	defer srv.Close()

	accessKeyID, secretAccessKey := srv.Credentials()
	p, err := awsprovider.New(ctx, awsprovider.Options{
		Region:          awsprovider.DefaultRegion,
		EndpointURL:     endpoint,
		AccessKeyID:     accessKeyID,
		SecretAccessKey: secretAccessKey,
	})
	if err != nil {
		return nil, opts, fmt.Errorf("read dump %s: %w", path, err)
	}
	state, err := Read(ctx, p, opts)
	if err != nil {
		return nil, opts, fmt.Errorf("read dump %s: %w", path, err)
	}
	return state, opts, nil
}

// dumpError is the error of a dump that the sandbox could not load. Its
// message names the dump rather than the private copy the sandbox read.
type dumpError struct {
	path, copyPath string
	err            error
}

func (e *dumpError) Error() string {
	cause := e.err.Error()
	if _, after, ok := strings.Cut(cause, e.copyPath+": "); ok {
		cause = after
	}
	return fmt.Sprintf("load dump %s: not a valid account dump: %s", e.path, strings.ReplaceAll(cause, e.copyPath, e.path))
}

func (e *dumpError) Unwrap() error { return e.err }
