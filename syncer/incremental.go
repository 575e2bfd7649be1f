package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// DirRead says how a run read the directory: only what changed since the
// previous run's token (incremental), or whole, and why.
type DirRead struct {
	// Incremental: every search of the run was a refresh from the token.
	Incremental bool   `json:"incremental"`
	Method      string `json:"method,omitempty"` // ldap.SyncMethodSyncrepl when a token is kept or used
	// Reason says why the directory was read whole ("" when incremental).
	Reason string `json:"reason,omitempty"`
	// Token is the token the run started from, as the server wrote it
	// ("" when there was none).
	Token string `json:"token,omitempty"`
	// Changes counts the entries the refreshes reported added, changed,
	// moved or deleted.
	Changes int `json:"changes"`
	// FullAt is when the directory was last read whole (this run, when it
	// did); zero when no token is kept.
	FullAt time.Time `json:"full_at,omitzero"`
	// Unchanged: a quiet run (see tryQuiet). Nothing changed in the
	// directory since the token nor in the store since the last run, so
	// the store was not read, nothing was planned and the token is kept.
	Unchanged bool `json:"unchanged,omitempty"`
	// SkippedBefore, on a quiet run, is how many entries the last run that
	// read the store skipped: a quiet run lists no skip (Plan.Skipped is
	// empty), and they are as that run's report lists them.
	SkippedBefore int `json:"skipped_before,omitempty"`

	// next is the token and view to keep after the run; nil when none.
	next *store.SyncToken
	// quiet is the run's quiet-run check (incremental_fastpath.go).
	quiet *quietState
	// kept is the saved token, kept as it is when the view did not change.
	kept []byte
	// digest is the token of a whole read without an incremental token
	// (readDigest), when the read hashed itself (incRead.digest); nil
	// otherwise.
	digest []byte
	// plannerSkipped: the plan skipped something the read did not (see
	// noteQuiet).
	plannerSkipped bool
}

// Line says in one line how the directory was read.
func (d *DirRead) Line() string {
	if d == nil {
		return ""
	}
	if d.Unchanged {
		return d.unchangedLine()
	}
	if d.Incremental {
		return fmt.Sprintf("incremental: read only what changed since token %s (%s): %s changed", d.Token, methodName(d.Method), plural(d.Changes, "entry", "entries"))
	}
	return "full read: " + d.Reason
}

// dirView is the directory as the searches of a run read it, kept with the
// token so that the next run can patch it with the changes: one part per
// search (users, groups). It is stored as encodeView writes it (a JSON
// header line, then binary records), never as JSON whole.
type dirView struct {
	Version int
	Parts   map[string]*viewPart
}

// viewPart is what one search returned, in the order the server returned
// it, and the token of the directory state it shows.
type viewPart struct {
	Request string // requestHash of the search
	// Base, Filter and Attributes are the search's, for refreshing it.
	Base       string
	Filter     string
	Attributes []string
	Cookie     []byte
	// Entries are the part's entries, each encoded (see viewRecord).
	Entries []viewRecord
	// packed, once set, holds the entries compressed for the next view (a
	// gzip member of records, see encodeView), packedCount of them; Entries
	// is then let go. A run packs each part as it reads or delivers it, so
	// that it never holds the next view's entries twice, unless the saved
	// view is to be kept (incRead.keepable): then nothing is packed.
	packed      []byte
	packedCount int
}

// request is the search a part keeps.
func (p *viewPart) request() ldap.SearchRequest {
	return ldap.SearchRequest{Base: p.Base, Filter: p.Filter, Attributes: p.Attributes}
}

// narrowed is the part's search restricted to the entries clause (one
// parenthesized filter) matches as well.
func (p *viewPart) narrowed(clause string) ldap.SearchRequest {
	req := p.request()
	filter := strings.TrimSpace(req.Filter)
	if filter == "" {
		filter = "(objectClass=*)"
	}
	req.Filter = "(&" + filter + clause + ")"
	return req
}

// The searches of a run that are kept in the view.
const (
	partUsers  = "users"
	partGroups = "groups"
)

