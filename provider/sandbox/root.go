package sandbox

import "fmt"

// loadRoot reads the state file's Root key. A root access key there is
// metadata only: it has no secret, so it never signs a request.
func (l *stateLoader) loadRoot(f *stateFile) error {
	r := f.Root
	if r == nil {
		return nil
	}
	l.a.root.mfaActive = r.MFAActive
	if r.PasswordLastUsed != nil {
		t := r.PasswordLastUsed.Time
		l.a.root.passwordLastUsed = &t
	}
	for _, k := range r.AccessKeys {
		if k.AccessKeyID == "" || l.a.usedIDs[k.AccessKeyID] {
			return fmt.Errorf("root access key %q is empty or not unique", k.AccessKeyID)
		}
		l.a.usedIDs[k.AccessKeyID] = true
		key := &accessKey{id: k.AccessKeyID, status: k.Status, created: k.CreateDate.Time,
			lastService: k.LastUsedServiceName, lastRegion: k.LastUsedRegion}
		if key.status == "" {
			key.status = statusActive
		}
		if k.LastUsedDate != nil {
			t := k.LastUsedDate.Time
			key.lastUsed = &t
		}
		l.a.root.accessKeys = append(l.a.root.accessKeys, key)
	}
	return nil
}

// rootToRecord renders the root user for the state file, nil when there is
// nothing to keep.
func rootToRecord(root rootUser) *rootRecord {
	if !root.mfaActive && root.passwordLastUsed == nil && len(root.accessKeys) == 0 {
		return nil
	}
	r := &rootRecord{MFAActive: root.mfaActive}
	if root.passwordLastUsed != nil {
		r.PasswordLastUsed = &flexTime{*root.passwordLastUsed}
	}
	for _, k := range root.accessKeys {
		kr := rootAccessKeyRecord{AccessKeyID: k.id, Status: k.status, CreateDate: flexTime{k.created},
			LastUsedServiceName: k.lastService, LastUsedRegion: k.lastRegion}
		if k.lastUsed != nil {
			kr.LastUsedDate = &flexTime{*k.lastUsed}
		}
		r.AccessKeys = append(r.AccessKeys, kr)
	}
	return r
}
