package syncer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// quietCount is the run count that certifies a run's end state: a hash of
// the store's change mark, the settings, this build and the token kept. A
// run whose directory refresh reports nothing and whose hash equals the
// last successful run's plans nothing (the same directory, store, settings
// and code make the same plan, and that run's plan was applied), so it
// skips reading the store and planning: a quiet run.
const quietCount = "quiet_mark"

// quietStoreCount is the part of the quiet mark without the directory's
// token: a hash of the store's change mark, the settings and this build.
// A run whose store, settings and build hash to the last run's may be
// quiet whatever the directory says; only then does a whole read without
// a token read the directory just to see whether it changed
// (readDigestOnly).
const quietStoreCount = "quiet_store"

// quietState is what a run knows for the quiet-run check: the store's
// change mark read before the store was (or instead of reading it).
type quietState struct {
	store store.ChangeMark // the store's change mark, read before the store
	fast  bool             // this run is quiet: nothing read, nothing planned
	// last and lastKey are the counts and quiet mark of the last
	// successful run, when a quiet run may repeat it (no missing user's
	// grace running out); a quiet run repeats them.
	last    store.Counts
	lastKey int
	// trace follows the store's mark through this run's own writes (see
	// traceQuiet), nil when they are not traced.
	trace *store.MarkTrace
}

// traceQuiet returns ctx for applying plan: when the run writes to the
// store, carrying a trace of the store's change mark from the one read
// before the store was, so that noteQuiet can certify the mark the run's
// own writes left (store.MarkTrace: it reads the mark twice in all,
// whatever the number of write transactions). The caller closes the
// plan's trace (closeTrace) once noteQuiet is done with it.
func traceQuiet(ctx context.Context, plan *Plan) context.Context {
	if plan == nil || plan.Read == nil || plan.Read.quiet == nil || plan.Read.quiet.fast || !wroteStore(plan) {
		return ctx
	}
	qs := plan.Read.quiet
	qs.trace = store.NewMarkTrace(qs.store.Key)
	return store.WithMarkTrace(ctx, qs.trace)
}

// sealTrace makes the plan's trace, if it has one, read the mark its
// writes left, right after the last of them: the trace then checks that
// no one else wrote since (on SQLite, that no other connection committed
// anything, which the run's own writes outside the mark's tables, its
// token and its record, would also count).
func sealTrace(ctx context.Context, plan *Plan) {
	if t := traceOf(plan); t != nil {
		t.Mark(ctx)
	}
}

// closeTrace releases what the plan's trace holds (a connection, on
// SQLite), if it has one.
func closeTrace(plan *Plan) { _ = traceOf(plan).Close() }

// traceOf is the trace of plan's store writes (traceQuiet), or nil.
func traceOf(plan *Plan) *store.MarkTrace {
	if plan == nil || plan.Read == nil || plan.Read.quiet == nil {
		return nil
	}
	return plan.Read.quiet.trace
}

// tryQuiet reads the store's change mark and, when the last successful run
// (whose counts are prev, nil when there is none) left the store,
// settings and token as they are now and the directory reports no change
// since the token, returns the empty plan of a quiet run. Otherwise the
// plan is nil and the run takes the normal path, with the mark read here
// (before the store is).
func tryQuiet(ctx context.Context, s wizard.Settings, cfg syncConfig, db *store.DB, conn *runConn, prev store.Counts, now time.Time, tr *tracker) (*quietState, *Plan) {
	m, err := db.ChangeMark(ctx)
	if err != nil {
		return nil, nil
	}
	qs := &quietState{store: m}
	if cfg.missingGrace > 0 && m.MissingUsers > 0 {
		return qs, nil // a missing user's grace can run out: the clock plans
	}
	want, ok := prev[quietCount]
	if !ok {
		return qs, nil
	}
	qs.last, qs.lastKey = prev, want
	token, err := db.SyncTokenHead(ctx)
	if err != nil || token == nil || quietKey(m.Key, s, token.Token) != want {
		return qs, nil
	}
	head, err := decodeViewHeader(token.View)
	if err != nil {
		return qs, nil
	}
	// The token's checks (method, server, scope, sync.full_every) are
	// planIncremental's, on the view without its entries.
	stub := *token
	if stub.View, err = encodeView(head); err != nil {
		return qs, nil
	}
	in := planIncremental(ctx, s, cfg, conn, &stub, now)
	if !in.read.Incremental {
		return qs, nil
	}
	tr.begin(PhaseReadDirectory, 0, false, "asking the directory what changed since the last run")
	if !directoryQuiet(ctx, conn.Conn, in.method, head) {
		return qs, nil // the normal path asks again and patches the view
	}
	return qs, qs.repeat(cfg, in.read, conn.Server(), prev["directory_entries"])
}

