package cli

import (
	"fmt"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// lockPropagation says what the next sync does with a user disabled (lock)
// or enabled in the store, on this directory (users.account_state), or "".
func (c *usersCmd) lockPropagation(u *store.User, lock bool) string {
	dn, isLinked := c.linked(u)
	verb := map[bool]string{true: "locks", false: "unlocks"}[lock]
	switch {
	case c.mode == "":
		return ""
	case !c.acctFromServer && !c.acct.Syncs():
		return fmt.Sprintf("this directory has no account-state attribute configured (users.account_state = %q): the change stays in the store", c.acct.Kind)
	case c.mode == wizard.ModeImport:
		return fmt.Sprintf("note: sync.mode is %q: the directory is not written, and the store keeps this change until the account is locked or unlocked in the directory", wizard.ModeImport)
	case !isLinked:
		return c.propagation(u, "user")
	case c.acctFromServer:
		return fmt.Sprintf("the next sync %s %s if the directory marks locked accounts (users.account_state = \"auto\": nsAccountLock on 389 DS, "+
			"pwdAccountLockedTime on OpenLDAP with the ppolicy overlay); otherwise the change stays in the store; \"ldapwiz preview\" shows which", verb, dn)
	}
	return fmt.Sprintf("the next sync %s on %s", c.acct.Describe(lock), dn)
}
