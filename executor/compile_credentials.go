package executor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// Access keys. The change's Name is the key id, empty for a key to create.
// A user may hold only two keys, so the user's key deletes come before its
// key creates: the name rule is keyed by the user. The same holds for the
// one login profile a user may have.

// createAccessKey adds CreateAccessKey, which writes the new secret, and
// UpdateAccessKey when the key is declared inactive: IAM creates every key
// active.
func (b *builder) createAccessKey(c *planner.Change) []*node {
	v := b.after(c)
	user, dest, status := b.owner(c).Name, v.str("secret_file"), v.str("status")

	create := b.add(c, "CreateAccessKey", "", []string{user}, nil)
	create.secret = dest
	create.needs = append(create.needs, newFact(factNameFree, c.Type, user))
	create.run = func(ctx context.Context, e *env) ([]*node, error) {
		id, err := e.createAccessKey(ctx, user, dest)
		if err != nil {
			return nil, err
		}
		e.rememberKey(create, id)
		return nil, nil
	}
	nodes := []*node{create}

	if strings.EqualFold(status, "Inactive") {
		deactivate := b.add(c, "UpdateAccessKey", "", []string{user, "(new key)"}, func(ctx context.Context, e *env) ([]*node, error) {
			return nil, e.client.UpdateAccessKey(ctx, user, e.keyOf(create), status)
		})
		deactivate.after(create)
		nodes = append(nodes, deactivate)
	}
	return nodes
}

func (b *builder) updateAccessKey(c *planner.Change) []*node {
	v := b.after(c)
	v.require("status")
	user, id, status := b.owner(c).Name, c.Name, v.str("status")
	return []*node{b.add(c, "UpdateAccessKey", "", []string{user, id}, call(func(ctx context.Context, client Client) error {
		return client.UpdateAccessKey(ctx, user, id, status)
	}))}
}

func (b *builder) deleteAccessKey(c *planner.Change) []*node {
	user, id := b.owner(c).Name, c.Name
	n := b.add(c, "DeleteAccessKey", "", []string{user, id}, call(func(ctx context.Context, client Client) error {
		return client.DeleteAccessKey(ctx, user, id)
	}))
	n.provides = append(n.provides, newFact(factNameFree, c.Type, user))
	return []*node{n}
}

// createAccessKey creates a key and writes its secret to dest. The
// destination is opened first, so that a file that cannot be written stops
// the step before IAM makes a key. When the secret cannot be written after
// all, the key is deleted again: IAM never returns a secret twice, and a
// key whose secret is lost would satisfy the plan forever.
//
// A process killed between the call and the write leaves such a key, with
// an empty secret file. The next plan replaces the key, because an empty
// secret file marks a declared key as not yet created.
func (e *env) createAccessKey(ctx context.Context, user, dest string) (string, error) {
	out, err := e.secrets.open(dest)
	if err != nil {
		return "", err
	}
	unlock := e.keyLocks.lock(user)
	defer unlock()
	key, err := e.newAccessKey(ctx, user)
	if err != nil {
		out.discard()
		return "", err
	}

	err = out.write(accessKeyText(user, key))
	if err == nil {
		err = out.commit()
	}
	if err != nil {
		out.discard()
		return "", e.undo(err, "access key "+key.AccessKeyID, func() error {
			return e.client.DeleteAccessKey(ctx, user, key.AccessKeyID)
		})
	}
	return key.AccessKeyID, nil
}

// undo deletes a credential whose secret could not be written and returns
// the write error with what became of the credential.
func (e *env) undo(writeErr error, what string, del func() error) error {
	if err := del(); err != nil {
		return fmt.Errorf("write secret of new %s: %w; deleting it failed too, so delete it by hand: %v", what, writeErr, err)
	}
	return fmt.Errorf("write secret of new %s, which was deleted again: %w", what, writeErr)
}

// Login profiles.

