package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"

	"ldapwiz/ldap"
)

// readDigest hashes what a whole read of the directory gave the planner:
// every search it made (base, scope, filter, attributes), every entry in
// the order the server returned it (DN, each attribute's name and values,
// a binary attribute's bytes as sent) and every referral, then how the
// read marks a disabled account. Two reads with the same digest gave the
// planner the same directory, so a run that planned nothing on one, or
// applied its changes to the store only, plans nothing on the other when
// the store (as that run left it), settings and build are the same too
// (see quietByDigest).
type readDigest struct {
	h   hash.Hash
	buf []byte // one record, hashed as a whole
}

func newReadDigest() *readDigest { return &readDigest{h: sha256.New()} }

// Record kinds, so that no record can be read as another.
const (
	digestSearch   = 's'
	digestEntry    = 'e'
	digestReferral = 'r'
	digestEnd      = 'z'
)

// field appends s to the record, preceded by its length.
func (d *readDigest) field(s string) {
	d.buf = binary.AppendUvarint(d.buf, uint64(len(s)))
	d.buf = append(d.buf, s...)
}

// write hashes the record built and starts the next.
func (d *readDigest) write() {
	d.h.Write(d.buf)
	d.buf = d.buf[:0]
}

// search records a search about to be made.
func (d *readDigest) search(req ldap.SearchRequest) {
	d.buf = append(d.buf, digestSearch)
	d.field(req.Base)
	d.buf = binary.AppendUvarint(d.buf, uint64(req.Scope))
	d.field(req.Filter)
	d.buf = binary.AppendUvarint(d.buf, uint64(len(req.Attributes)))
	for _, a := range req.Attributes {
		d.field(a)
	}
	d.write()
}

// entry records an entry a search returned.
func (d *readDigest) entry(e *ldap.Entry) {
	d.buf = append(d.buf, digestEntry)
	d.field(e.DN)
	d.buf = binary.AppendUvarint(d.buf, uint64(len(e.Attributes)))
	for _, a := range e.Attributes {
		d.field(a.Name)
		if a.Binary {
			raw := a.Raw()
			d.buf = append(d.buf, 'b')
			d.buf = binary.AppendUvarint(d.buf, uint64(len(raw)))
			for _, v := range raw {
				d.field(string(v))
			}
			continue
		}
		d.buf = append(d.buf, 't')
		d.buf = binary.AppendUvarint(d.buf, uint64(len(a.Values)))
		for _, v := range a.Values {
			d.field(v)
		}
	}
	d.write()
}

// referral records a search result reference.
func (d *readDigest) referral(url string) {
	d.buf = append(d.buf, digestReferral)
	d.field(url)
	d.write()
}

// token ends the digest with what else the read decided from the server
// (the account state "auto" found) and returns it as a token for the
// quiet mark, which no server's token can equal.
func (d *readDigest) token(acct ldap.AccountState) []byte {
	d.buf = append(d.buf, digestEnd)
	d.field(acct.Kind)
	d.field(acct.Attr)
	d.field(acct.Value)
	d.write()
	return []byte("read-digest:" + hex.EncodeToString(d.h.Sum(nil)))
}

// hashed wraps a search's request and callback so that, when r keeps a
// digest, the search and all it returns are recorded.
func (r *dirReader) hashed(req ldap.SearchRequest, fn func(*ldap.Entry) error) (ldap.SearchRequest, func(*ldap.Entry) error) {
	d := r.digest
	if d == nil {
		return req, fn
	}
	d.search(req)
	if onRef := req.OnReferral; onRef != nil {
		req.OnReferral = func(url string) {
			d.referral(url)
			onRef(url)
		}
	} else {
		req.OnReferral = d.referral
	}
	return req, func(e *ldap.Entry) error {
		d.entry(e)
		return fn(e)
	}
}

// scopeSearch runs one of the searches that work out groups.sync_only
// (not a part of the incremental view), recorded in the digest.
func (r *dirReader) scopeSearch(ctx context.Context, req ldap.SearchRequest, fn func(*ldap.Entry) error) error {
	req, fn = r.hashed(req, fn)
	return r.conn.Search(ctx, req, fn)
}

// readDigestOnly makes the searches a whole read makes (readDirectoryInc
// without groups.sync_only: the groups, then the users), keeping nothing
// but their digest, and returns it with how many entries it read. A run
// whose store, settings and build are as the last run's digest mark
// certified them (quietState.storeSame) reads this way first: when the
// directory is as that run read it, nothing more is read (quietByDigest);
// otherwise the run reads it again, whole. cfg's account state is the
// run's, resolved (readAndPlan resolves it once). Should the two reads ever make
// different searches, no run would be quiet: TestQuietByDigest holds them
// together.
func readDigestOnly(ctx context.Context, conn *ldap.Conn, cfg syncConfig, progress func(n int)) ([]byte, int, error) {
	r := &dirReader{conn: conn, cfg: cfg, progress: progress, digest: newReadDigest()}
	snap := &DirSnapshot{Kept: map[string]bool{}, MembersFromUsers: cfg.groupMemberAttr == ""}
	count := func(*ldap.Entry) error { r.tick(); return nil }
	if req, ok := r.groupsRequest(snap); ok {
		req.ReuseEntries = true // nothing is kept
		if err := r.search(ctx, partGroups, req, count); err != nil {
			return nil, 0, groupsReadError(cfg, err)
		}
	}
	if err := r.search(ctx, partUsers, r.usersRequest(snap), count); err != nil {
		return nil, 0, usersReadError(cfg, err)
	}
	r.flushTicks()
	return r.digest.token(cfg.acct), r.read, nil
}
