package store

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) { forBackends(t, testPasswords) }

func testPasswords(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	u := mustUser(t, db, "pat")
	for _, bad := range []string{"", "short", strings.Repeat("x", 73), "line\nbreak"} {
		if _, err := db.SetPassword(ctx, u.ID, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetPassword(%q): %v, want ErrInvalid", bad, err)
		}
	}
	if ok, err := db.VerifyPassword(ctx, u.ID, "anything"); ok || err != nil {
		t.Fatalf("verify with no password: %v %v", ok, err)
	}
	u1, err := db.SetPassword(ctx, u.ID, "first password")
	if err != nil {
		t.Fatal(err)
	}
	if u1.PasswordVersion != 1 || u1.PasswordChangedAt.IsZero() || !u1.HasPassword() || !u1.PasswordPending {
		t.Fatalf("after SetPassword: %+v", u1)
	}
	if !strings.HasPrefix(u1.PasswordHash, "$2") || strings.Contains(u1.PasswordHash, "first password") {
		t.Fatalf("not a bcrypt hash: %q", u1.PasswordHash)
	}
	if ok, _ := db.VerifyPassword(ctx, u.ID, "first password"); !ok {
		t.Fatal("right password refused")
	}
	if ok, _ := db.VerifyPassword(ctx, u.ID, "wrong password"); ok {
		t.Fatal("wrong password accepted")
	}

	// The clear password never sits in the database.
	if db.pgDB() {
		var n int
		if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE strpos(encode(password_pending, 'escape'), 'first password') > 0 OR strpos(password_hash, 'first password') > 0`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("clear password in the database: %d %v", n, err)
		}
	} else {
		raw, err := os.ReadFile(db.path)
		if err != nil {
			t.Fatal(err)
		}
		wal, _ := os.ReadFile(db.path + "-wal")
		if strings.Contains(string(raw)+string(wal), "first password") {
			t.Fatal("clear password found in the database file")
		}
	}
	if st, err := os.Stat(KeyPath(db.path)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}

	// The engine reads the pending password, pushes it, then clears it.
	pw, version, ok, err := db.PendingPassword(ctx, u.ID)
	if err != nil || !ok || pw != "first password" || version != 1 {
		t.Fatalf("PendingPassword: %q %d %v %v", pw, version, ok, err)
	}
	// A newer password set meanwhile is not cleared by the old version.
	if _, err := db.SetPassword(ctx, u.ID, "second password"); err != nil {
		t.Fatal(err)
	}
	if cleared, _ := db.ClearPendingPassword(ctx, u.ID, version); cleared {
		t.Fatal("cleared a newer pending password")
	}
	pw, version, ok, _ = db.PendingPassword(ctx, u.ID)
	if pw != "second password" || version != 2 || !ok {
		t.Fatalf("second pending: %q %d %v", pw, version, ok)
	}
	if cleared, err := db.ClearPendingPassword(ctx, u.ID, 2); err != nil || !cleared {
		t.Fatalf("clear: %v %v", cleared, err)
	}
	if _, _, ok, _ := db.PendingPassword(ctx, u.ID); ok {
		t.Fatal("pending after clear")
	}
	if ok, _ := db.VerifyPassword(ctx, u.ID, "second password"); !ok {
		t.Fatal("hash lost with the pending copy")
	}

	// A sealed password cannot be moved to another user's row.
	v := mustUser(t, db, "vic")
	if _, err := db.SetPassword(ctx, v.ID, "victor's secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, db.d.rebind(`UPDATE users SET password_pending = (SELECT password_pending FROM users WHERE id = ?), password_version = 1 WHERE id = ?`), v.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.PendingPassword(ctx, u.ID); err == nil || !strings.Contains(err.Error(), "set the password again") {
		t.Fatalf("moved ciphertext: %v", err)
	}
	// Without the key file, the error says what to do.
	os.Remove(KeyPath(db.path))
	if _, _, _, err := db.PendingPassword(ctx, v.ID); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing key: %v", err)
	}
}
