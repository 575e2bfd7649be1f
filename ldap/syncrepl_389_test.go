package ldap

import (
	"strings"
	"testing"
)

func TestSyncUUIDOfUniqueID(t *testing.T) {
	for in, want := range map[string]string{
		"0f83b535-f15511f1-a920dcb9-b24ef458": "0f83b535-f155-11f1-a920-dcb9b24ef458",
		"0F83B535-F15511F1-A920DCB9-B24EF458": "0f83b535-f155-11f1-a920-dcb9b24ef458",
		"0f83b535-f15511f1-a920dcb9-b24ef45":  "",
		"0f83b535-f15511f1-a920dcb9-b24ef45g": "",
		"":                                    "",
	} {
		if got := SyncUUIDOfUniqueID(in); got != want {
			t.Errorf("SyncUUIDOfUniqueID(%q) = %q, want %q", in, got, want)
		}
		if back := UniqueIDOfSyncUUID(want); want != "" && back != strings.ToLower(in) {
			t.Errorf("UniqueIDOfSyncUUID(%q) = %q, want %q", want, back, strings.ToLower(in))
		}
	}
}

// FuzzSyncUUIDOfUniqueID: any nsUniqueId a server sends gives "" or a
// lower-case UUID of the same hex digits.
func FuzzSyncUUIDOfUniqueID(f *testing.F) {
	f.Add("0f83b535-f15511f1-a920dcb9-b24ef458")
	f.Add("zz")
	f.Fuzz(func(t *testing.T, in string) {
		got := SyncUUIDOfUniqueID(in)
		if got == "" {
			return
		}
		if len(got) != 36 || strings.ReplaceAll(got, "-", "") != strings.ToLower(strings.ReplaceAll(in, "-", "")) {
			t.Fatalf("SyncUUIDOfUniqueID(%q) = %q", in, got)
		}
	})
}
