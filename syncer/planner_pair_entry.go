package syncer

// pairEntry is a user pair's directory entry as the pair knows it when
// the link and the entry read do not say it: an entry found again by
// username with a new stable id, or one this run created or renamed.
type pairEntry struct {
	stableID string
	dn       string
}

// entryID is the stable id of the pair's directory entry: the link's
// (the id it was found by, which on 389 DS may be the entry's other id),
// else the entry's; "" when the pair has neither, until a create writes
// one.
func (p *userPair) entryID() string {
	switch {
	case p.entry != nil:
		return p.entry.stableID
	case p.link != nil:
		return p.link.StableID
	case p.dir != nil:
		return p.dir.StableID
	}
	return ""
}

// entryDN is the DN of the pair's directory entry: the entry's as read,
// else the link's; "" when the pair has neither, until a create writes
// one.
func (p *userPair) entryDN() string {
	switch {
	case p.entry != nil:
		return p.entry.dn
	case p.dir != nil:
		return p.dir.DN
	case p.link != nil:
		return p.link.DN
	}
	return ""
}

// setEntry makes id and dn the pair's entryID and entryDN. A pair only
// holds them (entry) when the link and the entry read say otherwise: a
// userPair is one of 100,000 at a first import, and two strings were 32
// of its bytes.
func (p *userPair) setEntry(id, dn string) {
	p.entry = nil
	if p.entryID() != id || p.entryDN() != dn {
		p.entry = &pairEntry{stableID: id, dn: dn}
	}
}
