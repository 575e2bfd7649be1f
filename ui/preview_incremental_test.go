package ui

import (
	"context"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/syncer"
)

// The Preview screen says how the next sync reads the directory: whole
// before any run (no token yet), then only what changed since the token
// the run kept.
func TestPreviewSaysHowTheDirectoryIsRead(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{SyncProv: true})
	d, storePath := previewDriver(t, srv, 120, 40)
	d.contains("Directory read: full read: no sync token yet")

	s := d.m.Settings()
	s.Store.Path = storePath
	ctx := context.Background()
	db, err := store.Open(ctx, storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := syncer.Run(ctx, s, db, syncer.Options{}); err != nil {
		t.Fatal(err)
	}
	d.keys("r")
	d.contains("Directory read: incremental: read only what changed since token rid=", "(RFC 4533 content sync): 0 entries changed")
}