// incRead is the incremental side of one directory read: the view the
// previous run left (nil for a full read) and the view this read makes.
type incRead struct {
	method string    // ldap.SyncMethodSyncrepl, or "" when no token is taken
	prev   *dirView  // the previous run's view; nil: read whole
	prevAt time.Time // when prev's directory was last read whole
	// refreshed holds prev's parts brought up to date (prepare), made at
	// the first search.
	refreshed map[string]*viewPart
	next      dirView
	read      *DirRead
	full      int    // searches read whole
	noToken   string // why a search read whole got no token, when it did not
	// prevToken is the saved token's cookies, when reading from it.
	prevToken []byte
	// changed are the entries the refreshes changed, for
	// followServerWrites (read.Changes counts them).
	changed []entryChange
	// keepable: prepare found nothing changed at the saved token, so the
	// saved view will be kept and the parts need not be packed again.
	keepable bool
	// backlink is the users' attribute memberships are read from when the
	// groups' member attribute is not (users.member_attribute, memberOf);
	// "" otherwise.
	backlink string
	part     string // the part being refreshed
	// perSearch: the server's tokens are good only for the search they
	// came from (389 DS), so each is taken with that search's filter.
	perSearch bool
	// digest: the read hashes itself (readDigest) into read.digest: it
	// takes no token (method ""), and a quiet run may repeat the last one
	// (quietByDigest) or this run may certify one (noteQuiet).
	digest bool
	// keepsNothing: the run saves no token (a preview, a dry run), so a
	// search read whole takes none, and no entry is packed for a next
	// view; the saved token is still read from.
	keepsNothing bool
}

// planIncremental decides how this run reads the directory: from the
// saved token when everything allows it, else whole with the reason.
// token is the saved token (nil when none).
func planIncremental(ctx context.Context, s wizard.Settings, cfg syncConfig, conn serverInfo, token *store.SyncToken, now time.Time) *incRead {
	in := &incRead{next: dirView{Version: viewVersion, Parts: map[string]*viewPart{}}, read: &DirRead{}}
	if cfg.groupMemberAttr == "" {
		in.backlink = cfg.userMemberAttr
	}
	full := func(reason string) *incRead {
		in.read.Reason = reason
		return in
	}
	want := s.EffectiveIncremental()
	switch want {
	case wizard.IncrementalOff:
		return full("sync.incremental is \"off\"")
	case wizard.IncrementalAuto, wizard.IncrementalSyncrepl, wizard.IncrementalUSN:
	default:
		return full(fmt.Sprintf("sync.incremental = %q is not read by this ldapwiz yet", want))
	}
	dse, err := conn.RootDSE(ctx)
	if err != nil {
		return full("the server's RootDSE could not be read to find its incremental sync method: " + ldap.Explain(err).Problem)
	}
	in.perSearch = dse.SyncTokenPerSearch()
	method := ""
	for _, m := range dse.SyncMethods() {
		if (want == wizard.IncrementalAuto && readable(m)) || m == want {
			method = m
			break
		}
	}
	if method == "" {
		lacks := "the server offers no incremental sync method ldapwiz reads (RFC 4533 content sync, or uSNChanged on Active Directory)"
		switch {
		case want != wizard.IncrementalAuto:
			lacks = fmt.Sprintf("sync.incremental = %q, but the server does not offer it", want)
		case dse.IsOpenLDAP():
			lacks = "this OpenLDAP has no syncprov overlay: incremental sync needs it"
		}
		return full(lacks + " (full syncs still work)")
	}
	if reason := maintainedInFilter(cfg); reason != "" {
		return full(reason)
	}
	in.method, in.read.Method = method, method
	switch {
	case token == nil:
		return full("no sync token yet: the first run with incremental sync reads the directory whole")
	case token.Method != in.method:
		return full(fmt.Sprintf("the saved token is a %s token, not %s", token.Method, in.method))
	case token.Server != conn.Server():
		return full(fmt.Sprintf("the directory server changed (the token is from %s, this run reached %s)", token.Server, conn.Server()))
	case token.ScopeHash != scopeHash(cfg):
		return full("the scope settings changed since the token (search bases, filters, object classes, groups.sync_only or the attribute mapping)")
	case now.Sub(token.FullAt) >= s.FullEveryDuration():
		return full(fmt.Sprintf("sync.full_every (%s) has passed since the last full read at %s", s.FullEveryDuration(), token.FullAt.Format(time.RFC3339)))
	}
	view, err := decodeView(token.View)
	if err != nil {
		return full("the directory view kept with the token cannot be read (" + err.Error() + ")")
	}
	in.prev, in.prevAt = view, token.FullAt
	in.prevToken = token.Token
	in.read.Incremental, in.read.FullAt = true, token.FullAt
	if p := view.Parts[partUsers]; p != nil {
		in.read.Token = string(p.Cookie)
	}
	return in
}

