package ldap

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// Scope is how deep a search reaches below its base. The zero value searches
// the whole subtree.
type Scope int

// Search scopes.
const (
	ScopeSub  Scope = iota // the base and everything below it
	ScopeOne               // the base's immediate children only
	ScopeBase              // the base entry only
)

func (s Scope) goldap() int {
	switch s {
	case ScopeOne:
		return goldap.ScopeSingleLevel
	case ScopeBase:
		return goldap.ScopeBaseObject
	default:
		return goldap.ScopeWholeSubtree
	}
}

// SearchRequest describes a streaming search.
type SearchRequest struct {
	Base       string
	Scope      Scope
	Filter     string   // RFC 4515; empty means (objectClass=*)
	Attributes []string // nil asks for all user attributes; "1.1" for none
	// PageSize is the paged-results page size: 0 uses the connection's
	// page_size, a negative value sends no paging control at all.
	PageSize int
	// OnReferral, when set, is called with each search result reference the
	// server returns. Referrals are never chased.
	OnReferral func(url string)
	// ReuseEntries lets the search decode a later entry into the Entry
	// handed to the callback once the callback has returned: its strings
	// stay valid, but the callback must keep neither the *Entry nor any
	// slice of it (Attributes, an attribute's Values; copy what it keeps).
	// Reading a large directory then allocates far less. It changes
	// nothing where go-ldap decodes the entries (a search the tap does not
	// claim, such as one over a SASL security layer).
	ReuseEntries bool

	manageDsaIT bool // show referral objects as entries (browsing)
}

// ErrStopSearch, returned by a Search callback, ends the search early
// without an error.
var ErrStopSearch = errors.New("stop search")

// SizeLimitError is returned when the server stops a search at its size
// limit. Entries before the limit were already delivered.
type SizeLimitError struct {
	Delivered int  // entries handed to the callback before the limit
	Paged     bool // whether the search used the paged-results control
	Err       error
}

// Error explains the limit and what to change.
func (e *SizeLimitError) Error() string {
	if !e.Paged {
		return fmt.Sprintf("the directory stopped the search at its size limit after %d entries (LDAP result 4, sizeLimitExceeded): "+
			"the search was not paged; set connection.page_size (for example 500) so results come in pages, "+
			"or ask the directory administrator to raise the size limit for the bind account", e.Delivered)
	}
	return fmt.Sprintf("the directory stopped the search at its size limit after %d entries (LDAP result 4, sizeLimitExceeded) even though it was paged: "+
		"the server limits how many entries this bind account may read in total (OpenLDAP: olcLimits size.prtotal), "+
		"or it ignores the paged-results control; lower connection.page_size below the server's limit, narrow search_base or filter, "+
		"or ask the directory administrator to raise the limit for bind_dn", e.Delivered)
}

// Unwrap returns the server's error.
func (e *SizeLimitError) Unwrap() error { return e.Err }

// ReferralError is returned when the server answers with a referral instead
// of a result: the entry is held by another server. Referrals are not chased.
type ReferralError struct {
	DN   string   // what was asked for
	URLs []string // where the server points to
	Err  error
}

// Error says where the server points and what to change.
func (e *ReferralError) Error() string {
	where := "another server"
	if len(e.URLs) > 0 {
		where = strings.Join(e.URLs, ", ")
	}
	return fmt.Sprintf("the directory refers %s to %s (LDAP result 10, referral); ldapwiz does not follow referrals: "+
		"choose a base this server holds, or point connection.url at the server named in the referral", e.DN, where)
}

// Unwrap returns the server's error.
func (e *ReferralError) Unwrap() error { return e.Err }

// searchFilter is the filter a search sends for filter: trimmed, and
// (objectClass=*) when empty.
func searchFilter(filter string) string {
	if f := strings.TrimSpace(filter); f != "" {
		return f
	}
	return "(objectClass=*)"
}

