package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Names of the quotas, as GetAccountSummary returns them.
const (
	quotaUsers                  = "UsersQuota"
	quotaGroups                 = "GroupsQuota"
	quotaRoles                  = "RolesQuota"
	quotaPolicies               = "PoliciesQuota"
	quotaInstanceProfiles       = "InstanceProfilesQuota"
	quotaServerCertificates     = "ServerCertificatesQuota"
	quotaAttachedPerUser        = "AttachedPoliciesPerUserQuota"
	quotaAttachedPerGroup       = "AttachedPoliciesPerGroupQuota"
	quotaAttachedPerRole        = "AttachedPoliciesPerRoleQuota"
	quotaGroupsPerUser          = "GroupsPerUserQuota"
	quotaVersionsPerPolicy      = "VersionsPerPolicyQuota"
	quotaPolicySize             = "PolicySizeQuota"
	quotaUserPolicySize         = "UserPolicySizeQuota"
	quotaGroupPolicySize        = "GroupPolicySizeQuota"
	quotaRolePolicySize         = "RolePolicySizeQuota"
	quotaAssumeRolePolicySize   = "AssumeRolePolicySizeQuota"
	quotaAccessKeysPerUser      = "AccessKeysPerUserQuota"
	quotaSigningCertsPerUser    = "SigningCertificatesPerUserQuota"
	quotaPolicyVersionsInUse    = "PolicyVersionsInUseQuota"
	quotaSSHPublicKeysPerUser   = "SSHPublicKeysPerUserQuota"
	quotaMFADevicesPerUser      = "MFADevicesPerUserQuota"
	quotaTagsPerResource        = "TagsPerResourceQuota"
	quotaServiceCredentialsUser = "ServiceSpecificCredentialsPerUserPerServiceQuota"
)

// defaultQuotas are IAM's default quotas, from the IAM user guide's quota
// page and GetAccountSummary. The last four are not in GetAccountSummary's
// map; the sandbox accepts them as overrides all the same.
var defaultQuotas = map[string]int32{
	quotaUsers:                  5000,
	quotaGroups:                 300,
	quotaRoles:                  1000,
	quotaPolicies:               1500,
	quotaInstanceProfiles:       1000,
	quotaServerCertificates:     20,
	quotaAttachedPerUser:        10,
	quotaAttachedPerGroup:       10,
	quotaAttachedPerRole:        10,
	quotaGroupsPerUser:          10,
	quotaVersionsPerPolicy:      5,
	quotaPolicySize:             6144,
	quotaUserPolicySize:         2048,
	quotaGroupPolicySize:        5120,
	quotaRolePolicySize:         10240,
	quotaAssumeRolePolicySize:   2048,
	quotaAccessKeysPerUser:      2,
	quotaSigningCertsPerUser:    2,
	quotaPolicyVersionsInUse:    10000,
	quotaSSHPublicKeysPerUser:   5,
	quotaMFADevicesPerUser:      8,
	quotaTagsPerResource:        50,
	quotaServiceCredentialsUser: 2,
}

// unreportedQuotas are the quotas that GetAccountSummary does not report.
var unreportedQuotas = map[string]bool{
	quotaSSHPublicKeysPerUser:   true,
	quotaMFADevicesPerUser:      true,
	quotaTagsPerResource:        true,
	quotaServiceCredentialsUser: true,
}

// quotas holds the account's quotas by name.
type quotas map[string]int32

// newQuotas returns the default quotas with overrides applied. An unknown
// name is an error, so that a misspelt override does not go unnoticed.
func newQuotas(overrides map[string]int32) (quotas, error) {
	q := maps.Clone(defaultQuotas)
	for name, value := range overrides {
		if _, ok := q[name]; !ok {
			known := slices.Sorted(maps.Keys(defaultQuotas))
			return nil, fmt.Errorf("unknown quota %q; known quotas are %s", name, strings.Join(known, ", "))
		}
		if value < 0 {
			return nil, fmt.Errorf("quota %s is %d; quotas must not be negative", name, value)
		}
		q[name] = value
	}
	return q, nil
}