// search runs one of the run's searches (part) through the view: a
// refresh from the previous token patching the previous view when there
// is one for the same request, else the search itself, recorded. Either
// way fn sees every entry in scope, in the server's order.
func (in *incRead) search(ctx context.Context, conn *ldap.Conn, part string, req ldap.SearchRequest, fn func(*ldap.Entry) error) error {
	hash := requestHash(req)
	if err := in.prepare(ctx, conn); err != nil {
		return err
	}
	if in.refreshed != nil {
		if p := in.refreshed[part]; p != nil && p.Request == hash {
			return in.deliver(part, p, req.ReuseEntries, fn)
		}
		in.fallBack("the " + part + " search changed since the token (base, filter or attributes)")
	}
	in.full++
	vp := &viewPart{Request: hash, Base: req.Base, Filter: req.Filter, Attributes: req.Attributes}
	if in.keepsNothing {
		// Read whole, as the run that keeps a view would, and kept by no one.
		in.next.Parts[part] = vp
		return conn.Search(ctx, req, fn)
	}
	if in.method != "" {
		// Without a token this search is read whole again next time.
		var err error
		if vp.Cookie, err = takeToken(ctx, conn, in.method, req, in.perSearch); err != nil {
			in.noToken = err.Error()
		}
	}
	if vp.Cookie == nil {
		// No token, so nothing to keep: read as without incremental sync.
		return conn.Search(ctx, req, fn)
	}
	pk := newViewPacker()
	err := conn.Search(ctx, req, func(e *ldap.Entry) error {
		rec := e.Record()
		pk.add(&rec)
		return fn(e)
	})
	if err != nil {
		return err
	}
	if err := vp.takePacked(pk); err != nil {
		return err
	}
	in.next.Parts[part] = vp
	return nil
}

// takePacked closes pk, which packed the part's entries, and keeps what it
// packed in place of the entries.
func (p *viewPart) takePacked(pk *viewPacker) error {
	packed, err := pk.close()
	if err != nil {
		return err
	}
	p.Entries, p.packed, p.packedCount = nil, packed, pk.n
	return nil
}

// fallBack records that the run reads a search whole after all.
func (in *incRead) fallBack(reason string) {
	if in.read.Incremental {
		in.read.Incremental, in.read.Reason = false, reason
	}
}

// deliver hands the patched entries of a part to fn and keeps them as the
// next view. Unless the saved view is to be kept (keepable) or the run
// keeps no view (keepsNothing), each entry is packed for the next view as
// it is handed on; either way but the first, its record is let go then.
// With reuse (the search's SearchRequest.ReuseEntries: fn keeps nothing of
// an entry but its strings), every entry is built into the one before.
// An error of fn (the sync's callbacks never stop a search early) ends it.
func (in *incRead) deliver(part string, p *viewPart, reuse bool, fn func(*ldap.Entry) error) error {
	in.next.Parts[part] = p
	var pk *viewPacker // nil: the saved view is kept, or no view is
	if !in.keepable && !in.keepsNothing {
		pk = newViewPacker()
	}
	letGo := pk != nil || in.keepsNothing
	var e *ldap.Entry
	for i, r := range p.Entries {
		rec, err := r.entry()
		if err != nil {
			return err
		}
		if !reuse {
			e = nil
		}
		e = rec.EntryInto(e)
		if err := fn(e); err != nil {
			return err
		}
		if pk != nil {
			pk.addRecord(r)
		}
		if letGo {
			p.Entries[i] = ""
		}
	}
	if pk == nil {
		return nil
	}
	return p.takePacked(pk)
}

// finish completes the DirRead of the run: the token and view to keep
// (none when no token was taken), and when the directory was last read
// whole.
func (in *incRead) finish(cfg syncConfig, server string, now time.Time) *DirRead {
	d := in.read
	if in.method == "" {
		return d
	}
	if in.noToken != "" {
		// A search read whole without a token: nothing to start from.
		d.Reason += "; no token kept for the next run: " + in.noToken
		return d
	}
	fullAt := in.prevAt
	if in.full == len(in.next.Parts) || fullAt.IsZero() {
		fullAt = now
	}
	if !d.Incremental {
		d.FullAt = fullAt
	}
	if in.keepsNothing {
		return d // nothing to save
	}
	for _, p := range in.next.Parts {
		if len(p.Cookie) == 0 {
			return d // a search without a token: nothing to start from
		}
	}
	if in.viewKept(d) {
		return d // the same view at the same token: nothing to rewrite
	}
	view, err := encodeView(&in.next)
	if err != nil {
		return d
	}
	d.next = &store.SyncToken{Method: in.method, Server: server, ScopeHash: scopeHash(cfg), Token: tokenOf(&in.next), View: view, FullAt: fullAt}
	return d
}

// tokenOf is the token column kept in the store: the cookie of each search.
func tokenOf(v *dirView) []byte {
	m := map[string]string{}
	for name, p := range v.Parts {
		m[name] = string(p.Cookie)
	}
	b, _ := json.Marshal(m)
	return b
}

