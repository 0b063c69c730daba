package sandbox

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// testSSHKey returns a fresh ed25519 public key in OpenSSH format.
func testSSHKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var blob []byte
	for _, field := range [][]byte{[]byte("ssh-ed25519"), pub} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(field)))
		blob = append(blob, field...)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " test@sandbox"
}

// testCertificate returns a fresh self-signed certificate in PEM form.
func testCertificate(t *testing.T) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "sandbox test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestAccessKeys(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)

	// Two keys at most.
	first := must(f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")}))(t).AccessKey
	if id := aws.ToString(first.AccessKeyId); !strings.HasPrefix(id, "AKIA") || len(id) != 20 {
		t.Errorf("AccessKeyId = %s, want AKIA and 16 more characters", id)
	}
	if len(aws.ToString(first.SecretAccessKey)) != 40 || first.Status != types.StatusTypeActive {
		t.Errorf("new key = %+v, want an active key with a 40-character secret", first)
	}
	ok(f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")}))(t)
	_, err := f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")

	// The key signs requests as the user, and its use is recorded.
	keyID, secret := aws.ToString(first.AccessKeyId), aws.ToString(first.SecretAccessKey)
	_, asUser := f.clients(keyID, secret)
	me := must(asUser.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(me.Arn) != "arn:aws:iam::123456789012:user/u" || !strings.HasPrefix(aws.ToString(me.UserId), "AIDA") {
		t.Errorf("caller with the user's key = %s %s", aws.ToString(me.Arn), aws.ToString(me.UserId))
	}
	used := must(f.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: &keyID}))(t)
	if aws.ToString(used.AccessKeyLastUsed.ServiceName) != "sts" || used.AccessKeyLastUsed.LastUsedDate == nil || aws.ToString(used.UserName) != "u" {
		t.Errorf("GetAccessKeyLastUsed = %+v", used.AccessKeyLastUsed)
	}

	// An inactive key is rejected; so is a deleted one.
	ok(f.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("u"), AccessKeyId: &keyID, Status: types.StatusTypeInactive}))(t)
	_, err = asUser.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "InvalidClientTokenId", 403, "The security token included in the request is invalid.")
	ok(f.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("u"), AccessKeyId: &keyID}))(t)
	_, err = f.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("u"), AccessKeyId: &keyID})
	wantError(t, err, "NoSuchEntity", 404, "The Access Key with id "+keyID+" cannot be found.")

	keys := must(f.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("u")}))(t)
	if len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].AccessKeyId == nil {
		t.Errorf("ListAccessKeys = %+v, want the second key", keys.AccessKeyMetadata)
	}
}

func TestUnusedAccessKeyLastUsed(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	key := must(f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")}))(t).AccessKey
	used := must(f.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKeyId}))(t)
	if aws.ToString(used.AccessKeyLastUsed.ServiceName) != "N/A" || aws.ToString(used.AccessKeyLastUsed.Region) != "N/A" || used.AccessKeyLastUsed.LastUsedDate != nil {
		t.Errorf("GetAccessKeyLastUsed of an unused key = %+v, want N/A and no date", used.AccessKeyLastUsed)
	}
}

