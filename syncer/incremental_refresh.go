package syncer

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ldapwiz/ldap"
)

// prepare brings every part of the previous view up to date, once, at the
// first search of the run: a refresh from each part's token, then a fresh
// read of the entries the directory changed without reporting it (see
// followServerWrites). A refused token makes the whole run a full read.
func (in *incRead) prepare(ctx context.Context, conn *ldap.Conn) error {
	if in.prev == nil || in.refreshed != nil {
		return nil
	}
	refreshed := map[string]*viewPart{}
	for _, name := range sortedParts(in.prev) {
		in.part = name
		p, err := in.refresh(ctx, conn, in.prev.Parts[name])
		var refused *refreshRefused
		if errors.As(err, &refused) {
			in.prev, in.changed = nil, nil // read whole: neither is needed
			in.fallBack(refused.Error())
			return nil
		}
		if err != nil {
			return err
		}
		refreshed[name] = p
	}
	if err := in.followServerWrites(ctx, conn, refreshed); err != nil {
		return err
	}
	// The old view is no longer needed, nor are the changes, which point
	// into it (in.read.Changes counts them).
	in.refreshed, in.prev, in.changed = refreshed, nil, nil
	// Nothing changed at the same token: the saved view will be kept
	// (viewKept), so the parts are handed on without being packed again.
	in.keepable = in.read.Changes == 0 && bytes.Equal(tokenOf(&dirView{Parts: refreshed}), in.prevToken)
	return nil
}