// saveToken keeps the run's token and view in the store with the run.
func saveToken(ctx context.Context, db *store.DB, plan *Plan, runID int64) error {
	if plan == nil || plan.Read == nil || plan.Read.next == nil {
		return nil
	}
	t := *plan.Read.next
	t.RunID = runID
	if err := db.SaveSyncToken(ctx, t); err != nil {
		return fmt.Errorf("the sync succeeded, but keeping the directory's sync token failed (the next run reads the directory whole): %w", err)
	}
	return nil
}

// requestHash identifies a search: its base, filter and attributes.
func requestHash(req ldap.SearchRequest) string {
	h := sha256.New()
	fmt.Fprintf(h, "%q\x00%q\x00%d\x00%q", strings.ToLower(req.Base), req.Filter, req.Scope, req.Attributes)
	return hex.EncodeToString(h.Sum(nil))
}

// scopeHash identifies the settings that decide what a run reads: bases,
// filters, object classes, groups.sync_only and the attribute mapping.
func scopeHash(c syncConfig) string {
	h := sha256.New()
	attrs := make([]string, 0, len(c.fields))
	for _, f := range c.fields {
		attrs = append(attrs, f+"="+c.attrOf[f])
	}
	fmt.Fprintf(h, "%q|%q|%q|%q|%q|%q|%q|%q|%q|%q|%q", c.userBase, c.scope.UserFilter, c.userClass, c.userMemberAttr,
		c.groupBase, c.scope.GroupFilter, c.groupClass, c.groupNameAttr, c.groupMemberAttr, c.syncOnly, attrs)
	return hex.EncodeToString(h.Sum(nil))
}

// search is the reader's search for one of the parts kept in the view:
// through the incremental read when there is one.
func (r *dirReader) search(ctx context.Context, part string, req ldap.SearchRequest, fn func(*ldap.Entry) error) error {
	req, fn = r.hashed(req, fn)
	if r.inc == nil {
		return r.conn.Search(ctx, req, fn)
	}
	return r.inc.search(ctx, r.conn, part, req, fn)
}

// startIncremental loads the saved token and decides how this run reads
// the directory (planIncremental); a token the store cannot give means a
// full read, with the reason.
func startIncremental(ctx context.Context, s wizard.Settings, cfg syncConfig, db *store.DB, conn serverInfo, now time.Time) *incRead {
	token, err := db.SyncToken(ctx)
	if err != nil {
		in := planIncremental(ctx, s, cfg, conn, nil, now)
		if in.method != "" {
			in.read.Reason = "the saved sync token could not be read: " + err.Error()
		}
		return in
	}
	return planIncremental(ctx, s, cfg, conn, token, now)
}

// readMessage is the progress message of the directory read.
func (in *incRead) readMessage() string {
	if in.read.Incremental {
		return "reading only what changed since the last run"
	}
	return "reading users and groups (full read: " + in.read.Reason + ")"
}

// readable reports whether this ldapwiz reads incremental sync method m.
func readable(m string) bool { return m == ldap.SyncMethodSyncrepl || m == ldap.SyncMethodUSN }

// methodName words an incremental sync method for people.
func methodName(m string) string {
	if m == ldap.SyncMethodUSN {
		return "uSNChanged"
	}
	return "RFC 4533 content sync"
}

// takeToken returns a token for the directory's current state under the
// base of req, before req reads it whole; for req itself when the
// server's tokens are perSearch.
func takeToken(ctx context.Context, conn *ldap.Conn, method string, req ldap.SearchRequest, perSearch bool) ([]byte, error) {
	if method == ldap.SyncMethodUSN {
		usn, err := conn.HighestCommittedUSN(ctx)
		if err != nil {
			return nil, err
		}
		return []byte(strconv.FormatInt(usn, 10)), nil
	}
	if perSearch {
		return conn.SyncCookieFor(ctx, req)
	}
	return conn.SyncCookie(ctx, req.Base)
}

// maintainedInFilter says why the run must read whole when a scope filter
// tests memberOf (or the users' member attribute): the directory changes
// those values itself (OpenLDAP's memberof overlay, Active Directory's
// back-links) without telling a sync client, so an entry can enter or
// leave the filter unseen. "" when no filter does.
func maintainedInFilter(c syncConfig) string {
	attrs := []string{"memberof"}
	if a := strings.ToLower(strings.TrimSpace(c.userMemberAttr)); a != "" && a != "memberof" {
		attrs = append(attrs, a)
	}
	for _, f := range []struct{ setting, filter string }{{"users.filter", c.scope.UserFilter}, {"groups.filter", c.scope.GroupFilter}} {
		for _, a := range attrs {
			if strings.Contains(strings.ToLower(f.filter), a) {
				return fmt.Sprintf("%s tests %s, which the directory changes itself without telling a sync client, so every run reads the directory whole", f.setting, a)
			}
		}
	}
	return ""
}
