package ldap

import "slices"

// Incremental sync methods: how a directory tells a client what changed
// since a token (sync.incremental names them).
const (
	SyncMethodSyncrepl = "syncrepl" // RFC 4533 content synchronization (OpenLDAP syncprov, 389 DS)
	SyncMethodDirSync  = "dirsync"  // Active Directory's DirSync control
	SyncMethodUSN      = "usn"      // Active Directory's uSNChanged, polled
)

// OIDDirSync is Active Directory's DirSync control.
const OIDDirSync = "1.2.840.113556.1.4.841"

// SyncMethods returns the incremental sync methods the server offers, the
// preferred one first: RFC 4533 content sync when it lists the sync
// request control (OpenLDAP with the syncprov overlay), DirSync when it
// lists that control, uSNChanged on Active Directory. Empty when none.
func (r *RootDSE) SyncMethods() []string {
	var m []string
	if oidListed(r.SupportedControls, oidLDAPSync) {
		m = append(m, SyncMethodSyncrepl)
	}
	if oidListed(r.SupportedControls, OIDDirSync) {
		m = append(m, SyncMethodDirSync)
	}
	if r.ActiveDirectory {
		m = append(m, SyncMethodUSN)
	}
	return m
}

// IncrementalSummary says how ldapwiz can read only what changed on this
// server (part of Summary; the Sync screen shows it alone).
func (r *RootDSE) IncrementalSummary() string {
	m := r.SyncMethods()
	switch {
	case len(m) > 0 && m[0] == SyncMethodSyncrepl:
		return "incremental sync by RFC 4533 content sync (syncrepl)"
	case slices.Contains(m, SyncMethodUSN):
		return "incremental sync by uSNChanged"
	case len(m) > 0:
		return "incremental sync not used: the server offers " + m[0] + ", which ldapwiz does not read yet (full syncs)"
	case r.IsOpenLDAP():
		return "no incremental sync: the syncprov overlay is not loaded (full syncs still work)"
	}
	return "no incremental sync offered (full syncs)"
}