// repeat returns the empty plan of a quiet run repeating the last
// successful one, read as read says (entries: how many entries it read).
func (qs *quietState) repeat(cfg syncConfig, read *DirRead, server string, entries int) *Plan {
	qs.fast = true
	read.Unchanged, read.quiet, read.SkippedBefore = true, qs, qs.last["skipped"]
	m := qs.store
	return &Plan{
		Mode: cfg.mode, Authority: cfg.authority, AccountState: cfg.acct,
		Actions: []Action{}, Skipped: []Skip{}, Conflicts: []Conflict{},
		DirectoryUsers: qs.last["directory_users"], DirectoryGroups: qs.last["directory_groups"],
		StoreUsers: int(m.LiveUsers), StoreGroups: int(m.LiveGroups), LinkedUsers: int(m.LinkedUsers), LinkedGroups: int(m.LinkedGroups),
		Server: server, Read: read, entriesRead: entries,
	}
}

// quietByDigest returns the empty plan of a quiet run when the directory,
// read whole without an incremental token, hashes (digest), with the
// store's change mark read before it, the settings and this build, to the
// last successful run's quiet mark: that run read the same directory and
// planned nothing, or applied changes to the store only, its writes
// traced to the store as this run found it (noteQuiet records a digest's
// mark for no other run). What a run applied it does not plan again, so
// this one would plan nothing. The store is then not read. read is the
// run's DirRead (no token: incRead.finish would return it as it is);
// entries, how many entries it read. As every quiet run, it lists no skip
// and carries the last run's tallies (noteQuiet).
func quietByDigest(s wizard.Settings, cfg syncConfig, qs *quietState, digest []byte, read *DirRead, server string, entries int) *Plan {
	if qs == nil || qs.last == nil || digest == nil || quietKey(qs.store.Key, s, digest) != qs.lastKey {
		return nil
	}
	return qs.repeat(cfg, read, server, entries)
}

// storeSame reports whether the store's mark, the settings and this build
// are as the last successful run certified them (quietStoreCount): only
// the directory can then keep a run from being quiet.
func (qs *quietState) storeSame(s wizard.Settings) bool {
	if qs == nil || qs.last == nil {
		return false
	}
	want, ok := qs.last[quietStoreCount]
	return ok && want == quietKey(qs.store.Key, s, nil) // nil: no run certifies with no token
}

// directoryQuiet reports whether the directory says nothing changed in
// any part of the view since the part's token: each part's RFC 4533
// refresh names no entry, or, with uSNChanged, the server's
// highestCommittedUSN is still every part's token (any write anywhere on
// the server raises it, so this errs towards reading). Any error, and any
// other method, is "not quiet".
func directoryQuiet(ctx context.Context, conn *ldap.Conn, method string, head *dirView) bool {
	switch method {
	case ldap.SyncMethodSyncrepl:
		for _, name := range sortedParts(head) {
			p := head.Parts[name]
			changes := 0
			res, err := conn.SyncRefresh(ctx, p.request(), p.Cookie, func(ch ldap.SyncChange) error {
				if ch.State != ldap.SyncPresent {
					changes++
				}
				return nil
			})
			if err != nil || res.PresentPhase || changes > 0 {
				return false
			}
		}
		return true
	case ldap.SyncMethodUSN:
		usn, err := conn.HighestCommittedUSN(ctx)
		if err != nil {
			return false
		}
		for _, p := range head.Parts {
			if string(p.Cookie) != strconv.FormatInt(usn, 10) {
				return false
			}
		}
		return len(head.Parts) > 0
	}
	return false
}

