package syncer

import (
	"context"
	"fmt"
	"strconv"

	"ldapwiz/ldap"
)

// refreshUSN brings part p up to date on Active Directory from the
// highestCommittedUSN kept as its token: the entries in scope whose
// uSNChanged is larger (added, changed, renamed or moved) replace their
// old versions or come last, and an id-only scan of the scope drops the
// entries gone from it (deleted, moved out, no longer matching).
func (in *incRead) refreshUSN(ctx context.Context, conn *ldap.Conn, p *viewPart) (*viewPart, error) {
	since, err := strconv.ParseInt(string(p.Cookie), 10, 64)
	if err != nil {
		return nil, &refreshRefused{fmt.Errorf("the kept uSN token %q is not a number", p.Cookie)}
	}
	now, err := conn.HighestCommittedUSN(ctx)
	if err != nil {
		return nil, err
	}
	if now < since {
		return nil, &refreshRefused{fmt.Errorf("the server's highestCommittedUSN (%d) is below the token (%d): it is another server or was restored", now, since)}
	}
	index := map[string]int{}
	keptIDs := make([]string, 0, len(p.Entries)) // each kept entry's id, for the scan of what is still in scope
	entries, err := newViewSlots(p, func(i int, e ldap.EntryRecord) {
		id := recordID(e)
		keptIDs = append(keptIDs, id)
		if id != "" {
			index[id] = i
		}
	})
	if err != nil {
		return nil, err
	}
	changes := 0
	req := p.request()
	req.Filter = ldap.USNChangedFilter(p.Filter, since)
	err = conn.Search(ctx, req, func(e *ldap.Entry) error {
		rec := e.Record()
		id := recordID(rec)
		if i, ok := index[id]; ok && id != "" {
			old, err := entries.entry(i)
			if err != nil {
				return err
			}
			in.changed = append(in.changed, entryChange{part: in.part, old: old, new: &rec})
			entries[i] = viewSlot{fresh: &rec}
		} else {
			in.changed = append(in.changed, entryChange{part: in.part, new: &rec})
			index[id] = len(entries)
			entries = append(entries, viewSlot{fresh: &rec})
		}
		changes++
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the entries changed since uSN %d under %s: %w", since, p.Base, err)
	}
	inScope := map[string]bool{}
	ids := p.request()
	ids.Attributes = ldap.StableIDAttributes()
	err = conn.Search(ctx, ids, func(e *ldap.Entry) error {
		inScope[recordID(e.Record())] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the entries still under %s: %w", p.Base, err)
	}
	out := *p
	out.Cookie, out.Entries = []byte(strconv.FormatInt(now, 10)), make([]viewRecord, 0, len(entries))
	for i := range entries {
		var id string
		if fresh := entries[i].fresh; fresh != nil {
			id = recordID(*fresh)
		} else {
			id = keptIDs[i]
		}
		if id != "" && !inScope[id] {
			e, err := entries.entry(i)
			if err != nil {
				return nil, err
			}
			changes++
			in.changed = append(in.changed, entryChange{part: in.part, old: e})
			continue
		}
		out.Entries = append(out.Entries, entries.record(i))
	}
	in.read.Changes += changes
	return &out, nil
}
