package sandbox

import (
	"bytes"
	"crypto/md5"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// This file serves the user credentials besides access keys, passwords and
// MFA: SSH public keys, signing certificates and service-specific
// credentials.

type sshPublicKeyXML struct {
	UserName         string
	SSHPublicKeyID   string `xml:"SSHPublicKeyId"`
	Fingerprint      string `xml:",omitempty"`
	SSHPublicKeyBody string `xml:",omitempty"`
	Status           string
	UploadDate       isoTime
}

type sshPublicKeyResult struct {
	SSHPublicKey sshPublicKeyXML
}

// sshKeyTypes are the key types that the sandbox accepts.
var sshKeyTypes = map[string]bool{"ssh-rsa": true, "ssh-ed25519": true}

// uploadSSHPublicKey stores an SSH public key in OpenSSH format.
func uploadSSHPublicKey(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	body := c.required("SSHPublicKeyBody", keyBodyRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	fingerprint, err := sshFingerprint(body)
	if err != nil {
		return nil, err
	}
	for _, k := range u.sshPublicKeys {
		if k.fingerprint == fingerprint {
			return nil, newAPIError(http.StatusBadRequest, "DuplicateSSHPublicKey", "The public key is already associated with the user %s.", u.name)
		}
	}
	if q := c.s.quotas[quotaSSHPublicKeysPerUser]; int32(len(u.sshPublicKeys)) >= q {
		return nil, errQuotaExceeded("SSHPublicKeysPerUser", q)
	}
	k := &sshPublicKey{id: c.acct.newID(prefixSSHKey), body: body, fingerprint: fingerprint, status: statusActive, uploaded: c.now()}
	u.sshPublicKeys = append(u.sshPublicKeys, k)
	return sshPublicKeyResult{SSHPublicKey: sshPublicKeyXML{
		UserName: u.name, SSHPublicKeyID: k.id, Fingerprint: k.fingerprint, SSHPublicKeyBody: k.body,
		Status: k.status, UploadDate: isoTime(k.uploaded),
	}}, nil
}

// sshFingerprint checks an OpenSSH public key, "<type> <base64 blob>
// [comment]", and returns its MD5 fingerprint as IAM shows it.
func sshFingerprint(body string) (string, error) {
	fields := strings.Fields(body)
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "ssh-") {
		return "", newAPIError(http.StatusBadRequest, "UnrecognizedPublicKeyEncoding",
			"The SSH public key is not in OpenSSH format (ssh-rsa AAAA...).")
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	invalid := newAPIError(http.StatusBadRequest, "InvalidPublicKey", "The SSH public key is not a valid %s key.", fields[0])
	if err != nil || !sshKeyTypes[fields[0]] || len(blob) < 4 {
		return "", invalid
	}
	n := binary.BigEndian.Uint32(blob)
	if uint64(n)+4 > uint64(len(blob)) || string(blob[4:4+n]) != fields[0] {
		return "", invalid
	}
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":"), nil
}

type listSSHPublicKeysResult struct {
	SSHPublicKeys members[sshPublicKeyXML]
	pageInfo
}

func listSSHPublicKeys(c *call) (any, error) {
	name := c.userNameOrCaller()
	p := c.pageRequest()
	u, page, info, err := userCredentialPage(c, name, p, func(u *user) []*sshPublicKey { return u.sshPublicKeys })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(k *sshPublicKey) sshPublicKeyXML {
		return sshPublicKeyXML{UserName: u.name, SSHPublicKeyID: k.id, Status: k.status, UploadDate: isoTime(k.uploaded)}
	})
	return listSSHPublicKeysResult{SSHPublicKeys: memberList(out), pageInfo: info}, nil
}

func deleteSSHPublicKey(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	id := c.required("SSHPublicKeyId", credentialIDRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if !removeFirst(&u.sshPublicKeys, func(k *sshPublicKey) bool { return k.id == id }) {
		return nil, errNoSuchEntity("The Public Key with id %s cannot be found.", id)
	}
	return nil, nil
}

type signingCertificateXML struct {
	UserName        string
	CertificateID   string `xml:"CertificateId"`
	CertificateBody string
	Status          string
	UploadDate      isoTime
}

type signingCertificateResult struct {
	Certificate signingCertificateXML
}

// uploadSigningCertificate stores an X.509 certificate in PEM form.
func uploadSigningCertificate(c *call) (any, error) {
	name := c.userNameOrCaller()
	body := c.required("CertificateBody", keyBodyRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(body))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, newAPIError(http.StatusBadRequest, "MalformedCertificate", "The certificate is not a PEM-encoded X.509 certificate.")
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return nil, newAPIError(http.StatusBadRequest, "InvalidCertificate", "The certificate cannot be parsed: %v.", err)
	}
	for _, other := range c.acct.users {
		for _, cert := range other.signingCertificates {
			if sameCertificate(cert.body, block.Bytes) {
				return nil, newAPIError(http.StatusConflict, "DuplicateCertificate", "The certificate is already in use.")
			}
		}
	}
	if q := c.s.quotas[quotaSigningCertsPerUser]; int32(len(u.signingCertificates)) >= q {
		return nil, errQuotaExceeded("SigningCertificatesPerUser", q)
	}
	cert := &signingCertificate{id: c.acct.newIDOfLength("", 32), body: body, status: statusActive, uploaded: c.now()}
	u.signingCertificates = append(u.signingCertificates, cert)
	return signingCertificateResult{Certificate: c.certificateXML(u, cert)}, nil
}

