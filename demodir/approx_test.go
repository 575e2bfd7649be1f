package demodir

import "testing"

// The codes below are what slapd's phonetic() gives; ldap/twoservers_*_test.go
// checks ApproxMatch against a real slapd on whole data sets.
func TestMetaphoneLikeOpenLDAP(t *testing.T) {
	for word, want := range map[string]string{
		"jdoe": "JT", "judy.baker249": "JT", "Walker": "WLKR", "Smith": "SM0", "Smyth": "SM0",
		"Johnson": "JNSN", "Thomas": "0MS", "Brown": "RN", "Clarke": "KLRK", "Hughes": "HKS",
		"Knight": "NKT", "Phillips": "FLPS", "Schmidt": "SKMT", "Xavier": "SFR", "Aeron": "ERN",
		"Chase": "XS", "Axel": "AKSL", "Bobb": "", "42": "", "": "",
	} {
		if got := metaphone(approxASCII(word)); got != want {
			t.Errorf("metaphone(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestApproxMatch(t *testing.T) {
	for _, tc := range []struct {
		value, assertion string
		want             bool
	}{
		{"Doe, John", "do jon", true},
		{"Doe, John", "jon do", false}, // words in order
		{"Doe, John", "jon", true},
		{"Zoë Ünal-Brontë", "zoe unal", true},
		{"Łukasz Wiśniewski", "ukasz", true}, // Ł has no decomposition: dropped
		{"Łukasz Wiśniewski", "lukasz", false},
		{"john.doe@example.com", "jon", true},
		{"anything", "", false},
		{"anything", "   ", false},
	} {
		if got := ApproxMatch(tc.value, tc.assertion); got != tc.want {
			t.Errorf("ApproxMatch(%q, %q) = %v, want %v", tc.value, tc.assertion, got, tc.want)
		}
	}
	if len(latinBase) != 0x180-0xC0 {
		t.Errorf("latinBase has %d letters, want %d", len(latinBase), 0x180-0xC0)
	}
}