// createLoginProfile adds CreateLoginProfile with a generated password. It
// comes after any change to the account's password policy, because IAM
// checks the password against the policy in force.
func (b *builder) createLoginProfile(c *planner.Change) []*node {
	v := b.after(c)
	user, dest, reset := b.owner(c).Name, v.str("password_file"), v.boolean("password_reset_required")

	n := b.add(c, "CreateLoginProfile", "", []string{user}, func(ctx context.Context, e *env) ([]*node, error) {
		return nil, e.createLoginProfile(ctx, user, dest, reset)
	})
	n.secret = dest
	n.needs = append(n.needs,
		newFact(factPasswordPolicy, planner.TypePasswordPolicy),
		newFact(factNameFree, planner.TypeLoginProfile, user))
	return []*node{n}
}

// updateLoginProfile turns console access on or off when the enabled
// attribute changes, and otherwise changes whether a new password is
// required.
func (b *builder) updateLoginProfile(c *planner.Change) []*node {
	if c.Attr("enabled") != nil && b.before(c).boolean("enabled") != b.after(c).boolean("enabled") {
		if b.after(c).boolean("enabled") {
			return b.createLoginProfile(c)
		}
		return b.deleteLoginProfile(c)
	}
	if c.Attr("password_reset_required") == nil {
		return nil
	}
	user, reset := b.owner(c).Name, b.after(c).boolean("password_reset_required")
	return []*node{b.add(c, "UpdateLoginProfile", "", []string{user}, call(func(ctx context.Context, client Client) error {
		return client.UpdateLoginProfile(ctx, user, reset)
	}))}
}

func (b *builder) deleteLoginProfile(c *planner.Change) []*node {
	user := b.owner(c).Name
	n := b.add(c, "DeleteLoginProfile", "", []string{user}, call(func(ctx context.Context, client Client) error {
		return client.DeleteLoginProfile(ctx, user)
	}))
	n.provides = append(n.provides, newFact(factNameFree, planner.TypeLoginProfile, user))
	return []*node{n}
}

// createLoginProfile generates a password, writes it to dest and creates the
// login profile. A file gets the password before the call, so that it is
// saved even if the process dies right after. The file is removed when the
// call fails, unless IAM may have set the password: see lostProfileCall.
//
// NOTE: a process killed after the write and before IAM made the profile
// leaves a password that was never set. The next apply plans the profile
// again and stops at the existing file, whose removal lets it finish.
func (e *env) createLoginProfile(ctx context.Context, user, dest string, reset bool) error {
	password, err := generatePassword(e.passwordPolicy)
	if err != nil {
		return err
	}
	out, err := e.secrets.open(dest)
	if err != nil {
		return err
	}
	if err := out.write(passwordText(user, password, out.toStdout())); err != nil {
		out.discard()
		return err
	}
	var uncertain atomic.Bool
	err = e.client.CreateLoginProfile(provider.WithUncertainObserver(ctx, func() { uncertain.Store(true) }), user, password, reset)
	if err != nil && uncertain.Load() {
		err = e.lostProfileCall(ctx, user, dest, err)
		if err == nil || errors.Is(err, errPasswordKept) {
			if commitErr := out.commit(); commitErr != nil {
				return commitErr
			}
			return err
		}
	}
	if err != nil {
		out.discard()
		return err
	}
	if err := out.commit(); err != nil {
		return e.undo(err, "login profile of user "+user, func() error {
			return e.client.DeleteLoginProfile(ctx, user)
		})
	}
	return nil
}

// errPasswordKept marks the failure of a CreateLoginProfile call that may
// have set the password, which is then kept in its file.
var errPasswordKept = errors.New("the password sent is kept in its file, because IAM may have set it")

