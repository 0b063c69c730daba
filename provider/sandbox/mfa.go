package sandbox

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"slices"
	"strings"
)

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

type virtualMFADeviceXML struct {
	SerialNumber     string
	Base32StringSeed string           `xml:",omitempty"`
	QRCodePNG        string           `xml:",omitempty"`
	User             *userXML         `xml:",omitempty"`
	EnableDate       *isoTime         `xml:",omitempty"`
	Tags             *members[tagXML] `xml:",omitempty"`
}

type virtualMFADeviceResult struct {
	VirtualMFADevice virtualMFADeviceXML
}

// createVirtualMFADevice creates an unassigned virtual MFA device. Its seed
// is random and returned once; the QR code is a blank image, not a code.
func createVirtualMFADevice(c *call) (any, error) {
	name := c.required("VirtualMFADeviceName", mfaDeviceNameRule)
	path := defaultPath(c.optional("Path", pathRule))
	tags := c.tagsParam("Tags", false)
	if err := c.check(); err != nil {
		return nil, err
	}
	serial := c.acct.arn("mfa" + path + name)
	if c.acct.virtualMFADevices[serial] != nil {
		return nil, errEntityAlreadyExists("MFADevice entity at the same path and name already exists.")
	}
	if err := c.checkTagQuota(tags, "TagsPerMFADevice"); err != nil {
		return nil, err
	}
	c.acct.virtualMFADevices[serial] = &virtualMFADevice{serial: serial, tags: tags}

	seed := randomString(base32Alphabet, 64)
	return virtualMFADeviceResult{VirtualMFADevice: virtualMFADeviceXML{
		SerialNumber:     serial,
		Base32StringSeed: base64.StdEncoding.EncodeToString([]byte(seed)),
		QRCodePNG:        base64.StdEncoding.EncodeToString(blankPNG()),
	}}, nil
}

// blankPNG returns a small white PNG image.
func blankPNG() []byte {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("encode blank PNG: " + err.Error())
	}
	return buf.Bytes()
}

// userWithCodes reads the parameters that EnableMFADevice and
// ResyncMFADevice share: the user, the device's serial number and two
// codes, which the sandbox checks only for their form.
func (c *call) userWithCodes() (*user, string, error) {
	name := c.required("UserName", existingUserNameRule)
	serial := c.required("SerialNumber", serialNumberRule)
	c.required("AuthenticationCode1", authCodeRule)
	c.required("AuthenticationCode2", authCodeRule)
	if err := c.check(); err != nil {
		return nil, "", err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, "", err
	}
	return u, serial, nil
}

// enableMFADevice assigns an MFA device to a user. The sandbox accepts any
// two codes of six digits: it does not compute one-time passwords.
func enableMFADevice(c *call) (any, error) {
	u, serial, err := c.userWithCodes()
	if err != nil {
		return nil, err
	}

	// A virtual device must exist and be free; another serial is taken as a
	// hardware device, which must not be assigned already.
	virtual := c.acct.virtualMFADevices[serial]
	if virtual == nil && strings.Contains(serial, ":mfa/") {
		return nil, errNoSuchEntity("VirtualMFADevice with serial number %s doesn't exist.", serial)
	}
	for _, other := range c.acct.users {
		if slices.ContainsFunc(other.mfaDevices, func(d *mfaDevice) bool { return d.serial == serial }) {
			return nil, errEntityAlreadyExists("MFA Device is already in use.")
		}
	}
	if q := c.s.quotas[quotaMFADevicesPerUser]; int32(len(u.mfaDevices)) >= q {
		return nil, errQuotaExceeded("MFADevicesPerUser", q)
	}
	d := &mfaDevice{serial: serial, enabled: c.now()}
	u.mfaDevices = append(u.mfaDevices, d)
	if virtual != nil {
		virtual.user, virtual.enabled = u, d.enabled
	}
	return nil, nil
}

