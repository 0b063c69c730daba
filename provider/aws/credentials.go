package awsprovider

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamsync/iamsync/provider"
)

// ReadUserCredentials lists what a user holds besides policies and
// memberships, all pages of each list. It makes one call for each of
// GetUser, GetLoginProfile, ListAccessKeys, ListMFADevices,
// ListSSHPublicKeys, ListSigningCertificates and
// ListServiceSpecificCredentials, and one GetAccessKeyLastUsed per key.
// Lists of ids are sorted.
func (p *Provider) ReadUserCredentials(ctx context.Context, userName string) (*provider.UserCredentials, error) {
	ctx = withEntity(ctx, "user "+userName)
	creds := &provider.UserCredentials{}
	steps := []func(context.Context, string, *provider.UserCredentials) error{
		p.readPasswordLastUsed,
		p.readLoginProfile,
		p.readAccessKeys,
		p.readMFADevices,
		p.readSSHPublicKeys,
		p.readSigningCertificates,
		p.readServiceSpecificCredentials,
	}
	for _, step := range steps {
		if err := step(ctx, userName, creds); err != nil {
			return nil, err
		}
	}
	return creds, nil
}

// readPasswordLastUsed reads the one credential field that only GetUser and
// ListUsers return.
func (p *Provider) readPasswordLastUsed(ctx context.Context, userName string, creds *provider.UserCredentials) error {
	out, err := p.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(userName)})
	if err != nil {
		return wrapError(ctx, err)
	}
	if out.User != nil {
		creds.PasswordLastUsed = out.User.PasswordLastUsed
	}
	return nil
}

// readLoginProfile reads the console password setting. IAM returns
// NoSuchEntity when the user has no password.
func (p *Provider) readLoginProfile(ctx context.Context, userName string, creds *provider.UserCredentials) error {
	out, err := p.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(userName)})
	if provider.ErrorCode(err) == provider.CodeNoSuchEntity {
		return nil
	}
	if err != nil {
		return wrapError(ctx, err)
	}
	if out.LoginProfile != nil {
		creds.LoginProfile = &provider.LoginProfile{
			CreateDate:            aws.ToTime(out.LoginProfile.CreateDate),
			PasswordResetRequired: out.LoginProfile.PasswordResetRequired,
		}
	}
	return nil
}

func (p *Provider) readAccessKeys(ctx context.Context, userName string, creds *provider.UserCredentials) error {
	// List the keys.
	pages := iam.NewListAccessKeysPaginator(p.iam, &iam.ListAccessKeysInput{UserName: aws.String(userName), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return wrapError(ctx, err)
		}
		for _, k := range page.AccessKeyMetadata {
			creds.AccessKeys = append(creds.AccessKeys, provider.AccessKey{
				ID:         aws.ToString(k.AccessKeyId),
				Status:     string(k.Status),
				CreateDate: aws.ToTime(k.CreateDate),
			})
		}
	}
	slices.SortFunc(creds.AccessKeys, func(a, b provider.AccessKey) int { return strings.Compare(a.ID, b.ID) })

	// Read when each key was last used. IAM allows two keys per user, so
	// this costs at most two calls.
	for i := range creds.AccessKeys {
		key := &creds.AccessKeys[i]
		out, err := p.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(key.ID)})
		if err != nil {
			return wrapError(ctx, err)
		}
		if out.AccessKeyLastUsed != nil {
			key.LastUsed = out.AccessKeyLastUsed.LastUsedDate
		}
	}
	return nil
}

func (p *Provider) readMFADevices(ctx context.Context, userName string, creds *provider.UserCredentials) error {
	pages := iam.NewListMFADevicesPaginator(p.iam, &iam.ListMFADevicesInput{UserName: aws.String(userName), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return wrapError(ctx, err)
		}
		for _, d := range page.MFADevices {
			creds.MFADevices = append(creds.MFADevices, aws.ToString(d.SerialNumber))
		}
	}
	slices.Sort(creds.MFADevices)
	return nil
}

func (p *Provider) readSSHPublicKeys(ctx context.Context, userName string, creds *provider.UserCredentials) error {
	pages := iam.NewListSSHPublicKeysPaginator(p.iam, &iam.ListSSHPublicKeysInput{UserName: aws.String(userName), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return wrapError(ctx, err)
		}
		for _, k := range page.SSHPublicKeys {
			creds.SSHPublicKeys = append(creds.SSHPublicKeys, aws.ToString(k.SSHPublicKeyId))
		}
	}
	slices.Sort(creds.SSHPublicKeys)
	return nil
}

func (p *Provider) readSigningCertificates(ctx context.Context, userName string, creds *provider.UserCredentials) error {
	pages := iam.NewListSigningCertificatesPaginator(p.iam, &iam.ListSigningCertificatesInput{UserName: aws.String(userName), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return wrapError(ctx, err)
		}
		for _, c := range page.Certificates {
			creds.SigningCertificates = append(creds.SigningCertificates, aws.ToString(c.CertificateId))
		}
	}
	slices.Sort(creds.SigningCertificates)
	return nil
}

// readServiceSpecificCredentials pages by hand: the SDK has no paginator
// for ListServiceSpecificCredentials.
func (p *Provider) readServiceSpecificCredentials(ctx context.Context, userName string, creds *provider.UserCredentials) error {
	in := &iam.ListServiceSpecificCredentialsInput{UserName: aws.String(userName), MaxItems: aws.Int32(maxItems)}
	for {
		out, err := p.iam.ListServiceSpecificCredentials(ctx, in)
		if err != nil {
			return wrapError(ctx, err)
		}
		for _, c := range out.ServiceSpecificCredentials {
			creds.ServiceSpecificCredentials = append(creds.ServiceSpecificCredentials, aws.ToString(c.ServiceSpecificCredentialId))
		}
		if !out.IsTruncated || aws.ToString(out.Marker) == "" || aws.ToString(out.Marker) == aws.ToString(in.Marker) {
			break
		}
		in.Marker = out.Marker
	}
	slices.Sort(creds.ServiceSpecificCredentials)
	return nil
}