// sortedParts returns the names of a view's parts in a fixed order.
func sortedParts(v *dirView) []string {
	names := make([]string, 0, len(v.Parts))
	for n := range v.Parts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// refreshRefused is a refresh the server answered with an error about the
// token or the request, rather than a lost connection: the run reads the
// directory whole instead.
type refreshRefused struct{ err error }

func (r *refreshRefused) Error() string {
	if errors.Is(r.err, ldap.ErrSyncRefreshRequired) {
		return "the directory refused the sync token (e-syncRefreshRequired): it can no longer tell what changed since"
	}
	return "the directory refused the refresh from the sync token: " + r.err.Error()
}

// refresh asks for the changes since p's token and returns p's entries
// patched with them: added and changed entries replace the old ones (or
// come last when new), deleted ones go, and after a present phase so do
// the entries not reported.
func (in *incRead) refresh(ctx context.Context, conn *ldap.Conn, p *viewPart) (*viewPart, error) {
	if in.method == ldap.SyncMethodUSN {
		return in.refreshUSN(ctx, conn, p)
	}
	index := map[string]int{}
	entries, err := newViewSlots(p, func(i int, e ldap.EntryRecord) {
		for _, id := range syncIDs(e) {
			index[id] = i
		}
	})
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	partial := map[*ldap.EntryRecord]string{} // reported without a stable id: the UUID the server named
	changes := 0
	res, err := conn.SyncRefresh(ctx, p.request(), p.Cookie, func(ch ldap.SyncChange) error {
		id := strings.ToLower(ch.UUID)
		switch ch.State {
		case ldap.SyncPresent:
			present[id] = true
			return nil
		case ldap.SyncDelete:
			if i, ok := index[id]; ok && !entries[i].gone {
				old, err := entries.entry(i)
				if err != nil {
					return err
				}
				in.changed = append(in.changed, entryChange{part: in.part, old: old})
				entries[i] = viewSlot{gone: true}
				delete(index, id)
				changes++
			}
			return nil
		}
		rec := ch.Entry.Record()
		if len(syncIDs(rec)) == 0 {
			partial[&rec] = id
		}
		ids := append(syncIDs(rec), id)
		at := -1
		for _, v := range ids {
			present[v] = true
			if i, ok := index[v]; ok && at < 0 && !entries[i].gone {
				at = i
			}
		}
		if at >= 0 {
			old, err := entries.entry(at)
			if err != nil {
				return err
			}
			in.changed = append(in.changed, entryChange{part: in.part, old: old, new: &rec})
			entries[at] = viewSlot{fresh: &rec}
		} else {
			in.changed = append(in.changed, entryChange{part: in.part, new: &rec})
			at = len(entries)
			entries = append(entries, viewSlot{fresh: &rec})
		}
		for _, v := range ids {
			index[v] = at
		}
		changes++
		return nil
	})
	if err != nil {
		if ctx.Err() == nil && (errors.Is(err, ldap.ErrSyncRefreshRequired) || errors.Is(err, ldap.ErrSyncRefused)) {
			return nil, &refreshRefused{err}
		}
		return nil, err
	}
	lost, err := in.completeEntries(ctx, conn, p, partial)
	if err != nil {
		return nil, err
	}
	out := *p
	out.Cookie, out.Entries = res.Cookie, make([]viewRecord, 0, len(entries))
	for i := range entries {
		if entries[i].gone || lost[entries[i].fresh] {
			continue
		}
		if res.PresentPhase {
			e, err := entries.entry(i)
			if err != nil {
				return nil, err
			}
			if ids := syncIDs(*e); len(ids) > 0 && !slices.ContainsFunc(ids, func(id string) bool { return present[id] }) {
				changes++ // gone: the present phase did not name it
				in.changed = append(in.changed, entryChange{part: in.part, old: e})
				continue
			}
		}
		out.Entries = append(out.Entries, entries.record(i))
	}
	in.read.Changes += changes
	return &out, nil
}

// followServerWrites reads again the entries the directory itself rewrote
// without telling a content-sync client: OpenLDAP's refint and memberof
// overlays do not replicate their own writes, so a refresh reports a
// renamed or deleted user but not the groups whose member values refint
// rewrote, nor the memberOf values memberof changed. Read again, by
// entryUUID: every entry holding the old DN of an entry renamed, moved or
// gone (refint), and every entry whose DN a changed entry gained or lost
// as a value (memberof). The other entries are as the refresh left them.
func (in *incRead) followServerWrites(ctx context.Context, conn *ldap.Conn, parts map[string]*viewPart) error {
	var dns dnCache
	stale, touched := map[string]bool{}, map[string]bool{}
	addDN := func(set map[string]bool, dn string) {
		if n, ok := dns.normalize(dn); ok {
			set[n] = true
		}
	}
	for _, ch := range in.changed {
		switch {
		case ch.old == nil:
			for _, v := range recordValues(*ch.new) {
				addDN(touched, v)
			}
		case ch.new == nil:
			addDN(stale, ch.old.DN)
			for _, v := range recordValues(*ch.old) {
				addDN(touched, v)
			}
		default:
			if !dns.equal(ch.old.DN, ch.new.DN) {
				addDN(stale, ch.old.DN)
				addDN(touched, ch.new.DN)
			}
			for _, v := range symmetricDiff(recordValues(*ch.old), recordValues(*ch.new)) {
				addDN(touched, v)
			}
		}
	}
	// Memberships read from a back-link on the users (memberOf): the
	// server rewrites it when a group changes, without saying so. The
	// users holding a changed group's DN are read again (stale), and those
	// that hold it now are found by searching for it (holders).
	var holders []string
	if in.backlink != "" && parts[partUsers] != nil {
		seen := map[string]bool{}
		for _, ch := range in.changed {
			if ch.part == partUsers {
				continue
			}
			for _, r := range []*ldap.EntryRecord{ch.old, ch.new} {
				if r == nil || seen[r.DN] {
					continue
				}
				seen[r.DN] = true
				addDN(stale, r.DN)
				holders = append(holders, r.DN)
			}
		}
	}
	if len(stale) == 0 && len(touched) == 0 {
		return nil
	}
	if err := in.findHolders(ctx, conn, parts[partUsers], holders); err != nil {
		return err
	}
	for _, name := range sortedParts(&dirView{Parts: parts}) {
		p := parts[name]
		kept := p.Entries[:0:0]
		for _, r := range p.Entries {
			e, err := r.entry()
			if err != nil {
				return err
			}
			id := recordID(e)
			if id == "" || !affected(&dns, e, stale, touched) {
				kept = append(kept, r)
				continue
			}
			fresh, err := rereadEntry(ctx, conn, p, e)
			if err != nil {
				return err
			}
			if fresh == nil {
				in.read.Changes++ // gone since the refresh
				continue
			}
			if !slices.Equal(recordValues(*fresh), recordValues(e)) || fresh.DN != e.DN {
				in.read.Changes++
			}
			kept = append(kept, recordOf(fresh))
		}
		p.Entries = kept
	}
	return nil
}

// findHolders searches users part p for the entries whose back-link
// attribute holds one of dns now, and puts them in p in place of their
// old versions (or last, when they were not in scope before).
func (in *incRead) findHolders(ctx context.Context, conn *ldap.Conn, p *viewPart, dns []string) error {
	if len(dns) == 0 {
		return nil
	}
	index := map[string]int{}
	for i, r := range p.Entries {
		e, err := r.entry()
		if err != nil {
			return err
		}
		if id := recordID(e); id != "" {
			index[id] = i
		}
	}
	for _, dn := range dns {
		err := conn.Search(ctx, p.narrowed("("+in.backlink+"="+ldap.EscapeFilter(dn)+")"), func(e *ldap.Entry) error {
			rec := e.Record()
			id := recordID(rec)
			if i, ok := index[id]; ok && id != "" {
				old, err := p.Entries[i].entry()
				if err != nil {
					return err
				}
				if !slices.Equal(recordValues(rec), recordValues(old)) {
					in.read.Changes++
				}
				p.Entries[i] = recordOf(&rec)
				return nil
			}
			in.read.Changes++
			index[id] = len(p.Entries)
			p.Entries = append(p.Entries, recordOf(&rec))
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the users whose %s holds %s: %w", in.backlink, dn, err)
		}
	}
	return nil
}

// entryChange is one entry a refresh changed: old is nil for an entry
// new in scope, new is nil for one gone from it.
type entryChange struct {
	part     string // the view part it belongs to
	old, new *ldap.EntryRecord
}

// affected reports whether entry e may have been rewritten by the server:
// its DN is touched, or one of its values is a stale DN.
func affected(dns *dnCache, e ldap.EntryRecord, stale, touched map[string]bool) bool {
	if n, ok := dns.normalize(e.DN); ok && touched[n] {
		return true
	}
	if len(stale) == 0 {
		return false
	}
	for _, v := range recordValues(e) {
		if n, ok := dns.normalize(v); ok && stale[n] {
			return true
		}
	}
	return false
}

// rereadEntry reads entry e again with part p's search (its base, filter
// and attributes), found by its stable id: nil when it is no longer in
// scope.
func rereadEntry(ctx context.Context, conn *ldap.Conn, p *viewPart, e ldap.EntryRecord) (*ldap.EntryRecord, error) {
	_, attr, raw := recordIDAttr(e)
	var found *ldap.EntryRecord
	err := conn.Search(ctx, p.narrowed(ldap.IDFilter(attr, raw)), func(e *ldap.Entry) error {
		rec := e.Record()
		found = &rec
		return nil
	})
	return found, err
}

// recordValues lists the text values of a kept entry, attribute by
// attribute.
func recordValues(r ldap.EntryRecord) []string {
	var out []string
	for _, a := range r.Attrs {
		out = append(out, a.Text...)
	}
	return out
}

// symmetricDiff returns the values in exactly one of a and b.
func symmetricDiff(a, b []string) []string {
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, v := range list {
			m[v] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for v := range ma {
		if !mb[v] {
			out = append(out, v)
		}
	}
	for v := range mb {
		if !ma[v] {
			out = append(out, v)
		}
	}
	return out
}

// recordID returns the stable id a kept entry is known by ("" when it has
// none): its entryUUID (lower case, as RFC 4533 names entries), else its
// objectGUID (hex) or nsUniqueId.
func recordID(r ldap.EntryRecord) string {
	id, _, _ := recordIDAttr(r)
	return id
}

// syncIDs returns the ids a content sync may name a kept entry by: its
// entryUUID and, from its nsUniqueId, the UUID 389 DS names it by (389
// DS's content sync uses nsUniqueId, not entryUUID), each lower case.
func syncIDs(r ldap.EntryRecord) []string {
	var ids []string
	for _, a := range r.Attrs {
		if len(a.Text) == 0 {
			continue
		}
		switch {
		case strings.EqualFold(a.Name, "entryUUID"):
			ids = append(ids, strings.ToLower(a.Text[0]))
		case strings.EqualFold(a.Name, "nsUniqueId"):
			if u := ldap.SyncUUIDOfUniqueID(a.Text[0]); u != "" {
				ids = append(ids, u)
			}
		}
	}
	return ids
}

// recordIDAttr is recordID with the attribute it comes from and that
// attribute's value as the server sent it, for searching the entry again.
func recordIDAttr(r ldap.EntryRecord) (id, attr string, raw []byte) {
	for _, name := range []string{"entryUUID", "objectGUID", "nsUniqueId"} {
		for _, a := range r.Attrs {
			if !strings.EqualFold(a.Name, name) {
				continue
			}
			switch {
			case len(a.Text) > 0:
				return strings.ToLower(a.Text[0]), a.Name, []byte(a.Text[0])
			case len(a.Raw) > 0:
				return hex.EncodeToString(a.Raw[0]), a.Name, a.Raw[0]
			}
		}
	}
	return "", "", nil
}
