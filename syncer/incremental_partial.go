package syncer

import (
	"context"
	"fmt"
	"strings"

	"ldapwiz/ldap"
)

// completeBatch is how many entries one search reads again by id.
const completeBatch = 100

// completeEntries reads again, with part p's search, the entries a refresh
// reported without a stable id (partial: each record and the UUID the
// server named it by). 389 DS's content sync sends a changed entry with
// its user attributes only, none of the operational ones the search asked
// for (nsUniqueId, entryUUID, nsAccountLock), so the entry is read by that
// UUID, as entryUUID or as the nsUniqueId 389 DS derives it from, and
// replaced in place. An entry no longer found is gone from scope: it is
// returned among the lost, and its change is dropped or made a delete.
func (in *incRead) completeEntries(ctx context.Context, conn *ldap.Conn, p *viewPart, partial map[*ldap.EntryRecord]string) (lost map[*ldap.EntryRecord]bool, err error) {
	if len(partial) == 0 {
		return nil, nil
	}
	byID := map[string]*ldap.EntryRecord{}
	var terms []string
	for rec, uuid := range partial {
		byID[uuid] = rec
		terms = append(terms, ldap.IDFilter("entryUUID", []byte(uuid)))
		if u := ldap.UniqueIDOfSyncUUID(uuid); u != "" {
			terms = append(terms, ldap.IDFilter("nsUniqueId", []byte(u)))
		}
	}
	found := map[*ldap.EntryRecord]bool{}
	for start := 0; start < len(terms); start += completeBatch {
		batch := terms[start:min(start+completeBatch, len(terms))]
		err := conn.Search(ctx, p.narrowed("(|"+strings.Join(batch, "")+")"), func(e *ldap.Entry) error {
			fresh := e.Record()
			for _, id := range syncIDs(fresh) {
				if rec := byID[id]; rec != nil {
					*rec = fresh
					found[rec] = true
					return nil
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read again the entries the directory reported changed under %s: %w", p.Base, err)
		}
	}
	if len(found) == len(partial) {
		return nil, nil
	}
	lost = map[*ldap.EntryRecord]bool{}
	for rec := range partial {
		if !found[rec] {
			lost[rec] = true
		}
	}
	kept := in.changed[:0]
	for _, ch := range in.changed {
		if _, ok := partial[ch.new]; ok && !found[ch.new] {
			if ch.old == nil {
				continue
			}
			ch.new = nil
		}
		kept = append(kept, ch)
	}
	in.changed = kept
	return lost, nil
}