// Search runs a streaming search: entries are handed to fn as each page
// arrives, so memory is bounded by the page size, not by the result size.
// Ranged attributes (member;range=0-1499) are fetched whole and presented
// under their plain name. Search result references go to req.OnReferral and
// are never chased. fn returning ErrStopSearch ends the search without an
// error; any other error from fn ends it and is returned.
//
// The connection timeout applies to each page (each request to the server),
// not to the whole search, so long searches of large directories run to the
// end; time spent in fn does not count.
func (c *Conn) Search(ctx context.Context, req SearchRequest, fn func(*Entry) error) error {
	if fn == nil {
		return errors.New("ldap.Search: no callback")
	}
	filter := searchFilter(req.Filter)
	if _, err := CompileFilter(filter); err != nil {
		return fmt.Errorf("the filter %q is not a valid LDAP filter (RFC 4515): %v; check the filter setting "+
			"(wrap it in parentheses; write * ( ) \\ inside values as \\2a \\28 \\29 \\5c)", filter, err)
	}
	paged := req.PageSize >= 0
	size := req.PageSize
	if size == 0 {
		size = c.PageSize()
	}
	delivered := 0
	handle := func(e *Entry) error {
		if err := c.completeRanges(ctx, e); err != nil {
			return passThrough{err}
		}
		if err := fn(e); err != nil {
			return passThrough{err}
		}
		delivered++
		return nil
	}
	var cookie []byte
	for {
		var controls []goldap.Control
		if req.manageDsaIT {
			controls = append(controls, goldap.NewControlManageDsaIT(false))
		}
		if paged {
			pc := goldap.NewControlPaging(uint32(size))
			pc.SetCookie(cookie)
			controls = append(controls, pc)
		}
		sr := goldap.NewSearchRequest(req.Base, req.Scope.goldap(), goldap.NeverDerefAliases, 0, 0, false,
			filter, req.Attributes, controls)
		buf := 1024
		if paged {
			buf = size + 16
		}
		next, err := c.searchPage(ctx, sr, buf, handle, req.OnReferral, req.ReuseEntries)
		if err != nil {
			var own passThrough
			if errors.As(err, &own) {
				if errors.Is(own.err, ErrStopSearch) {
					return nil
				}
				return own.err
			}
			return c.explainSearchError(req.Base, paged, delivered, err)
		}
		if !paged || len(next) == 0 {
			return nil
		}
		cookie = next
	}
}

// passThrough carries an error of the callback (or of the ranged-attribute
// follow-up) out of a page unchanged, so it is not mistaken for the search's
// own result.
type passThrough struct{ err error }

func (p passThrough) Error() string { return p.err.Error() }

// explainSearchError turns the server errors a search commonly meets into
// errors that say what to do.
func (c *Conn) explainSearchError(base string, paged bool, delivered int, err error) error {
	var le *goldap.Error
	if !errors.As(err, &le) {
		return err
	}
	switch le.ResultCode {
	case goldap.LDAPResultSizeLimitExceeded:
		return &SizeLimitError{Delivered: delivered, Paged: paged, Err: err}
	case goldap.LDAPResultReferral:
		return &ReferralError{DN: base, URLs: referralURLs(le), Err: err}
	case goldap.LDAPResultNoSuchObject:
		closest := ""
		if le.MatchedDN != "" {
			closest = fmt.Sprintf(" (the closest existing entry is %s)", le.MatchedDN)
		}
		return fmt.Errorf("the search base %q does not exist on the server%s; check the search_base setting: %w", base, closest, err)
	}
	return err
}

