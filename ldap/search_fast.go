package ldap

import (
	"context"
	"fmt"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// searchRequestBytes encodes sr's protocolOp and controls as go-ldap sends
// them (everything after the message ID), to recognise the request on the
// wire (tapConn.claim). Should go-ldap ever encode differently, the claim
// simply matches nothing and go-ldap decodes the entries itself.
func searchRequestBytes(sr *goldap.SearchRequest) ([]byte, error) {
	pkt := ber.Encode(ber.ClassApplication, ber.TypeConstructed, goldap.ApplicationSearchRequest, nil, "Search Request")
	pkt.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, sr.BaseDN, "Base DN"))
	pkt.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(sr.Scope), "Scope"))
	pkt.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(sr.DerefAliases), "Deref Aliases"))
	pkt.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, uint64(sr.SizeLimit), "Size Limit"))
	pkt.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, uint64(sr.TimeLimit), "Time Limit"))
	pkt.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, sr.TypesOnly, "Types Only"))
	filter, err := CompileFilter(sr.Filter)
	if err != nil {
		return nil, err
	}
	pkt.AppendChild(filter)
	attrs := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Attributes")
	for _, a := range sr.Attributes {
		attrs.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a, "Attribute"))
	}
	pkt.AppendChild(attrs)
	out := pkt.Bytes()
	if len(sr.Controls) > 0 {
		ctls := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
		for _, c := range sr.Controls {
			ctls.AppendChild(c.Encode())
		}
		out = append(out, ctls.Bytes()...)
	}
	return out, nil
}

// pageClaim is what the tap needs to claim a page's entries: the
// request's bytes after the message ID, and the page's size.
type pageClaim struct {
	want []byte
	size int
}

// claimable reports whether the entries of sr can be decoded by the
// connection's tap, and how to claim them. Only paged searches qualify: a
// page bounds how many entries wait in the claim.
func (c *Conn) claimable(sr *goldap.SearchRequest) (pageClaim, bool) {
	if c.tap == nil {
		return pageClaim{}, false
	}
	pc := pageClaim{size: -1}
	for _, ctl := range sr.Controls {
		if p, ok := ctl.(*goldap.ControlPaging); ok {
			pc.size = int(p.PagingSize)
		}
	}
	if pc.size < 0 {
		return pageClaim{}, false
	}
	var err error
	pc.want, err = searchRequestBytes(sr)
	return pc, err == nil
}

// pageItem is one response of a page as go-ldap delivers it.
type pageItem struct {
	entry    *goldap.Entry
	referral string
	controls []goldap.Control
}

// pageResponses runs sr and returns what go-ldap delivers for it, through
// a channel closed at the end (then errOf gives the search's error).
func (c *Conn) pageResponses(ctx context.Context, sr *goldap.SearchRequest, buf int) (items <-chan pageItem, errOf func() error) {
	resp := c.c.SearchAsync(ctx, sr, buf)
	ch := make(chan pageItem, buf)
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		defer close(ch)
		for resp.Next() {
			ch <- pageItem{entry: resp.Entry(), referral: resp.Referral(), controls: resp.Controls()}
		}
		err = resp.Err()
	}()
	return ch, func() error { <-done; return err }
}

// searchPageClaimed is searchPage for a search whose entries the
// connection's tap decodes (see tapConn): the entries arrive through the
// claim, the rest (result, referrals, controls, and the entries should the
// claim not match) through go-ldap. The page's messages are all read even
// after the caller stops, as in searchPage. With reuse, the claim's entries
// go back to the tap once handled (SearchRequest.ReuseEntries).
func (c *Conn) searchPageClaimed(ctx context.Context, sr *goldap.SearchRequest, buf int, pc pageClaim,
	handle func(*Entry) error, onReferral func(string), reuse bool, timer *time.Timer, timeout time.Duration) (cookie []byte, stopped error, err error) {
	c.tap.sendMu.Lock()
	locked := true
	unlock := func() {
		if locked {
			locked = false
			c.tap.sendMu.Unlock()
		}
	}
	defer unlock()
	cl := c.tap.claim(pc.want, pc.size)
	defer c.tap.release(cl)
	items, errOf := c.pageResponses(ctx, sr, buf)
	bound := cl.bound
	deliver := func(entries []*decodedEntry) {
		for _, e := range entries {
			if stopped == nil {
				stopped = handle(&e.Entry)
			}
		}
		if reuse {
			c.tap.giveBack(entries)
		}
	}
	for open := true; open; {
		select {
		case <-bound:
			bound = nil
			unlock()
			continue
		case <-cl.notify:
			unlock()     // entries come only once the claim is bound
			timer.Stop() // time spent in handle does not count
			entries, _ := cl.take()
			deliver(entries)
		case it, ok := <-items:
			if locked {
				// go-ldap answers, so the request went out: if the claim
				// has not recognised it by now, it never will.
				c.tap.withdraw(cl)
				unlock()
			}
			if !ok {
				open = false
				break
			}
			timer.Stop()
			switch {
			case it.entry != nil:
				if stopped == nil {
					stopped = handle(fromGoldap(it.entry))
				}
			case it.referral != "" && onReferral != nil && stopped == nil:
				onReferral(it.referral)
			}
			for _, ctl := range it.controls {
				if pc, ok := ctl.(*goldap.ControlPaging); ok {
					cookie = pc.Cookie
				}
			}
		}
		timer.Reset(timeout)
	}
	timer.Stop()
	// Every entry was queued before go-ldap saw the result that ended the
	// search, so what is left in the claim is the rest of the page.
	entries, decodeErr := cl.take()
	deliver(entries)
	if decodeErr != nil {
		return nil, stopped, fmt.Errorf("reading the results of the search of %s: %w", sr.BaseDN, decodeErr)
	}
	return cookie, stopped, errOf()
}
