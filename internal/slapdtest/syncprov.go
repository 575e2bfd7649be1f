package slapdtest

import "fmt"

// SyncProvSessionlog is how many write operations the syncprov session log
// of a server started with Options.SyncProv remembers: a refresh from a
// cookie no older than that many operations is told of deletes one by one
// (the delete phase); an older cookie gets the present phase instead.
const SyncProvSessionlog = 1000

// syncprovModule is the module line that loads the overlay (Debian's slapd
// 2.5 ships it as /usr/lib/ldap/syncprov.la).
const syncprovModule = "olcModuleLoad: syncprov\n"

// syncprovIndex is the index syncprov searches by (entryUUID eq is part of
// the standard indexes already).
const syncprovIndex = "olcDbIndex: entryCSN eq\n"

// syncprovOverlay is the overlay on the data database at position n: a
// contextCSN checkpoint every 100 operations or 10 minutes, the session
// log, and the reload hint honoured: a cookie the provider can no longer
// serve from its log or database is refused with e-syncRefreshRequired
// (result 4096) rather than answered with the present phase.
func syncprovOverlay(n int) string {
	return fmt.Sprintf(`
dn: olcOverlay={%[1]d}syncprov,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: {%[1]d}syncprov
olcSpCheckpoint: 100 10
olcSpSessionlog: %[2]d
olcSpReloadHint: TRUE
`, n, SyncProvSessionlog)
}