// noteQuiet adds the quiet mark to the counts of a successful run whose
// end state a later quiet run may repeat: it kept a token (or, reading
// the directory whole without one, changed nothing there: its digest
// stands for a token), planned no conflict and no skip of the planner's
// own (a username the store already gives another user, say: it waits on
// an administrator, and a quiet run lists no skip, so every run must), and
// no one else changed the store while it ran — the store's
// mark is the one read before the run read the store or, when the run
// wrote to the store, the one its traced writes left, each transaction
// having begun at the mark the one before it left (traceQuiet). A run
// whose writes were not traced (too many changes) records no mark: the
// next run reads the store (and, finding nothing new, records the mark).
func noteQuiet(ctx context.Context, db *store.DB, s wizard.Settings, plan *Plan, counts store.Counts) {
	if plan == nil || plan.Read == nil || plan.Read.quiet == nil || len(plan.Conflicts) > 0 || plan.Read.plannerSkipped {
		return
	}
	qs := plan.Read.quiet
	if qs.fast {
		// Nothing was written, so the mark stands: a store write during
		// this run changed the store's mark, and the next run sees it.
		counts["skipped"], counts[quietCount] = qs.last["skipped"], qs.lastKey
		if v, ok := qs.last[quietStoreCount]; ok {
			counts[quietStoreCount] = v
		}
		return
	}
	token := plan.Read.kept
	if plan.Read.next != nil {
		token = plan.Read.next.Token
	}
	digest := false
	if token == nil && plan.Read.digest != nil && !wroteDirectory(plan) {
		// A whole read without a token that changed nothing in the
		// directory: its digest stands for the token (quietByDigest). A
		// run that wrote to the directory changed what it hashed: the next
		// run reads it again whole, and certifies if it plans nothing.
		token, digest = plan.Read.digest, true
	}
	if token == nil {
		return
	}
	want := qs.store.Key
	if wroteStore(plan) {
		if qs.trace == nil {
			return
		}
		mark, ok := qs.trace.Mark(ctx)
		if !ok {
			return
		}
		want = mark
	}
	m, err := db.ChangeMark(ctx)
	if err != nil || m.Key != want {
		return
	}
	counts[quietCount] = quietKey(m.Key, s, token)
	if digest {
		// Only a digest's mark is worth reading the directory for when the
		// store is the same (storeSame): a token's never matches a digest.
		counts[quietStoreCount] = quietKey(m.Key, s, nil)
	}
}

// viewKept reports whether a run read only from the saved token and found
// nothing changed at the same token (the searches' cookies as saved): its
// view is the saved one, so the token and view are kept, not rewritten.
// prepare decided so (keepable) before the searches; they must all have
// been delivered from the token, and the next view must carry it.
func (in *incRead) viewKept(d *DirRead) bool {
	if !d.Incremental || !in.keepable || in.full != 0 || in.prevToken == nil ||
		!bytes.Equal(tokenOf(&in.next), in.prevToken) {
		return false
	}
	d.kept = in.prevToken
	return true
}

// wroteStore reports whether the plan changes the store.
func wroteStore(plan *Plan) bool { return writesSide(plan, true) }

// wroteDirectory reports whether the plan changes the directory.
func wroteDirectory(plan *Plan) bool { return writesSide(plan, false) }

// writesSide reports whether any of the plan's actions, bookkeeping
// included, changes the store (toStore) or the directory (!toStore).
func writesSide(plan *Plan, toStore bool) bool {
	for i := range plan.Actions {
		if (plan.Actions[i].Side == SideStore) == toStore {
			return true
		}
	}
	return false
}

// quietKey hashes a store change mark, the settings, this build and a
// token into a count (53 bits, exact in any JSON reader).
func quietKey(mark string, s wizard.Settings, token []byte) int {
	settings, _ := json.Marshal(s)
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%q\x00%q\x00%s\x00", viewVersion, mark, token, buildID())
	h.Write(settings)
	return int(binary.BigEndian.Uint64(h.Sum(nil)) & (1<<53 - 1))
}

// unchangedLine says that a quiet run found nothing changed.
func (d *DirRead) unchangedLine() string {
	line := "full read: the directory is as the last run read it, and the store has not changed since: the store was not read, nothing to plan"
	if d.Method != "" {
		line = fmt.Sprintf("incremental: nothing changed since token %s (%s) in the directory or the store: the store was not read, nothing to plan", d.Token, methodName(d.Method))
	}
	if d.SkippedBefore > 0 {
		line += "; the last run that read the store skipped " + plural(d.SkippedBefore, "entry", "entries") + " (its report lists them)"
	}
	return line
}
