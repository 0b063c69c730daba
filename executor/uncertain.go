package executor

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/iamsync/iamsync/provider"
)

// A call whose connection broke after the request was sent, or that IAM
// responded to with a server error, may or may not have taken effect. The AWS
// SDK repeats such calls, and the repetition of a call that did take
// effect fails in a way that shows it: a create finds the entity there, a
// delete finds it gone. The rules below turn those failures back into
// success, and handle the two creates whose repetition would make a second
// object instead of failing.

// repeatCodes maps an action to the error code that IAM returns when the
// call is made again after it took effect. Actions left out either
// succeed when repeated (attachments, memberships, tags, inline policies,
// updates) or are handled by their run functions (CreateAccessKey,
// CreatePolicyVersion).
var repeatCodes = map[string]string{
	// Creates find the entity there.
	"CreateUser":            provider.CodeEntityAlreadyExists,
	"CreateGroup":           provider.CodeEntityAlreadyExists,
	"CreateRole":            provider.CodeEntityAlreadyExists,
	"CreatePolicy":          provider.CodeEntityAlreadyExists,
	"CreateInstanceProfile": provider.CodeEntityAlreadyExists,
	"CreateLoginProfile":    provider.CodeEntityAlreadyExists,
	"CreateAccountAlias":    provider.CodeEntityAlreadyExists,

	// A rename no longer finds the old name. An UpdateUser or UpdateGroup
	// that only moves the entity to another path succeeds when repeated.
	"UpdateUser":  provider.CodeNoSuchEntity,
	"UpdateGroup": provider.CodeNoSuchEntity,

	// Deletes, detaches and removals find nothing to remove.
	"DeleteUser":                      provider.CodeNoSuchEntity,
	"DeleteGroup":                     provider.CodeNoSuchEntity,
	"DeleteRole":                      provider.CodeNoSuchEntity,
	"DeletePolicy":                    provider.CodeNoSuchEntity,
	"DeletePolicyVersion":             provider.CodeNoSuchEntity,
	"DeleteInstanceProfile":           provider.CodeNoSuchEntity,
	"DeleteLoginProfile":              provider.CodeNoSuchEntity,
	"DeleteAccessKey":                 provider.CodeNoSuchEntity,
	"DeleteUserPolicy":                provider.CodeNoSuchEntity,
	"DeleteGroupPolicy":               provider.CodeNoSuchEntity,
	"DeleteRolePolicy":                provider.CodeNoSuchEntity,
	"DetachUserPolicy":                provider.CodeNoSuchEntity,
	"DetachGroupPolicy":               provider.CodeNoSuchEntity,
	"DetachRolePolicy":                provider.CodeNoSuchEntity,
	"RemoveUserFromGroup":             provider.CodeNoSuchEntity,
	"RemoveRoleFromInstanceProfile":   provider.CodeNoSuchEntity,
	"DeleteUserPermissionsBoundary":   provider.CodeNoSuchEntity,
	"DeleteRolePermissionsBoundary":   provider.CodeNoSuchEntity,
	"DeleteAccountAlias":              provider.CodeNoSuchEntity,
	"DeleteAccountPasswordPolicy":     provider.CodeNoSuchEntity,
	"DeleteSSHPublicKey":              provider.CodeNoSuchEntity,
	"DeleteSigningCertificate":        provider.CodeNoSuchEntity,
	"DeleteServiceSpecificCredential": provider.CodeNoSuchEntity,
	"DeactivateMFADevice":             provider.CodeNoSuchEntity,
	"DeleteVirtualMFADevice":          provider.CodeNoSuchEntity,

	// An instance profile holds one role. The steps that take a role out
	// of the profile come first, so after an uncertain attempt the role
	// that fills it is taken to be the one added.
	"AddRoleToInstanceProfile": provider.CodeLimitExceeded,
}

// tookEffectEarlier reports whether err is what a repetition of action
// returns once the call has taken effect. Run calls it only after an
// attempt of the step ended without a known outcome.
//
// NOTE: another client that made the same change at the same moment gives
// the same error, and the step then counts as done although this apply did
// not make the change. The account ends as planned either way, and the
// check after apply reports any difference.
func tookEffectEarlier(action string, err error) bool {
	code, ok := repeatCodes[action]
	return ok && provider.ErrorCode(err) == code
}