func TestLoginProfile(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)

	_, err := f.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("u")})
	wantError(t, err, "NoSuchEntity", 404, "Login Profile for User u cannot be found.")

	// Without a password policy, IAM's default applies.
	_, err = f.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("u"), Password: aws.String("short")})
	wantError(t, err, "PasswordPolicyViolation", 400, "")

	ok(f.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("u"), Password: aws.String("Correct-Horse-1"), PasswordResetRequired: true}))(t)
	_, err = f.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("u"), Password: aws.String("Correct-Horse-1")})
	wantError(t, err, "EntityAlreadyExists", 409, "Login Profile for user u already exists.")

	got := must(f.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("u")}))(t)
	if !got.LoginProfile.PasswordResetRequired || aws.ToString(got.LoginProfile.UserName) != "u" {
		t.Errorf("GetLoginProfile = %+v", got.LoginProfile)
	}

	// With a policy, its rules apply.
	ok(f.iam.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(20), RequireSymbols: true}))(t)
	_, err = f.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("u"), Password: aws.String("Correct-Horse-1")})
	wantError(t, err, "PasswordPolicyViolation", 400, "Password should have at least 20 characters")
	ok(f.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("u"), PasswordResetRequired: aws.Bool(false)}))(t)

	ok(f.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("u")}))(t)
	_, err = f.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("u")})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestVirtualMFADevices(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)

	created := must(f.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("u-phone")}))(t)
	serial := aws.ToString(created.VirtualMFADevice.SerialNumber)
	if serial != "arn:aws:iam::123456789012:mfa/u-phone" || len(created.VirtualMFADevice.Base32StringSeed) == 0 || len(created.VirtualMFADevice.QRCodePNG) == 0 {
		t.Fatalf("CreateVirtualMFADevice = %s, seed %d bytes, QR code %d bytes", serial, len(created.VirtualMFADevice.Base32StringSeed), len(created.VirtualMFADevice.QRCodePNG))
	}
	_, err := f.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("u-phone")})
	wantError(t, err, "EntityAlreadyExists", 409, "")

	enable := &iam.EnableMFADeviceInput{UserName: aws.String("u"), SerialNumber: &serial, AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("234567")}
	ok(f.iam.EnableMFADevice(ctx, enable))(t)
	_, err = f.iam.EnableMFADevice(ctx, enable)
	wantError(t, err, "EntityAlreadyExists", 409, "MFA Device is already in use.")

	listed := must(f.iam.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("u")}))(t)
	if len(listed.MFADevices) != 1 || aws.ToString(listed.MFADevices[0].SerialNumber) != serial {
		t.Errorf("ListMFADevices = %+v", listed.MFADevices)
	}
	assigned := must(f.iam.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeAssigned}))(t)
	if len(assigned.VirtualMFADevices) != 1 || aws.ToString(assigned.VirtualMFADevices[0].User.UserName) != "u" {
		t.Errorf("assigned virtual devices = %+v", assigned.VirtualMFADevices)
	}

	_, err = f.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: &serial})
	wantError(t, err, "DeleteConflict", 409, "")
	ok(f.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("u"), SerialNumber: &serial}))(t)
	unassigned := must(f.iam.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeUnassigned}))(t)
	if len(unassigned.VirtualMFADevices) != 1 {
		t.Errorf("unassigned virtual devices = %d, want 1", len(unassigned.VirtualMFADevices))
	}
	ok(f.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: &serial}))(t)
	ok(f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u")}))(t)

	_, err = f.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("nobody"), SerialNumber: &serial,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("234567")})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestSSHPublicKeys(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	body := testSSHKey(t)

	uploaded := must(f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: &body}))(t)
	if !strings.HasPrefix(aws.ToString(uploaded.SSHPublicKey.SSHPublicKeyId), "APKA") || strings.Count(aws.ToString(uploaded.SSHPublicKey.Fingerprint), ":") != 15 {
		t.Errorf("UploadSSHPublicKey = %+v", uploaded.SSHPublicKey)
	}
	_, err := f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: &body})
	wantError(t, err, "DuplicateSSHPublicKey", 400, "")
	_, err = f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: aws.String("ssh-rsa bm90IGEga2V5")})
	wantError(t, err, "InvalidPublicKey", 400, "")
	_, err = f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: aws.String("-----BEGIN PUBLIC KEY-----")})
	wantError(t, err, "UnrecognizedPublicKeyEncoding", 400, "")

	listed := must(f.iam.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("u")}))(t)
	if len(listed.SSHPublicKeys) != 1 {
		t.Errorf("ListSSHPublicKeys = %d keys, want 1", len(listed.SSHPublicKeys))
	}
	ok(f.iam.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyId: uploaded.SSHPublicKey.SSHPublicKeyId}))(t)
	_, err = f.iam.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyId: uploaded.SSHPublicKey.SSHPublicKeyId})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestSigningCertificates(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	body := testCertificate(t)

	uploaded := must(f.iam.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("u"), CertificateBody: &body}))(t)
	_, err := f.iam.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("u"), CertificateBody: &body})
	wantError(t, err, "DuplicateCertificate", 409, "")
	_, err = f.iam.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("u"), CertificateBody: aws.String("not a certificate")})
	wantError(t, err, "MalformedCertificate", 400, "")
	ok(f.iam.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("u"), CertificateBody: aws.String(testCertificate(t))}))(t)
	_, err = f.iam.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("u"), CertificateBody: aws.String(testCertificate(t))})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for SigningCertificatesPerUser: 2")

	listed := must(f.iam.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("u")}))(t)
	if len(listed.Certificates) != 2 {
		t.Errorf("ListSigningCertificates = %d, want 2", len(listed.Certificates))
	}
	ok(f.iam.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("u"), CertificateId: uploaded.Certificate.CertificateId}))(t)
}

func TestServiceSpecificCredentials(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	in := &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("u"), ServiceName: aws.String("codecommit.amazonaws.com")}

	created := must(f.iam.CreateServiceSpecificCredential(ctx, in))(t).ServiceSpecificCredential
	if aws.ToString(created.ServiceUserName) != "u-at-123456789012" || aws.ToString(created.ServicePassword) == "" {
		t.Errorf("CreateServiceSpecificCredential = %+v", created)
	}
	ok(f.iam.CreateServiceSpecificCredential(ctx, in))(t)
	_, err := f.iam.CreateServiceSpecificCredential(ctx, in)
	wantError(t, err, "LimitExceeded", 409, "")
	_, err = f.iam.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("u"), ServiceName: aws.String("s3.amazonaws.com")})
	wantError(t, err, "NotSupportedService", 404, "")

	listed := must(f.iam.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("u")}))(t)
	if len(listed.ServiceSpecificCredentials) != 2 {
		t.Errorf("ListServiceSpecificCredentials = %+v, want two", listed.ServiceSpecificCredentials)
	}
	ok(f.iam.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String("u"), ServiceSpecificCredentialId: created.ServiceSpecificCredentialId}))(t)
}
