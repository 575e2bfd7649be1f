package syncer

import (
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// decide says where a field whose store value sv and directory value dv
// differ is written: SideStore (the store takes dv), SideLDAP (the directory
// takes sv) or "" (left as it is), and whether that was a conflict decided by
// the authority. bv is the base value when hasBase.
func (c syncConfig) decide(sv, dv, bv string, hasBase bool) (dest string, conflict bool) {
	switch c.mode {
	case wizard.ModeImport:
		return SideStore, false
	case wizard.ModeOneWay:
		// Only store changes flow; a change made in the directory alone is
		// neither read back nor overwritten.
		if !hasBase || sv != bv {
			return SideLDAP, false
		}
		return "", false
	}
	if !hasBase {
		// First sync of this pair: an empty side is filled from the other;
		// two different values are a conflict the authority decides.
		switch {
		case sv == "":
			return SideStore, false
		case dv == "":
			return SideLDAP, false
		}
		return c.authorityDest(), true
	}
	sChanged, dChanged := sv != bv, dv != bv
	switch {
	case sChanged && !dChanged:
		return SideLDAP, false
	case dChanged && !sChanged:
		return SideStore, false
	}
	return c.authorityDest(), true
}

// authorityDest is where the authority's value is written.
func (c syncConfig) authorityDest() string {
	if c.authority == wizard.AuthorityStore {
		return SideLDAP
	}
	return SideStore
}

// requiredAttr reports attributes inetOrgPerson-like classes cannot lose.
func requiredAttr(attr string) bool {
	switch strings.ToLower(attr) {
	case "cn", "sn", "samaccountname":
		return true
	}
	return false
}

// mergeUser plans the field changes of a user present on both sides.
func (pl *planner) mergeUser(p *userPair) {
	cfg := pl.cfg
	s := cfg.storeValues(p.st)
	var base store.Values
	if p.link != nil {
		base = p.link.Base
	}
	settled := store.Values{}
	toStore, toDir := map[string]string{}, map[string]string{}
	var storeDiffs, dirDiffs []AttrDiff
	var flags []Action
	name := p.st.Username
	for _, f := range cfg.fields {
		sv, dv := s[f], p.dir.value(f)
		if sv == dv {
			settled[f] = []string{sv}
			continue
		}
		if sv == "" && dv == pl.placeholder(p, f, s) {
			// The value the schema made the engine write: not data.
			settled[f] = []string{""}
			settled[placeholderKey(f)] = []string{dv}
			continue
		}
		bv, hasBase := baseValue(base, f)
		if f == FieldDisabled && !hasBase {
			// First contact with the account state (a first sync, or a link
			// made while "disabled" was store-only): disabled wins, so it
			// never enables an account. Where the mode does not write the
			// disabled side's partner, that side keeps its disable and the
			// base records the other side's value.
			switch {
			case dv == "true" && cfg.writesStore():
				flags = append(flags, pl.flagAction(p, SideStore, true))
			case dv == "true": // one-way: the directory's lock is left alone
				settled[f] = []string{sv}
			case cfg.writesDir():
				flags = append(flags, pl.flagAction(p, SideLDAP, true))
			default: // import: the store keeps its disable
				settled[f] = []string{dv}
			}
			continue
		}
		if f == FieldDisabled && cfg.mode == wizard.ModeImport && hasBase && dv == bv {
			// Import copies the directory's locks and unlocks, but a user
			// disabled in the store alone stays disabled: re-enabling an
			// account someone disabled here is never what an import is for.
			settled[f] = []string{bv}
			continue
		}
		dest, conflict := cfg.decide(sv, dv, bv, hasBase)
		if dest != "" && !pl.fieldWritable(p, f, dest, sv, dv) {
			if hasBase {
				settled[f] = []string{bv}
			}
			continue
		}
		if conflict {
			pl.plan.Conflicts = append(pl.plan.Conflicts, Conflict{Kind: store.KindUser, Name: name, DN: p.dir.DN,
				Field: f, StoreValue: sv, LDAPValue: dv, Winner: otherSide(dest)})
		}
		attr := cfg.attrOf[f]
		switch dest {
		case SideStore:
			if f == FieldDisabled {
				flags = append(flags, pl.flagAction(p, SideStore, dv == "true"))
				continue
			}
			toStore[f] = dv
			storeDiffs = append(storeDiffs, AttrDiff{Field: f, Attr: attr, Old: sv, New: dv})
		case SideLDAP:
			if f == FieldDisabled {
				flags = append(flags, pl.flagAction(p, SideLDAP, sv == "true"))
				continue
			}
			toDir[f] = sv
			dirDiffs = append(dirDiffs, AttrDiff{Field: f, Attr: attr, Old: dv, New: sv})
		default:
			settled[f] = []string{bv}
		}
	}
	if n, ok := toStore[FieldUsername]; ok {
		p.name = n
	}
	actions := 0
	if len(toStore) > 0 {
		pl.add(bucketUserChange, Action{Side: SideStore, Op: OpUpdate, Kind: store.KindUser, Name: p.name, DN: p.dir.DN,
			Diffs: storeDiffs, Reason: pl.updateReason(SideStore, p),
			apply: &applyData{user: p, values: toStore, baseSet: overlay(settled, toBase(toStore))}})
		actions++
	}
	if len(toDir) > 0 {
		pl.add(bucketUserChange, Action{Side: SideLDAP, Op: OpUpdate, Kind: store.KindUser, Name: p.name, DN: p.dir.DN,
			Diffs: dirDiffs, Reason: pl.updateReason(SideLDAP, p),
			apply: &applyData{user: p, values: toDir, baseSet: overlay(settled, toBase(toDir))}})
		actions++
	}
	// The password goes first: Active Directory enables an account only
	// once it has a password.
	if p.st.PasswordPending && cfg.writesDir() {
		pl.add(bucketUserChange, Action{Side: SideLDAP, Op: OpPassword, Kind: store.KindUser, Name: p.name, DN: p.dir.DN,
			Reason: "the password was changed in the store", apply: &applyData{user: p, baseSet: settled, more: &applyMore{password: true}}})
		actions++
	}
	for _, a := range flags {
		a.apply.baseSet = overlay(settled, a.apply.baseSet)
		pl.add(bucketUserChange, a)
		actions++
	}
	renamed := p.link != nil && !pl.dns.equal(p.link.DN, p.dir.DN)
	if renamed {
		// The rename action (planned by planUser) writes the link.
		for i := range pl.buckets[bucketUserChange] {
			if a := &pl.buckets[bucketUserChange][i]; a.apply != nil && a.apply.user == p && a.Op == OpRename {
				a.apply.baseSet = settled
			}
		}
		actions++
	}
	if actions == 0 && (p.link == nil || !sameBase(cfg.fields, p.link.Base, settled)) {
		reason := "both sides made the same change"
		if p.link == nil {
			reason = "the store user and the directory entry have the same username: linked"
		}
		pl.add(bucketUserChange, Action{Side: SideStore, Op: OpLink, Kind: store.KindUser, Name: p.name, DN: p.dir.DN,
			Reason: reason, Hidden: true, apply: &applyData{user: p, baseSet: settled}})
	}
}

// fieldWritable checks that writing field f to dest is possible; when not,
// the field is skipped with a reason.
func (pl *planner) fieldWritable(p *userPair, f, dest, sv, dv string) bool {
	attr := pl.cfg.attrOf[f]
	switch {
	case dest == SideStore && f == FieldUsername:
		if other := pl.storeName(dv); other != nil && other != p {
			pl.skip(store.KindUser, p.st.Username, p.dir.DN, SkipNameTaken,
				"the directory renamed this user to "+dv+", which another store user already has; the username is left as it is")
			return false
		}
	case dest == SideStore && f == FieldEmail:
		if err := store.ValidateEmail(dv); err != nil {
			pl.skip(store.KindUser, p.st.Username, p.dir.DN, SkipInvalidValue, err.Error()+"; the store keeps "+sv)
			return false
		}
	case dest == SideStore && strings.IndexFunc(dv, isControl) >= 0:
		pl.skip(store.KindUser, p.st.Username, p.dir.DN, SkipInvalidValue, "the "+f+" value contains a control character; not copied")
		return false
	case dest == SideLDAP && f == FieldUsername:
		if other := pl.dirName(sv); other != nil && other != p {
			pl.skip(store.KindUser, p.st.Username, p.dir.DN, SkipNameTaken,
				"the store renamed this user to "+sv+", which another directory entry already has; the directory is left as it is")
			return false
		}
		if pl.cfg.ad && strings.EqualFold(attr, "sAMAccountName") {
			if err := ldap.ValidateSAMAccountName(sv); err != nil {
				pl.skip(store.KindUser, p.st.Username, p.dir.DN, SkipInvalidUsername,
					err.Error()+"; the directory keeps "+dv)
				return false
			}
		}
	case dest == SideLDAP && sv == "" && requiredAttr(attr):
		pl.skip(store.KindUser, p.st.Username, p.dir.DN, SkipInvalidValue,
			"the store's "+f+" is empty, but the directory requires "+attr+"; the directory keeps "+dv)
		return false
	}
	return true
}

// flagAction plans disabling or enabling a user on side.
func (pl *planner) flagAction(p *userPair, side string, disabled bool) Action {
	op, reason := OpEnable, "enabled on the other side"
	if disabled {
		op, reason = OpDisable, "disabled on the other side"
	}
	if side == SideLDAP {
		reason += "; the sync " + pl.cfg.acct.Describe(disabled)
	}
	return Action{Side: side, Op: op, Kind: store.KindUser, Name: p.st.Username, DN: p.dir.DN, Reason: reason,
		apply: &applyData{user: p, baseSet: store.Values{FieldDisabled: {boolString(disabled)}}}}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// updateReason explains an update in words.
func (pl *planner) updateReason(dest string, p *userPair) string {
	switch {
	case pl.cfg.mode == wizard.ModeImport:
		return "import copies the directory's values"
	case p.link == nil:
		return "first sync of this user: values differ"
	case dest == SideLDAP:
		return "changed in the store"
	}
	return "changed in the directory"
}

func otherSide(dest string) string {
	if dest == SideStore {
		return SideLDAP
	}
	return SideStore
}

// overlay returns a copy of a with b's keys set over it.
func overlay(a, b store.Values) store.Values {
	out := store.Values{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// sameBase reports whether the base holds want's values for every field.
func sameBase(fields []string, base, want store.Values) bool {
	for _, f := range fields {
		w, wok := baseValue(want, f)
		b, bok := baseValue(base, f)
		if wok != bok || w != b {
			return false
		}
	}
	return true
}
