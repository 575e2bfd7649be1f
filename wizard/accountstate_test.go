package wizard

import (
	"strings"
	"testing"

	"ldapwiz/ldap"
)

// accountStateProblems validates s and keeps the problems of the account
// state settings.
func accountStateProblems(s Settings) []Problem {
	var out []Problem
	for _, p := range Validate(s, ValidateOptions{Getenv: func(string) string { return "" }}) {
		if p.Setting == "users.account_state" || p.Setting == "users.disabled_attribute" || p.Setting == "users.disabled_value" {
			out = append(out, p)
		}
	}
	return out
}

func TestAccountStateValidation(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(*Settings)
		setting string // "" for no problem
		sev     Severity
		words   string
	}{
		{"default auto", func(*Settings) {}, "", 0, ""},
		{"empty means auto", func(s *Settings) { s.Users.AccountState = "" }, "", 0, ""},
		{"unknown", func(s *Settings) { s.Users.AccountState = "nds" }, "users.account_state", Error, "auto, ad, 389, ppolicy, attribute, none"},
		{"ad off AD", func(s *Settings) { s.Users.AccountState = "ad" }, "users.account_state", Error, "connection.active_directory"},
		{"389 on AD", func(s *Settings) {
			s.Connection.ActiveDirectory = true
			s.Users.AccountState = "389"
		}, "users.account_state", Error, "userAccountControl"},
		{"attribute without attribute", func(s *Settings) {
			s.Users.AccountState = "attribute"
			s.Users.DisabledValue = "disabled"
		}, "users.disabled_attribute", Error, "employeeType"},
		{"attribute without value", func(s *Settings) {
			s.Users.AccountState = "attribute"
			s.Users.DisabledAttribute = "employeeType"
		}, "users.disabled_value", Error, "disabled"},
		{"attribute bad name", func(s *Settings) {
			s.Users.AccountState = "attribute"
			s.Users.DisabledAttribute = "employee type"
			s.Users.DisabledValue = "disabled"
		}, "users.disabled_attribute", Error, ""},
		{"pair without attribute kind", func(s *Settings) { s.Users.DisabledAttribute = "employeeType" }, "users.disabled_attribute", Warning, "ignored"},
		{"attribute pair", func(s *Settings) {
			s.Users.AccountState = "attribute"
			s.Users.DisabledAttribute = "employeeType"
			s.Users.DisabledValue = "disabled"
		}, "", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Default()
			c.edit(&s)
			got := accountStateProblems(s)
			if c.setting == "" {
				if len(got) != 0 {
					t.Fatalf("want no problem, got %v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Setting != c.setting || got[0].Severity != c.sev || !strings.Contains(got[0].Message, c.words) {
				t.Fatalf("want one %v on %s mentioning %q, got %v", c.sev, c.setting, c.words, got)
			}
			if got[0].Screen != ScreenUsers {
				t.Errorf("screen %v, want the Users screen", got[0].Screen)
			}
		})
	}
}

func TestSettingsAccountState(t *testing.T) {
	ad, _ := Preset(PresetAD)
	if st, server := ad.AccountState(); st.Kind != ldap.AccountStateAD || server {
		t.Errorf("AD preset: %+v %v", st, server)
	}
	ds, _ := Preset(Preset389DS)
	if st, server := ds.AccountState(); st.Kind != ldap.AccountState389 || server {
		t.Errorf("389 DS preset: %+v %v", st, server)
	}
	ol, _ := Preset(PresetOpenLDAP)
	if _, server := ol.AccountState(); !server {
		t.Error("OpenLDAP preset: auto does not ask the server")
	}
	ol.Users.AccountState, ol.Users.DisabledAttribute, ol.Users.DisabledValue = " Attribute ", " employeeType ", "disabled"
	if st, server := ol.AccountState(); server || st != (ldap.AccountState{Kind: ldap.AccountStateAttribute, Attr: "employeeType", Value: "disabled"}) {
		t.Errorf("attribute pair: %+v %v", st, server)
	}
}
