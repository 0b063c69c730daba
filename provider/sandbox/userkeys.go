package sandbox

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"slices"
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

// getSSHPublicKey returns one of a user's SSH public keys, in the OpenSSH
// format it was uploaded in (Encoding SSH) or in PEM.
func getSSHPublicKey(c *call) (any, error) {
	name := c.required("UserName", userNameRule)
	id := c.required("SSHPublicKeyId", credentialIDRule)
	encoding := c.enum("Encoding", "SSH", "PEM")
	if !c.has("Encoding") {
		c.required("Encoding", stringRule{})
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(u.sshPublicKeys, func(k *sshPublicKey) bool { return k.id == id })
	if i < 0 {
		return nil, errNoSuchEntity("The Public Key with id %s cannot be found.", id)
	}
	k := u.sshPublicKeys[i]

	body := k.body
	if encoding == "PEM" {
		if body, err = sshPublicKeyPEM(k.body); err != nil {
			return nil, newAPIError(http.StatusBadRequest, "UnrecognizedPublicKeyEncoding", "The SSH public key cannot be converted to PEM: %v.", err)
		}
	}
	return sshPublicKeyResult{SSHPublicKey: sshPublicKeyXML{
		UserName: u.name, SSHPublicKeyID: k.id, Fingerprint: k.fingerprint, SSHPublicKeyBody: body,
		Status: k.status, UploadDate: isoTime(k.uploaded),
	}}, nil
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

// listSigningCertificates lists a user's signing certificates, or the
// root user's, which the sandbox does not keep, when the root user leaves
// out UserName.
func listSigningCertificates(c *call) (any, error) {
	name, root := c.credentialOwner()
	p := c.pageRequest()
	if root {
		page, info, err := rootCredentialPage(c, p, []signingCertificateXML{})
		if err != nil {
			return nil, err
		}
		return listSigningCertificatesResult{Certificates: memberList(page), pageInfo: info}, nil
	}
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
