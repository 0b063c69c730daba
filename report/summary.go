package report

import (
	"maps"
	"slices"
	"strings"
)

// quotaSuffix ends the names of quotas in GetAccountSummary's map.
const quotaSuffix = "Quota"

// Usage is one account-wide count of the account summary with its quota,
// such as Users against UsersQuota.
type Usage struct {
	Name  string `json:"name"`
	Used  int32  `json:"used"`
	Quota int32  `json:"quota"`
}

// Percent is how much of the quota is used, rounded down; 100 for a quota
// of zero.
func (u Usage) Percent() int {
	if u.Quota <= 0 {
		return 100
	}
	return int(int64(u.Used) * 100 / int64(u.Quota))
}

// Summary is GetAccountSummary's map arranged for reading. Every key of the
// map is in exactly one of its parts.
type Summary struct {
	// Usage pairs each count with its quota, by name.
	Usage []Usage `json:"usage"`
	// Quotas holds the quotas without an account-wide count, such as
	// AttachedPoliciesPerRoleQuota, which limit each entity.
	Quotas map[string]int32 `json:"quotas"`
	// Values holds the rest: counts without a quota, such as MFADevices,
	// and flags, such as AccountMFAEnabled (1 or 0).
	Values map[string]int32 `json:"values"`
}

// Summarize arranges GetAccountSummary's map. A key X is a count with a
// quota when the map also has XQuota.
func Summarize(summary map[string]int32) Summary {
	s := Summary{Quotas: map[string]int32{}, Values: map[string]int32{}}
	for _, name := range slices.Sorted(maps.Keys(summary)) {
		value := summary[name]
		if base, isQuota := strings.CutSuffix(name, quotaSuffix); isQuota {
			if used, ok := summary[base]; ok {
				s.Usage = append(s.Usage, Usage{Name: base, Used: used, Quota: value})
			} else {
				s.Quotas[name] = value
			}
			continue
		}
		if _, hasQuota := summary[name+quotaSuffix]; !hasQuota {
			s.Values[name] = value
		}
	}
	return s
}