// maxUncertainCalls bounds how many times a create that is not idempotent
// is called while its calls end without a known outcome.
const maxUncertainCalls = 3

// keyLocks serializes the creation of access keys per user, so that the
// keys listed before one CreateAccessKey call show every key that the call
// did not make.
type keyLocks struct {
	mu    sync.Mutex
	users map[string]*sync.Mutex
}

// lock locks the user's key creation and returns the unlock function.
func (l *keyLocks) lock(user string) func() {
	l.mu.Lock()
	if l.users == nil {
		l.users = make(map[string]*sync.Mutex)
	}
	m := l.users[user]
	if m == nil {
		m = new(sync.Mutex)
		l.users[user] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// newAccessKey calls CreateAccessKey until IAM responds. When a call ends
// without a known outcome, IAM may have made a key whose secret never
// arrived. Such a key is one that was not there before the call: it is
// deleted before the next call, because its secret is lost and it would
// satisfy the configuration forever. The caller holds the user's key lock.
//
// NOTE: IAM's lists are eventually consistent. A key made by a lost call
// that does not show in the list yet survives, and the next plan finds one
// key too many.
func (e *env) newAccessKey(ctx context.Context, user string) (*provider.AccessKeySecret, error) {
	for call := 1; ; call++ {
		before, err := e.client.ListAccessKeys(ctx, user)
		if err != nil {
			return nil, err
		}
		var uncertain atomic.Bool
		key, err := e.client.CreateAccessKey(provider.WithUncertainObserver(ctx, func() { uncertain.Store(true) }), user)
		if err == nil || !uncertain.Load() {
			return key, err
		}
		e.logger.Debug("access key call without known outcome", logKeyAction, "CreateAccessKey",
			logKeyTarget, user, logKeyAttempt, call, logKeyError, err)
		if cleanupErr := e.deleteLostKeys(ctx, user, before); cleanupErr != nil {
			return nil, fmt.Errorf("%w; finding the key it may have made failed too: %w", err, cleanupErr)
		}
		if call == maxUncertainCalls {
			return nil, fmt.Errorf("outcome still unknown after %d calls: %w", call, err)
		}
	}
}

// deleteLostKeys deletes the user's keys that are not in before.
func (e *env) deleteLostKeys(ctx context.Context, user string, before []provider.AccessKey) error {
	after, err := e.client.ListAccessKeys(ctx, user)
	if err != nil {
		return err
	}
	for _, k := range after {
		known := slices.ContainsFunc(before, func(b provider.AccessKey) bool { return b.ID == k.ID })
		if known {
			continue
		}
		err := e.client.DeleteAccessKey(ctx, user, k.ID)
		if err != nil && provider.ErrorCode(err) != provider.CodeNoSuchEntity {
			return err
		}
		e.logger.Debug("deleted access key whose secret was lost", logKeyTarget, user+" "+k.ID)
	}
	return nil
}

// createPolicyVersion makes doc the policy's default version. When a call
// ends without a known outcome, the default version shows whether it took
// effect: it holds doc then. Otherwise the call is made again, at most
// maxUncertainCalls times in all.
//
// NOTE: the document is compared as text, the way IAM stores it. A read
// that lags behind the write makes the next call add a second version with
// the same document, which uses up one of IAM's five versions.
func (e *env) createPolicyVersion(ctx context.Context, arn, doc string) error {
	for call := 1; ; call++ {
		var uncertain atomic.Bool
		_, err := e.client.CreatePolicyVersion(provider.WithUncertainObserver(ctx, func() { uncertain.Store(true) }), arn, doc, true)
		if err == nil || !uncertain.Load() {
			return err
		}
		current, readErr := e.client.ReadDefaultPolicyVersion(ctx, arn)
		if readErr != nil {
			return fmt.Errorf("%w; reading the default version to see whether it took effect failed too: %w", err, readErr)
		}
		tookEffect := current.Document == doc
		e.logger.Debug("policy version call without known outcome", logKeyAction, "CreatePolicyVersion",
			logKeyTarget, arn, logKeyAttempt, call, logKeyTookEffect, tookEffect, logKeyError, err)
		if tookEffect {
			return nil
		}
		if call == maxUncertainCalls {
			return fmt.Errorf("outcome still unknown after %d calls: %w", call, err)
		}
	}
}
