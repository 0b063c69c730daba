package sandbox

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/crypto/ssh"
)

// sshKeyTypes are the SSH public key types that the sandbox accepts.
var sshKeyTypes = map[string]bool{ssh.KeyAlgoRSA: true, ssh.KeyAlgoED25519: true}

// parseSSHPublicKey checks an OpenSSH public key, "<type> <base64 blob>
// [comment]", and returns it.
func parseSSHPublicKey(body string) (ssh.PublicKey, error) {
	fields := strings.Fields(body)
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "ssh-") {
		return nil, newAPIError(http.StatusBadRequest, "UnrecognizedPublicKeyEncoding",
			"The SSH public key is not in OpenSSH format (ssh-rsa AAAA...).")
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(body))
	if err != nil || !sshKeyTypes[fields[0]] || key.Type() != fields[0] {
		return nil, newAPIError(http.StatusBadRequest, "InvalidPublicKey", "The SSH public key is not a valid %s key.", fields[0])
	}
	// IAM's API reference sets a minimum of 2,048 bits.
	if crypto, ok := key.(ssh.CryptoPublicKey); ok {
		if rsaKey, ok := crypto.CryptoPublicKey().(*rsa.PublicKey); ok && rsaKey.N.BitLen() < minRSABits {
			return nil, newAPIError(http.StatusBadRequest, "InvalidPublicKey",
				"The SSH public key has %d bits, fewer than the %d that IAM requires.", rsaKey.N.BitLen(), minRSABits)
		}
	}
	return key, nil
}

// minRSABits is the shortest RSA key that UploadSSHPublicKey takes.
const minRSABits = 2048

// sshFingerprint checks an OpenSSH public key and returns its MD5
// fingerprint as IAM shows it, hexadecimal pairs joined by colons.
func sshFingerprint(body string) (string, error) {
	key, err := parseSSHPublicKey(body)
	if err != nil {
		return "", err
	}
	return ssh.FingerprintLegacyMD5(key), nil
}

// sshPublicKeyPEM returns an OpenSSH public key in the PEM encoding: its
// X.509 SubjectPublicKeyInfo in a PUBLIC KEY block.
//
// NOTE: IAM does not document which PEM form GetSSHPublicKey returns. The
// sandbox writes the SubjectPublicKeyInfo form, which is what
// `openssl rsa -pubout` writes for RSA keys.
func sshPublicKeyPEM(body string) (string, error) {
	key, err := parseSSHPublicKey(body)
	if err != nil {
		return "", err
	}
	crypto, ok := key.(ssh.CryptoPublicKey)
	if !ok {
		return "", fmt.Errorf("the %s key has no standard library form", key.Type())
	}
	der, err := x509.MarshalPKIXPublicKey(crypto.CryptoPublicKey())
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
