package syncer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// ErrCannotFollow is FollowDirectory's answer when the directory offers no
// way to be told of changes that ldapwiz reads (sync.incremental "off", or
// neither RFC 4533 content sync nor uSNChanged).
var ErrCannotFollow = errors.New("the directory cannot be followed")

// followPoll is how often Active Directory's highestCommittedUSN is polled
// while following it.
const followPoll = 2 * time.Second

// followBackoff bounds the wait before connecting again after the
// directory went away.
const (
	followBackoffMin = 250 * time.Millisecond
	followBackoffMax = 30 * time.Second
)

// FollowDirectory watches the directory of settings s for changes in the
// users' and groups' scope and calls changed for each (a caller coalesces
// bursts and runs an incremental sync): an RFC 4533 refreshAndPersist
// search on each base, or on Active Directory a poll of
// highestCommittedUSN every few seconds. When the directory goes away it
// connects again with a growing backoff and, once back, calls changed
// once, so a run catches up from its token on whatever happened in
// between. It returns when ctx ends (nil), or at once with an error
// wrapping ErrCannotFollow. logf, when not nil, hears of each reconnect.
func FollowDirectory(ctx context.Context, s wizard.Settings, getenv func(string) string, changed func(), logf func(string)) error {
	cfg := newSyncConfig(s)
	backoff := followBackoffMin
	for {
		connected := false
		err := followOnce(ctx, s, cfg, getenv, func() { connected = true }, changed)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrCannotFollow) {
			return err
		}
		if connected {
			backoff = followBackoffMin
		}
		if logf != nil {
			logf(fmt.Sprintf("following the directory: %v; connecting again in %s", err, backoff))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, followBackoffMax)
	}
}

// followOnce connects and follows until the connection ends. connected is
// called once the directory answers; after a reconnect it calls changed
// right away.
func followOnce(ctx context.Context, s wizard.Settings, cfg syncConfig, getenv func(string) string, connected, changed func()) error {
	lcfg, err := s.LDAPConfig(getenv)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCannotFollow, err)
	}
	conn, err := ldap.Dial(ctx, lcfg)
	if err != nil {
		return fmt.Errorf("connect: %s", ldap.Explain(err))
	}
	defer conn.Close()
	in := planIncremental(ctx, s, cfg, conn, nil, time.Now())
	if in.method == "" {
		return fmt.Errorf("%w: %s", ErrCannotFollow, in.read.Reason)
	}
	connected()
	if in.method == ldap.SyncMethodUSN {
		return followUSN(ctx, conn, changed)
	}
	bases := []string{cfg.userBase}
	if cfg.groupBase != "" && !ldap.DNEqual(cfg.groupBase, cfg.userBase) {
		bases = append(bases, cfg.groupBase)
	}
	// A catch-up run: changes may have happened while nobody followed.
	changed()
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(bases))
	for _, base := range bases {
		req := ldap.SearchRequest{Base: base, Attributes: []string{"1.1"}}
		cookie, err := takeToken(fctx, conn, in.method, req, in.perSearch)
		if err != nil {
			return err
		}
		go func() {
			errs <- conn.SyncPersist(fctx, req, cookie, changed)
		}()
	}
	err = <-errs
	cancel()
	return err
}

// followUSN polls highestCommittedUSN and calls changed whenever it grew.
func followUSN(ctx context.Context, conn *ldap.Conn, changed func()) error {
	last, err := conn.HighestCommittedUSN(ctx)
	if err != nil {
		return err
	}
	changed()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(followPoll):
		}
		usn, err := conn.HighestCommittedUSN(ctx)
		if err != nil {
			return err
		}
		if usn > last {
			last = usn
			changed()
		}
	}
}
