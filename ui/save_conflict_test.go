package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/wizard"
)

// TestSaveAsksWhenTheFileChangedOnDisk: a second administrator saved the
// file meanwhile; ctrl+s does not write over it silently but asks, and
// each answer does what it says.
func TestSaveAsksWhenTheFileChangedOnDisk(t *testing.T) {
	for _, answer := range []string{"o", "r", "esc"} {
		t.Run(answer, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ldapwiz.toml")
			s := wizard.Default()
			s.Connection.URL = "ldap://mine.example.com"
			data, err := encodeSettings(s)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			d := newDriver(t, Options{Path: path, Settings: s, Exists: true, OnDisk: data}, 80, 24)
			d.keys("enter")
			d.replace("connection.url", "ldap://edited.example.com")
			theirs := strings.Replace(string(data), "ldap://mine.example.com", "ldap://theirs.example.com", 1)
			if err := os.WriteFile(path, []byte(theirs), 0o600); err != nil {
				t.Fatal(err)
			}
			d.keys("ctrl+s")
			d.contains("The file changed on disk", "overwrite", "reload")
			if got, _ := os.ReadFile(path); string(got) != theirs {
				t.Fatal("the save wrote over the other administrator's file without asking")
			}
			d.keys(answer)
			d.lacks("The file changed on disk")
			got, _ := os.ReadFile(path)
			url := d.m.Settings().Connection.URL
			switch answer {
			case "o":
				if !strings.Contains(string(got), "ldap://edited.example.com") || d.m.Dirty() {
					t.Fatalf("overwrite did not write the edits:\n%s", got)
				}
			case "r":
				if url != "ldap://theirs.example.com" || d.m.Dirty() || string(got) != theirs {
					t.Fatalf("reload: url %q, dirty %v", url, d.m.Dirty())
				}
			case "esc":
				if url != "ldap://edited.example.com" || !d.m.Dirty() || string(got) != theirs {
					t.Fatalf("cancel: url %q, dirty %v", url, d.m.Dirty())
				}
			}
		})
	}
}
