package awsprovider_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamsync/iamsync/provider"
)

// TestUserCredentials gives a user one of each credential, reads them with
// ReadUserCredentials, then deletes them with the Writer. The Writer cannot
// create MFA devices, SSH keys, signing certificates or service-specific
// credentials, so the test makes those with the SDK directly.
func TestUserCredentials(t *testing.T) {
	tg := newTarget(t)
	ctx := t.Context()
	sdk := iam.New(iam.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(tg.accessKeyID, tg.secretAccessKey, *awsSessionToken),
		BaseEndpoint: stringOrNil(tg.endpoint),
	})
	user := tg.name("carol")
	tg.write(t, "CreateUser", func(ctx context.Context) error { return tg.p.CreateUser(ctx, provider.CreateUserInput{Name: user}) })
	tg.undo(t, "user", func(ctx context.Context) error { return tg.p.DeleteUser(ctx, user) })

	// A user without credentials reads as empty, with no login profile.
	creds, err := tg.p.ReadUserCredentials(ctx, user)
	if err != nil {
		t.Fatalf("ReadUserCredentials: %v", err)
	}
	if diff := cmp.Diff(&provider.UserCredentials{}, creds, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("credentials of a new user (-want +got):\n%s", diff)
	}

	// Give the user one of each.
	serial := addVirtualMFADevice(t, sdk, user)
	sshKey, err := sdk.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String(user), SSHPublicKeyBody: aws.String(newSSHPublicKey(t))})
	if err != nil {
		t.Fatalf("UploadSSHPublicKey: %v", err)
	}
	sshKeyID := aws.ToString(sshKey.SSHPublicKey.SSHPublicKeyId)
	tg.undo(t, "SSH key", func(ctx context.Context) error { return tg.p.DeleteSSHPublicKey(ctx, user, sshKeyID) })
	cert, err := sdk.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String(user), CertificateBody: aws.String(newCertificate(t))})
	if err != nil {
		t.Fatalf("UploadSigningCertificate: %v", err)
	}
	certID := aws.ToString(cert.Certificate.CertificateId)
	tg.undo(t, "signing certificate", func(ctx context.Context) error { return tg.p.DeleteSigningCertificate(ctx, user, certID) })
	git, err := sdk.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String(user), ServiceName: aws.String("codecommit.amazonaws.com")})
	if err != nil {
		t.Fatalf("CreateServiceSpecificCredential: %v", err)
	}
	gitID := aws.ToString(git.ServiceSpecificCredential.ServiceSpecificCredentialId)
	tg.undo(t, "service-specific credential", func(ctx context.Context) error { return tg.p.DeleteServiceSpecificCredential(ctx, user, gitID) })

	// Read them back. Meanwhile IAM rejects deleting the user.
	before := tg.p.Calls()
	if creds, err = tg.p.ReadUserCredentials(ctx, user); err != nil {
		t.Fatalf("ReadUserCredentials: %v", err)
	}
	want := &provider.UserCredentials{
		MFADevices:                 []string{serial},
		SSHPublicKeys:              []string{sshKeyID},
		SigningCertificates:        []string{certID},
		ServiceSpecificCredentials: []string{gitID},
	}
	if diff := cmp.Diff(want, creds, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("credentials (-want +got):\n%s", diff)
	}
	if got, want := totalCalls(callsSince(before, tg.p.Calls())), 7; got != want {
		t.Errorf("ReadUserCredentials of a user without access keys made %d calls, want %d", got, want)
	}
	if err := tg.p.DeleteUser(ctx, user); provider.ErrorCode(err) != provider.CodeDeleteConflict {
		t.Errorf("DeleteUser of a user with credentials: %v, want DeleteConflict", err)
	}

	// Delete them with the Writer, after which the user can go.
	tg.write(t, "DeactivateMFADevice", func(ctx context.Context) error { return tg.p.DeactivateMFADevice(ctx, user, serial) })
	tg.write(t, "DeleteVirtualMFADevice", func(ctx context.Context) error { return tg.p.DeleteVirtualMFADevice(ctx, serial) })
	tg.write(t, "DeleteSSHPublicKey", func(ctx context.Context) error { return tg.p.DeleteSSHPublicKey(ctx, user, sshKeyID) })
	tg.write(t, "DeleteSigningCertificate", func(ctx context.Context) error { return tg.p.DeleteSigningCertificate(ctx, user, certID) })
	tg.write(t, "DeleteServiceSpecificCredential", func(ctx context.Context) error {
		return tg.p.DeleteServiceSpecificCredential(ctx, user, gitID)
	})
	if creds, err = tg.p.ReadUserCredentials(ctx, user); err != nil {
		t.Fatalf("ReadUserCredentials: %v", err)
	}
	if diff := cmp.Diff(&provider.UserCredentials{}, creds, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("credentials after deleting them (-want +got):\n%s", diff)
	}
	tg.write(t, "DeleteUser", func(ctx context.Context) error { return tg.p.DeleteUser(ctx, user) })

	// A missing user is an error, not an empty set of credentials.
	if _, err := tg.p.ReadUserCredentials(ctx, user); provider.ErrorCode(err) != provider.CodeNoSuchEntity {
		t.Errorf("ReadUserCredentials of a deleted user: %v, want NoSuchEntity", err)
	}
}

func stringOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// addVirtualMFADevice creates a virtual MFA device, enables it for user
// with two consecutive TOTP codes, and returns its serial number.
func addVirtualMFADevice(t *testing.T, sdk *iam.Client, user string) string {
	t.Helper()
	ctx := t.Context()
	device, err := sdk.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(user)})
	if err != nil {
		t.Fatalf("CreateVirtualMFADevice: %v", err)
	}
	serial := aws.ToString(device.VirtualMFADevice.SerialNumber)
	t.Cleanup(func() {
		_, _ = sdk.DeleteVirtualMFADevice(context.Background(), &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	})

	seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(string(device.VirtualMFADevice.Base32StringSeed), "="))
	if err != nil {
		t.Fatalf("decode MFA seed: %v", err)
	}
	step := uint64(time.Now().Unix() / 30)
	_, err = sdk.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName:            aws.String(user),
		SerialNumber:        aws.String(serial),
		AuthenticationCode1: aws.String(totp(seed, step-1)),
		AuthenticationCode2: aws.String(totp(seed, step)),
	})
	if err != nil {
		t.Fatalf("EnableMFADevice: %v", err)
	}
	t.Cleanup(func() {
		_, _ = sdk.DeactivateMFADevice(context.Background(), &iam.DeactivateMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial)})
	})
	return serial
}

// totp returns the six-digit RFC 6238 code of a time step.
func totp(seed []byte, step uint64) string {
	mac := hmac.New(sha1.New, seed)
	mac.Write(binary.BigEndian.AppendUint64(nil, step))
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", code%1_000_000)
}

// newSSHPublicKey returns a new 2048-bit RSA public key in the
// authorized_keys format that UploadSSHPublicKey accepts.
func newSSHPublicKey(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// The wire format is the key type, then e and n as SSH mpints, each
	// prefixed with its length.
	var wire []byte
	appendField := func(b []byte) {
		wire = binary.BigEndian.AppendUint32(wire, uint32(len(b)))
		wire = append(wire, b...)
	}
	mpint := func(n *big.Int) []byte {
		b := n.Bytes()
		if len(b) > 0 && b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	appendField([]byte("ssh-rsa"))
	appendField(mpint(big.NewInt(int64(key.E))))
	appendField(mpint(key.N))
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(wire) + " test@iamsync"
}

// newCertificate returns a new self-signed X.509 certificate in PEM form.
func newCertificate(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "iamsync test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