func sameCertificate(body string, der []byte) bool {
	block, _ := pem.Decode([]byte(body))
	return block != nil && bytes.Equal(block.Bytes, der)
}

func (c *call) certificateXML(u *user, cert *signingCertificate) signingCertificateXML {
	return signingCertificateXML{UserName: u.name, CertificateID: cert.id, CertificateBody: cert.body, Status: cert.status, UploadDate: isoTime(cert.uploaded)}
}

type listSigningCertificatesResult struct {
	Certificates members[signingCertificateXML]
	pageInfo
}

func listSigningCertificates(c *call) (any, error) {
	name := c.userNameOrCaller()
	p := c.pageRequest()
	u, page, info, err := userCredentialPage(c, name, p, func(u *user) []*signingCertificate { return u.signingCertificates })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(cert *signingCertificate) signingCertificateXML { return c.certificateXML(u, cert) })
	return listSigningCertificatesResult{Certificates: memberList(out), pageInfo: info}, nil
}

func deleteSigningCertificate(c *call) (any, error) {
	name := c.userNameOrCaller()
	id := c.required("CertificateId", certificateIDRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if !removeFirst(&u.signingCertificates, func(cert *signingCertificate) bool { return cert.id == id }) {
		return nil, errNoSuchEntity("The Certificate with id %s cannot be found.", id)
	}
	return nil, nil
}

// serviceCredentialServices are the services that issue service-specific
// credentials.
var serviceCredentialServices = map[string]bool{
	"codecommit.amazonaws.com": true,
	"cassandra.amazonaws.com":  true,
	"bedrock.amazonaws.com":    true,
}

type serviceCredentialXML struct {
	UserName                    string
	ServiceName                 string
	ServiceUserName             string
	ServicePassword             string `xml:",omitempty"`
	ServiceSpecificCredentialID string `xml:"ServiceSpecificCredentialId"`
	Status                      string
	CreateDate                  isoTime
}

func serviceCredentialToXML(u *user, sc *serviceCredential) serviceCredentialXML {
	return serviceCredentialXML{UserName: u.name, ServiceName: sc.serviceName, ServiceUserName: sc.serviceUserName,
		ServiceSpecificCredentialID: sc.id, Status: sc.status, CreateDate: isoTime(sc.created)}
}

type serviceCredentialResult struct {
	ServiceSpecificCredential serviceCredentialXML
}

// createServiceSpecificCredential creates a user name and password for a
// service such as CodeCommit. The password is returned only here and is
// not kept.
func createServiceSpecificCredential(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	service := c.required("ServiceName", serviceNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if !serviceCredentialServices[service] {
		return nil, newAPIError(http.StatusNotFound, "NotSupportedService", "No such service %s is supported for Service-Specific Credentials", service)
	}
	count := int32(0)
	for _, sc := range u.serviceCredentials {
		if sc.serviceName == service {
			count++
		}
	}
	if q := c.s.quotas[quotaServiceCredentialsUser]; count >= q {
		return nil, errQuotaExceeded("ServiceSpecificCredentialsPerUserPerService", q)
	}
	sc := &serviceCredential{
		id: c.acct.newID(prefixServiceCredential), serviceName: service,
		serviceUserName: fmt.Sprintf("%s-at-%s", u.name, c.acct.id), status: statusActive, created: c.now(),
	}
	u.serviceCredentials = append(u.serviceCredentials, sc)
	x := serviceCredentialToXML(u, sc)
	x.ServicePassword = randomString(secretAlphabet, 44)
	return serviceCredentialResult{ServiceSpecificCredential: x}, nil
}

type listServiceCredentialsResult struct {
	ServiceSpecificCredentials members[serviceCredentialXML]
	pageInfo
}

func listServiceSpecificCredentials(c *call) (any, error) {
	name := c.userNameOrCaller()
	service := c.optional("ServiceName", serviceNameRule)
	p := c.pageRequest()
	ofService := func(u *user) []*serviceCredential {
		return slices.DeleteFunc(slices.Clone(u.serviceCredentials), func(sc *serviceCredential) bool {
			return service != "" && sc.serviceName != service
		})
	}
	u, page, info, err := userCredentialPage(c, name, p, ofService)
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(sc *serviceCredential) serviceCredentialXML { return serviceCredentialToXML(u, sc) })
	return listServiceCredentialsResult{ServiceSpecificCredentials: memberList(out), pageInfo: info}, nil
}

func deleteServiceSpecificCredential(c *call) (any, error) {
	name := c.userNameOrCaller()
	id := c.required("ServiceSpecificCredentialId", credentialIDRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if !removeFirst(&u.serviceCredentials, func(sc *serviceCredential) bool { return sc.id == id }) {
		return nil, errNoSuchEntity("No such credential %s exists", id)
	}
	return nil, nil
}
