package ds389test

// Entries of dse.ldif that content synchronization needs.
const (
	dnRetroCL     = "cn=Retro Changelog Plugin,cn=plugins,cn=config"
	dnContentSync = "cn=Content Synchronization,cn=plugins,cn=config"
)

// enableContentSync turns on the Retro Changelog and Content
// Synchronization plug-ins in the stopped instance l (a per-server copy,
// so the cached instances stay as they are). The changelog records the
// suffix only, with each changed entry's nsUniqueId and entryUUID, which
// the content sync plug-in needs to name entries in its answers; the
// server creates the changelog's own database (cn=changelog) at start.
func enableContentSync(l layout) error {
	err := editDSE(l, []dseSetting{
		{dnRetroCL, "nsslapd-pluginEnabled", []string{"on"}},
		{dnRetroCL, "nsslapd-attribute", []string{"nsuniqueid:targetUniqueId", "entryuuid:targetEntryUUID"}},
		{dnRetroCL, "nsslapd-include-suffix", []string{BaseDN}},
		{dnContentSync, "nsslapd-pluginEnabled", []string{"on"}},
	})
	if err != nil {
		return err
	}
	return run(nil, "chown", "dirsrv:dirsrv", l.dseFile())
}