// searchPage runs one request (one page) and hands its entries to handle as
// they arrive. It returns the paged-results cookie of the next page (nil at
// the end or when the server does not page). The connection timeout limits
// each wait for the server.
func (c *Conn) searchPage(ctx context.Context, sr *goldap.SearchRequest, buf int,
	handle func(*Entry) error, onReferral func(string), reuse bool) ([]byte, error) {
	pageCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timedOut atomic.Bool
	timeout := c.cfg.timeout()
	timer := time.AfterFunc(timeout, func() { timedOut.Store(true); cancel() })
	defer timer.Stop()

	var cookie []byte
	var stopped error // the caller's error; the rest of the page is drained
	if pc, ok := c.claimable(sr); ok {
		var err error
		cookie, stopped, err = c.searchPageClaimed(pageCtx, sr, buf, pc, handle, onReferral, reuse, timer, timeout)
		return c.pageResult(ctx, sr, cookie, stopped, err, timeout, &timedOut)
	}
	resp := c.c.SearchAsync(pageCtx, sr, buf)
	for resp.Next() {
		timer.Stop()
		// Once the caller has stopped, the rest of this page is read without
		// being handed on: the operation must end on the server before the
		// next one starts, or a server that keeps one paged search per
		// connection (OpenLDAP) invalidates the next search's cookie.
		switch e, ref := resp.Entry(), resp.Referral(); {
		case stopped != nil:
		case e != nil:
			stopped = handle(fromGoldap(e))
		case ref != "" && onReferral != nil:
			onReferral(ref)
		}
		for _, ctl := range resp.Controls() {
			if pc, ok := ctl.(*goldap.ControlPaging); ok {
				cookie = pc.Cookie
			}
		}
		timer.Reset(timeout)
	}
	timer.Stop()
	return c.pageResult(ctx, sr, cookie, stopped, resp.Err(), timeout, &timedOut)
}

// pageResult is the outcome of one page: the caller's error, the search's
// error explained, or the next page's cookie.
func (c *Conn) pageResult(ctx context.Context, sr *goldap.SearchRequest, cookie []byte, stopped, err error,
	timeout time.Duration, timedOut *atomic.Bool) ([]byte, error) {
	if stopped != nil {
		return nil, stopped
	}
	if err != nil {
		var le *goldap.Error
		if errors.As(err, &le) && le.ResultCode == goldap.ErrorNetwork && strings.Contains(err.Error(), "timed out") {
			// go-ldap's own per-request timer (the same setting) fired first.
			return nil, searchTimeout(timeout, sr.BaseDN, err)
		}
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if timedOut.Load() {
		return nil, searchTimeout(timeout, sr.BaseDN, context.DeadlineExceeded)
	}
	if c.c.IsClosing() {
		// go-ldap ends a search on a closed connection without an error;
		// never let that pass for a complete result.
		return nil, fmt.Errorf("the connection to the directory was lost while searching %s, so the result is incomplete; check that the server is running and try again", sr.BaseDN)
	}
	return cookie, nil
}

func searchTimeout(timeout time.Duration, base string, err error) error {
	return fmt.Errorf("the directory did not answer within %s while searching %s; raise connection.timeout or check the server's load: %w", timeout, base, err)
}

// searchAll runs a small unpaged search and returns its entries, for base
// searches of single entries.
func (c *Conn) searchAll(ctx context.Context, sr *goldap.SearchRequest) ([]*Entry, error) {
	var out []*Entry
	_, err := c.searchPage(ctx, sr, 64, func(e *Entry) error {
		out = append(out, e)
		return nil
	}, nil, false)
	return out, err
}

// referralURLs reads the referral URLs (LDAPResult's [3] Referral field) from
// the packet of a referral result.
func referralURLs(le *goldap.Error) []string {
	if le == nil || le.Packet == nil || len(le.Packet.Children) < 2 {
		return nil
	}
	op := le.Packet.Children[1]
	var urls []string
	for _, child := range op.Children {
		if child.ClassType == ber.ClassContext && child.Tag == 3 {
			for _, u := range child.Children {
				if s, ok := u.Value.(string); ok {
					urls = append(urls, s)
				} else if u.Data != nil {
					urls = append(urls, u.Data.String())
				}
			}
		}
	}
	return urls
}
