package syncer

import (
	"context"
	"fmt"

	"ldapwiz/ldap"
)

// Account state (users.account_state): a disabled store user is a locked
// directory account. The kind comes from the settings, or, for "auto" on a
// directory other than Active Directory, from the server's RootDSE when the
// directory is read; the snapshot carries the kind chosen, so the planner
// and the applier use the same one. ldap.AccountState holds the rule for
// each kind; this file only wires it into a run.

// setAccountState makes st the run's account state: FieldDisabled is
// synchronized (through st's attribute) when st has one, and store-only
// otherwise. fields and attrOf are copied, never changed in place: other
// copies of c share them.
func (c *syncConfig) setAccountState(st ldap.AccountState) {
	c.acct, c.acctFromServer = st, false
	fields := make([]string, 0, len(c.fields)+1)
	for _, f := range c.fields {
		if f != FieldDisabled {
			fields = append(fields, f)
		}
	}
	attrOf := make(map[string]string, len(c.attrOf)+1)
	for f, a := range c.attrOf {
		if f != FieldDisabled {
			attrOf[f] = a
		}
	}
	if st.Syncs() {
		fields = append(fields, FieldDisabled)
		attrOf[FieldDisabled] = st.Attribute()
	}
	c.fields, c.attrOf = fields, attrOf
}

// resolveAccountState reads the kind of account state from the server when
// the settings leave it to the server ("auto").
func (c *syncConfig) resolveAccountState(ctx context.Context, conn serverInfo) error {
	if !c.acctFromServer {
		return nil
	}
	root, err := conn.RootDSE(ctx)
	if err != nil {
		return fmt.Errorf("read the server's RootDSE to choose how disabled accounts are marked (users.account_state = \"auto\"; "+
			"name the kind instead to skip this): %w", err)
	}
	c.setAccountState(ldap.DetectAccountState(root))
	return nil
}

// adoptAccountState takes st, the account state the directory was read
// with (DirSnapshot.AccountState, Plan.AccountState), when the settings
// left it to the server. A snapshot made without reading (tests) has none:
// the state then stays in the store.
func (c *syncConfig) adoptAccountState(st ldap.AccountState) {
	if c.acctFromServer {
		c.setAccountState(st)
	}
}

// accountEntry is the entry holding a directory user's account-state
// attributes as read, for ldap.AccountState.Changes.
func (u *DirUser) accountEntry() *ldap.Entry {
	return &ldap.Entry{DN: u.DN, Attributes: u.account()}
}
