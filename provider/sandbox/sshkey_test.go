package sandbox

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

// sshWireBlob joins fields in the SSH wire format, each with its length.
func sshWireBlob(fields ...[]byte) []byte {
	var blob []byte
	for _, field := range fields {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(field)))
		blob = append(blob, field...)
	}
	return blob
}

// testRSASSHKey returns a fresh RSA public key and its OpenSSH form.
func testRSASSHKey(t *testing.T) (*rsa.PublicKey, string) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub := &priv.PublicKey
	// An mpint gets a leading zero byte when its top bit is set.
	mpint := func(b []byte) []byte {
		if len(b) > 0 && b[0]&0x80 != 0 {
			return append([]byte{0}, b...)
		}
		return b
	}
	blob := sshWireBlob([]byte("ssh-rsa"), mpint(bigEndian(pub.E)), mpint(pub.N.Bytes()))
	return pub, "ssh-rsa " + base64.StdEncoding.EncodeToString(blob) + " test@sandbox"
}

// rsaKeyOfBits returns the OpenSSH form of a fresh RSA key of that size.
func rsaKeyOfBits(t *testing.T, bits int) string {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	blob := sshWireBlob([]byte("ssh-rsa"), bigEndian(priv.E), append([]byte{0}, priv.N.Bytes()...))
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(blob)
}

func bigEndian(n int) []byte {
	var b []byte
	for ; n > 0; n >>= 8 {
		b = append([]byte{byte(n)}, b...)
	}
	return b
}

func TestGetSSHPublicKey(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	rsaKey, rsaBody := testRSASSHKey(t)
	edBody := testSSHKey(t)
	edKey := ed25519.PublicKey(must(base64.StdEncoding.DecodeString(strings.Fields(edBody)[1]))(t)[4+len("ssh-ed25519")+4:])
	rsaID := must(f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: &rsaBody}))(t).SSHPublicKey
	edID := must(f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: &edBody}))(t).SSHPublicKey

	tests := map[string]struct {
		uploaded *types.SSHPublicKey
		encoding types.EncodingType
		wantBody string           // for SSH
		wantKey  crypto.PublicKey // for PEM
	}{
		"RSA key as SSH":     {uploaded: rsaID, encoding: types.EncodingTypeSsh, wantBody: rsaBody},
		"RSA key as PEM":     {uploaded: rsaID, encoding: types.EncodingTypePem, wantKey: rsaKey},
		"ed25519 key as SSH": {uploaded: edID, encoding: types.EncodingTypeSsh, wantBody: edBody},
		"ed25519 key as PEM": {uploaded: edID, encoding: types.EncodingTypePem, wantKey: edKey},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := must(f.iam.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("u"),
				SSHPublicKeyId: tc.uploaded.SSHPublicKeyId, Encoding: tc.encoding}))(t).SSHPublicKey
			if aws.ToString(got.UserName) != "u" || aws.ToString(got.Fingerprint) != aws.ToString(tc.uploaded.Fingerprint) ||
				got.Status != types.StatusTypeActive || got.UploadDate == nil {
				t.Errorf("GetSSHPublicKey = %+v, want the uploaded key's metadata", got)
			}
			body := aws.ToString(got.SSHPublicKeyBody)
			if tc.encoding == types.EncodingTypeSsh {
				if body != tc.wantBody {
					t.Errorf("SSH body = %q, want %q", body, tc.wantBody)
				}
				return
			}
			block, rest := pem.Decode([]byte(body))
			if block == nil || block.Type != "PUBLIC KEY" || len(rest) != 0 {
				t.Fatalf("PEM body = %q, want one PUBLIC KEY block", body)
			}
			key, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				t.Fatalf("PEM body does not hold a SubjectPublicKeyInfo: %v", err)
			}
			if diff := cmp.Diff(tc.wantKey, key); diff != "" {
				t.Errorf("PEM key (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetSSHPublicKeyErrors(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("other")}))(t)
	body := testSSHKey(t)
	id := must(f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: &body}))(t).SSHPublicKey.SSHPublicKeyId

	tests := map[string]struct {
		in      iam.GetSSHPublicKeyInput
		code    string
		status  int
		message string
	}{
		"unknown key id": {in: iam.GetSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyId: aws.String("APKAUNKNOWNKEY0000000"), Encoding: types.EncodingTypeSsh},
			code: "NoSuchEntity", status: 404, message: "The Public Key with id APKAUNKNOWNKEY0000000 cannot be found."},
		"key of another user": {in: iam.GetSSHPublicKeyInput{UserName: aws.String("other"), SSHPublicKeyId: id, Encoding: types.EncodingTypeSsh},
			code: "NoSuchEntity", status: 404, message: "The Public Key with id " + aws.ToString(id) + " cannot be found."},
		"unknown user": {in: iam.GetSSHPublicKeyInput{UserName: aws.String("nobody"), SSHPublicKeyId: id, Encoding: types.EncodingTypeSsh},
			code: "NoSuchEntity", status: 404, message: "The user with name nobody cannot be found."},
		"unknown encoding": {in: iam.GetSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyId: id, Encoding: "DER"},
			code: "ValidationError", status: 400,
			message: "1 validation error detected: Value 'DER' at 'encoding' failed to satisfy constraint: Member must satisfy enum value set: [SSH, PEM]"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.iam.GetSSHPublicKey(ctx, &tc.in)
			wantError(t, err, tc.code, tc.status, tc.message)
		})
	}

	// The SDK refuses to send a request without Encoding, so it is sent
	// by hand.
	keyID, secret := f.srv.Credentials()
	got := f.send(t, rawRequest{body: "Action=GetSSHPublicKey&Version=2010-05-08&UserName=u&SSHPublicKeyId=" + aws.ToString(id), keyID: keyID, secret: secret})
	want := "1 validation error detected: Value null at 'encoding' failed to satisfy constraint: Member must not be null"
	if got.status != 400 || got.code != "ValidationError" || got.msg != want {
		t.Errorf("GetSSHPublicKey without Encoding = %d %s %q, want 400 ValidationError %q", got.status, got.code, got.msg, want)
	}
}

func TestUploadSSHPublicKeyChecksTheKey(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	edBlob := must(base64.StdEncoding.DecodeString(strings.Fields(testSSHKey(t))[1]))(t)
	encode := func(keyType string, blob []byte) string {
		return keyType + " " + base64.StdEncoding.EncodeToString(blob)
	}

	tests := map[string]struct {
		body string
		code string
	}{
		"type that differs from the blob's": {body: encode("ssh-rsa", edBlob), code: "InvalidPublicKey"},
		"truncated blob":                    {body: encode("ssh-ed25519", edBlob[:len(edBlob)-1]), code: "InvalidPublicKey"},
		"ed25519 key of 31 bytes":           {body: encode("ssh-ed25519", sshWireBlob([]byte("ssh-ed25519"), make([]byte, 31))), code: "InvalidPublicKey"},
		"RSA key without a modulus":         {body: encode("ssh-rsa", sshWireBlob([]byte("ssh-rsa"), []byte{1, 0, 1})), code: "InvalidPublicKey"},
		"RSA key of 1,024 bits":             {body: rsaKeyOfBits(t, 1024), code: "InvalidPublicKey"},
		"unsupported key type":              {body: encode("ssh-dss", sshWireBlob([]byte("ssh-dss"), []byte{1})), code: "InvalidPublicKey"},
		"PEM body":                          {body: "-----BEGIN PUBLIC KEY-----", code: "UnrecognizedPublicKeyEncoding"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: aws.String(tc.body)})
			wantError(t, err, tc.code, 400, "")
		})
	}
}
