package syncer

import (
	"slices"
	"strings"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// syncConfig is the part of the settings the planner and applier use,
// trimmed and with defaults applied. A run derives it once (newSyncConfig)
// and hands it to every phase.
type syncConfig struct {
	mode, authority string
	ad              bool
	enrollment      bool
	// acct is how the directory marks a disabled account; acctFromServer:
	// users.account_state is "auto" and the kind still has to be read from
	// the server (see resolveAccountState).
	acct           ldap.AccountState
	acctFromServer bool

	scope                           wizard.Scope
	userBase, userClass, userFilter string // userFilter: the extra filter, "" for none
	extraClasses                    []string
	rdnAttr                         string
	userMemberAttr                  string
	fields                          []string          // synced store fields, FieldUsername first
	attrOf                          map[string]string // store field -> directory attribute

	groupBase, groupClass, groupNameAttr, groupMemberAttr string
	syncOnly                                              []string
	flattenNested                                         bool // groups.flatten_nested

	// missingUsers is sync.missing_users (wizard.MissingDelete or
	// MissingDisable); missingGrace is sync.missing_grace, 0 for none.
	missingUsers string
	missingGrace time.Duration
	// now is the time the plan is made at (Options.Now); zero means the
	// clock's (see clock).
	now time.Time
}

// newSyncConfig derives the sync configuration from s.
func newSyncConfig(s wizard.Settings) syncConfig {
	t := strings.TrimSpace
	sc := s.Scope()
	c := syncConfig{
		mode:            t(s.Sync.Mode),
		authority:       t(s.Sync.Authority),
		ad:              s.Connection.ActiveDirectory,
		enrollment:      s.Enrollment.Enabled,
		scope:           sc,
		userBase:        sc.UserBase,
		userClass:       sc.UserObjectClass,
		userFilter:      sc.UserExtraFilter,
		extraClasses:    sc.AdditionalObjectClasses,
		rdnAttr:         sc.RDNAttribute,
		userMemberAttr:  sc.UserMemberAttribute,
		groupBase:       sc.GroupBase,
		groupClass:      sc.GroupObjectClass,
		groupNameAttr:   sc.GroupNameAttribute,
		groupMemberAttr: sc.GroupMemberAttribute,
		syncOnly:        sc.SyncOnly,
		flattenNested:   s.Groups.FlattenNested,
		missingUsers:    s.EffectiveMissingUsers(),
		missingGrace:    s.MissingGraceDuration(),
		attrOf:          map[string]string{FieldUsername: sc.UsernameAttribute},
	}
	if c.mode == "" {
		c.mode = wizard.ModeTwoWay
	}
	if c.authority == "" {
		c.authority = wizard.AuthorityLDAP
	}
	c.fields = []string{FieldUsername}
	for _, m := range []struct{ field, key string }{
		{FieldEmail, "users.attributes.email"},
		{FieldFirstName, "users.attributes.first_name"},
		{FieldLastName, "users.attributes.last_name"},
		{FieldPhone, "users.attributes.phone"},
	} {
		if a := sc.UserAttributes[m.key]; a != "" {
			c.fields = append(c.fields, m.field)
			c.attrOf[m.field] = a
		}
	}
	st, fromServer := s.AccountState()
	c.setAccountState(st)
	c.acctFromServer = fromServer
	return c
}

// clock returns the time the plan is made at: c.now, or the current time.
func (c syncConfig) clock() time.Time {
	if c.now.IsZero() {
		return time.Now().UTC()
	}
	return c.now.UTC()
}

// writesStore reports whether the mode changes the store from the directory.
func (c syncConfig) writesStore() bool { return c.mode != wizard.ModeOneWay }

// writesDir reports whether the mode writes to the directory.
func (c syncConfig) writesDir() bool { return c.mode != wizard.ModeImport }

// baseFields returns the synced fields in the order a link's base lists
// them: json.Marshal's order of a map's keys, which appendDirBase writes
// in too.
func (c syncConfig) baseFields() []string { return slices.Sorted(slices.Values(c.fields)) }

// storeValues returns the synced fields of a store user.
func (c syncConfig) storeValues(u *store.SyncUser) map[string]string {
	v := make(map[string]string, len(c.fields)) // the user fields, username first
	for _, f := range c.fields {
		v[f] = storeField(u, f)
	}
	return v
}

// membersRequired reports whether the group object class needs at least one
// member value (groupOfNames and groupOfUniqueNames: MUST member).
func (c syncConfig) membersRequired() bool {
	switch strings.ToLower(c.groupClass) {
	case "groupofnames", "groupofuniquenames":
		return true
	}
	return false
}
