package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"ldapwiz/store"
)

// problemsFor returns the problems of one setting whose message contains
// text.
func problemsFor(ps []Problem, setting, text string) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Setting == setting && strings.Contains(p.Message, text) {
			out = append(out, p)
		}
	}
	return out
}

// TestSecretFilesReadableByOthersAreWarned: the bind password file, the
// SMTP password file and the store's key file get a warning naming chmod
// when group or others may read them, and none at mode 0600.
func TestSecretFilesReadableByOthersAreWarned(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("s3cret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	s, _ := Preset(PresetOpenLDAP)
	s.Connection.URL = "ldaps://ldap.example.com"
	s.Connection.BindDN = "cn=admin,dc=example,dc=com"
	s.Store.Path = filepath.Join(dir, "app.db")
	s.Enrollment = Enrollment{Enabled: true, AutoInvite: true, InviteURL: "https://app.example.com/enroll", TokenTTL: "48h"}
	s.SMTP.Host, s.SMTP.From, s.SMTP.Username = "mail.example.com", "it@example.com", "it"

	s.Connection.BindPasswordFile = write("bind.pw", 0o644)
	s.SMTP.PasswordFile = write("smtp.pw", 0o640)
	write(filepath.Base(store.KeyPath(s.Store.Path)), 0o604)
	ps := Validate(s, ValidateOptions{})
	for _, setting := range []string{"connection.bind_password_file", "smtp.password_file", "store.path"} {
		got := problemsFor(ps, setting, "chmod 600")
		if len(got) != 1 || got[0].Severity != Warning {
			t.Errorf("%s: want one warning naming chmod 600, got %v", setting, got)
		}
		for _, p := range got {
			if strings.Contains(p.Message, "s3cret") {
				t.Errorf("%s: the warning shows the secret", setting)
			}
		}
	}

	for _, name := range []string{"bind.pw", "smtp.pw", filepath.Base(store.KeyPath(s.Store.Path))} {
		if err := os.Chmod(filepath.Join(dir, name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range Validate(s, ValidateOptions{}) {
		if strings.Contains(p.Message, "chmod") {
			t.Errorf("a 0600 file is still warned about: %v", p)
		}
	}
}

// TestStoreOnAReadOnlyFileSystem mounts a real read-only file system and
// checks that validate names store.path and the read-only directory.
func TestStoreOnAReadOnlyFileSystem(t *testing.T) {
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_RDONLY, "size=1m"); err != nil {
		t.Fatalf("cannot mount a read-only tmpfs for the test (the suite runs as root): %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, 0) })
	s := Default()
	s.Store.Path = filepath.Join(dir, "app.db")
	got := problemsFor(Validate(s, ValidateOptions{}), "store.path", "not writable")
	if len(got) != 1 || got[0].Severity != Error || !strings.Contains(got[0].Message, "read-only file system") || got[0].Screen != ScreenSync {
		t.Fatalf("want one error naming the read-only file system on the Sync screen, got %v", got)
	}
}

// TestNothingConfiguredIsWarned: a file that sets nothing validates with a
// warning saying so, not as a clean "ok".
func TestNothingConfiguredIsWarned(t *testing.T) {
	s := Default()
	s.Store.Path = filepath.Join(t.TempDir(), "ldapwiz.db")
	if got := problemsFor(Validate(Default(), ValidateOptions{}), "connection.url", "Nothing is configured"); len(got) != 1 || got[0].Severity != Warning {
		t.Fatalf("the default settings: %v", got)
	}
	s, _ = Preset(PresetOpenLDAP)
	s.Connection.URL = "ldaps://ldap.example.com"
	if got := problemsFor(Validate(s, ValidateOptions{}), "connection.url", "Nothing is configured"); len(got) != 0 {
		t.Fatalf("configured settings are called unconfigured: %v", got)
	}
}