// lostProfileCall handles err, the failure of a CreateLoginProfile call
// whose outcome is unknown: the SDK may have repeated it after IAM set the
// password, and then failed with EntityAlreadyExists. The plan created the
// profile, so a profile that exists now was made by this call, with the
// password sent, and lostProfileCall returns nil. It returns err when there
// is no profile, and errPasswordKept when the profile cannot be read.
func (e *env) lostProfileCall(ctx context.Context, user, dest string, err error) error {
	e.logger.Debug("login profile call without known outcome", logKeyAction, "CreateLoginProfile",
		logKeyTarget, user, logKeyError, err)
	creds, readErr := e.client.ReadUserCredentials(ctx, user)
	switch {
	case readErr != nil:
		return fmt.Errorf("%w (%s): %w; reading the login profile failed too: %w", errPasswordKept, dest, err, readErr)
	case creds != nil && creds.LoginProfile != nil:
		return nil
	}
	if dest == "-" {
		return fmt.Errorf("%w; the login profile does not exist, so its password is not printed", err)
	}
	return fmt.Errorf("%w; the login profile does not exist, so the password file %s is removed", err, dest)
}

// Credentials of a deleted user, found at apply time.

// discoverCredentials returns the run function of the step that reads a
// user's credentials and returns one step per credential to delete. Run
// puts those steps before DeleteUser.
func discoverCredentials(address, user string) runFunc {
	return func(ctx context.Context, e *env) ([]*node, error) {
		creds, err := e.client.ReadUserCredentials(ctx, user)
		if err != nil {
			return nil, err
		}
		return credentialNodes(address, user, creds), nil
	}
}

// credentialNodes returns the steps that delete the credentials. Each treats
// NoSuchEntity as done, because a credential the plan deletes on its own may
// still be listed for a moment after its delete.
func credentialNodes(address, user string, creds *provider.UserCredentials) []*node {
	var nodes []*node
	add := func(action, suffix string, target []string, fn func(ctx context.Context, client Client) error) *node {
		id := address + "/" + action
		if suffix != "" {
			id += "[" + suffix + "]"
		}
		n := &node{
			step:       Step{ID: id, Address: address, Action: action, Target: target},
			run:        call(fn),
			goneIsDone: true,
		}
		nodes = append(nodes, n)
		return n
	}
	if creds == nil {
		return nil
	}

	if creds.LoginProfile != nil {
		add("DeleteLoginProfile", "", []string{user}, func(ctx context.Context, c Client) error {
			return c.DeleteLoginProfile(ctx, user)
		})
	}
	for _, key := range creds.AccessKeys {
		add("DeleteAccessKey", key.ID, []string{user, key.ID}, func(ctx context.Context, c Client) error {
			return c.DeleteAccessKey(ctx, user, key.ID)
		})
	}
	for _, id := range creds.SSHPublicKeys {
		add("DeleteSSHPublicKey", id, []string{user, id}, func(ctx context.Context, c Client) error {
			return c.DeleteSSHPublicKey(ctx, user, id)
		})
	}
	for _, id := range creds.SigningCertificates {
		add("DeleteSigningCertificate", id, []string{user, id}, func(ctx context.Context, c Client) error {
			return c.DeleteSigningCertificate(ctx, user, id)
		})
	}
	for _, id := range creds.ServiceSpecificCredentials {
		add("DeleteServiceSpecificCredential", id, []string{user, id}, func(ctx context.Context, c Client) error {
			return c.DeleteServiceSpecificCredential(ctx, user, id)
		})
	}

	// A device is deactivated first. A virtual device, whose serial number
	// is an ARN of the form arn:aws:iam::<account>:mfa/<name>, is then
	// deleted, because a leftover one blocks a later user with its name.
	// Hardware and FIDO devices need only the deactivation.
	for _, serial := range creds.MFADevices {
		deactivate := add("DeactivateMFADevice", serial, []string{user, serial}, func(ctx context.Context, c Client) error {
			return c.DeactivateMFADevice(ctx, user, serial)
		})
		if strings.Contains(serial, ":mfa/") {
			del := add("DeleteVirtualMFADevice", serial, []string{serial}, func(ctx context.Context, c Client) error {
				return c.DeleteVirtualMFADevice(ctx, serial)
			})
			del.after(deactivate)
		}
	}
	return nodes
}
