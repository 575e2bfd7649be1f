package store

import (
	"bytes"
	"context"
	"testing"
	"time"
)

func TestSyncTokenSaveReplaceForget(t *testing.T) {
	forBackends(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := b.open(t)
		if tok, err := db.SyncToken(ctx); err != nil || tok != nil {
			t.Fatalf("a new store has token %+v, %v; want none", tok, err)
		}
		if err := db.SaveSyncToken(ctx, SyncToken{Method: "syncrepl"}); err == nil {
			t.Fatal("a token without FullAt was saved")
		}
		full := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		view := []byte{0x1f, 0x8b, 0, 0xff} // binary, as a compressed view is
		for i, cookie := range []string{"rid=000,csn=1", "rid=000,csn=2"} {
			want := SyncToken{RunID: int64(i + 1), Method: "syncrepl", Server: "ldap://127.0.0.1:389", ScopeHash: "h",
				Token: []byte(cookie), View: view, FullAt: full}
			if err := db.SaveSyncToken(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := db.SyncToken(ctx)
			if err != nil || got == nil {
				t.Fatalf("SyncToken: %+v, %v", got, err)
			}
			if got.RunID != want.RunID || got.Method != want.Method || got.Server != want.Server || got.ScopeHash != want.ScopeHash ||
				!bytes.Equal(got.Token, want.Token) || !bytes.Equal(got.View, view) || !got.FullAt.Equal(full) || got.SavedAt.IsZero() {
				t.Fatalf("read back %+v, want %+v", got, want)
			}
		}
	})
}