// deactivateMFADevice unassigns a device from a user. A virtual device
// stays in the account until DeleteVirtualMFADevice.
func deactivateMFADevice(c *call) (any, error) {
	name := c.userNameOrCaller()
	serial := c.required("SerialNumber", serialNumberRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if !removeFirst(&u.mfaDevices, func(d *mfaDevice) bool { return d.serial == serial }) {
		return nil, errNoSuchEntity("MFA Device with serial number %s does not exist.", serial)
	}
	if v := c.acct.virtualMFADevices[serial]; v != nil {
		v.user = nil
	}
	return nil, nil
}

func deleteVirtualMFADevice(c *call) (any, error) {
	serial := c.required("SerialNumber", serialNumberRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	v := c.acct.virtualMFADevices[serial]
	if v == nil {
		return nil, errNoSuchEntity("VirtualMFADevice with serial number %s doesn't exist.", serial)
	}
	if v.user != nil {
		return nil, errDeleteConflict("MFA Device is still in use.")
	}
	delete(c.acct.virtualMFADevices, serial)
	return nil, nil
}

type mfaDeviceXML struct {
	UserName     string
	SerialNumber string
	EnableDate   isoTime
}

type listMFADevicesResult struct {
	MFADevices members[mfaDeviceXML]
	pageInfo
}

// listMFADevices lists a user's MFA devices, or the root user's when the
// root user leaves out UserName.
func listMFADevices(c *call) (any, error) {
	name, root := c.credentialOwner()
	p := c.pageRequest()
	if root {
		// The sandbox keeps no MFA devices of the root user, only the
		// state file's record of whether root MFA is active, so the list
		// is empty even when it is.
		page, info, err := rootCredentialPage(c, p, []mfaDeviceXML{})
		if err != nil {
			return nil, err
		}
		return listMFADevicesResult{MFADevices: memberList(page), pageInfo: info}, nil
	}
	u, page, info, err := userCredentialPage(c, name, p, func(u *user) []*mfaDevice { return u.mfaDevices })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(d *mfaDevice) mfaDeviceXML {
		return mfaDeviceXML{UserName: u.name, SerialNumber: d.serial, EnableDate: isoTime(d.enabled)}
	})
	return listMFADevicesResult{MFADevices: memberList(out), pageInfo: info}, nil
}

type mfaDeviceResult struct {
	UserName     string
	SerialNumber string
	EnableDate   isoTime
}

// getMFADevice returns an MFA device that is assigned to a user: the named
// user, or without a name whichever user holds the device. IAM serves
// FIDO security keys only, whose serial numbers are ARNs with "u2f" in
// place of "mfa", so other devices are not found. The sandbox does not
// know a key's certifications, and leaves them out.
//
// NOTE: IAM documents that GetMFADevice accepts FIDO security key ARNs
// only, but not how it fails for other serial numbers. The sandbox returns
// NoSuchEntity, the one error that IAM documents for a device.
func getMFADevice(c *call) (any, error) {
	serial := c.required("SerialNumber", serialNumberRule)
	name := c.optional("UserName", userNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	var holders []*user
	if name == "" {
		holders = sortedUsers(c.acct)
	} else {
		u, err := c.user(name)
		if err != nil {
			return nil, err
		}
		holders = []*user{u}
	}

	notFound := errNoSuchEntity("MFA Device with serial number %s does not exist.", serial)
	if !strings.Contains(serial, ":u2f/") {
		return nil, notFound
	}
	for _, u := range holders {
		for _, d := range u.mfaDevices {
			if d.serial == serial {
				return mfaDeviceResult{UserName: u.name, SerialNumber: d.serial, EnableDate: isoTime(d.enabled)}, nil
			}
		}
	}
	return nil, notFound
}

// resyncMFADevice checks that the device is assigned to the user. The
// sandbox accepts any two codes of six digits, as EnableMFADevice does, and
// has no clock of the device to set again.
func resyncMFADevice(c *call) (any, error) {
	u, serial, err := c.userWithCodes()
	if err != nil {
		return nil, err
	}
	if !userHasMFADevice(u, serial) {
		return nil, errNoSuchEntity("MFA Device with serial number %s does not exist.", serial)
	}
	return nil, nil
}

type listVirtualMFADevicesResult struct {
	VirtualMFADevices members[virtualMFADeviceXML]
	pageInfo
}

func listVirtualMFADevices(c *call) (any, error) {
	status := c.enum("AssignmentStatus", "Assigned", "Unassigned", "Any")
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	devices := slices.DeleteFunc(sortedVirtualMFADevices(c.acct), func(v *virtualMFADevice) bool {
		return status == "Assigned" && v.user == nil || status == "Unassigned" && v.user != nil
	})
	page, info, err := paginate(p, devices, func(_ int, v *virtualMFADevice) string { return v.serial })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(v *virtualMFADevice) virtualMFADeviceXML {
		x := virtualMFADeviceXML{SerialNumber: v.serial, Tags: optionalMembers(tagsXML(v.tags))}
		if v.user != nil {
			ux := c.userXML(v.user, false)
			x.User, x.EnableDate = &ux, optionalTime(&v.enabled)
		}
		return x
	})
	return listVirtualMFADevicesResult{VirtualMFADevices: memberList(out), pageInfo: info}, nil
}
