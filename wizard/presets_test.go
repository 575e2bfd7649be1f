package wizard

import (
	"strings"
	"testing"
)

func TestPresetsAreCompleteAndValid(t *testing.T) {
	e := newTestEnv(t)
	infos := Presets()
	if len(infos) != 3 {
		t.Fatalf("want 3 presets, got %d", len(infos))
	}
	for _, info := range infos {
		t.Run(info.Name, func(t *testing.T) {
			if info.Title == "" || len(info.Description) < 20 {
				t.Fatalf("preset %q needs a title and description: %+v", info.Name, info)
			}
			s, ok := Preset(strings.ToUpper(info.Name))
			if !ok {
				t.Fatalf("Preset(%q) not found", info.Name)
			}
			// A preset leaves only the password source and store location to the user.
			ps := Validate(s, e.opts())
			if len(ps) != 1 || ps[0].Setting != "connection.bind_password_file" || ps[0].Severity != Error {
				t.Fatalf("want only the missing password source, got:\n%s", renderProblems(ps))
			}
			s.Connection.BindPasswordEnv = "LDAP_PW"
			if ps := Validate(s, e.opts()); len(ps) != 0 {
				t.Fatalf("preset with a password has problems:\n%s", renderProblems(ps))
			}
		})
	}
}

func TestPresetContents(t *testing.T) {
	ad, _ := Preset(PresetAD)
	if !ad.Connection.ActiveDirectory || !strings.HasPrefix(ad.Connection.URL, "ldaps://") ||
		ad.Users.UsernameAttribute != "sAMAccountName" || ad.EffectiveRDNAttribute() != "cn" ||
		ad.Users.ObjectClass != "user" || ad.Groups.ObjectClass != "group" ||
		ad.Groups.MemberAttribute != "member" || ad.Users.MemberAttribute != "memberOf" ||
		ad.Users.Attributes != (UserAttributes{Email: "mail", FirstName: "givenName", LastName: "sn", Phone: "telephoneNumber"}) {
		t.Fatalf("AD preset: %+v", ad)
	}
	ol, _ := Preset(PresetOpenLDAP)
	if ol.Connection.ActiveDirectory || ol.Users.UsernameAttribute != "uid" || ol.Users.ObjectClass != "inetOrgPerson" ||
		ol.Groups.ObjectClass != "groupOfNames" || ol.Groups.MemberAttribute != "member" || ol.Users.MemberAttribute != "memberOf" {
		t.Fatalf("OpenLDAP preset: %+v", ol)
	}
	ds, _ := Preset(Preset389DS)
	if ds.Users.SearchBase != "ou=People,dc=example,dc=com" || ds.Groups.SearchBase != "ou=Groups,dc=example,dc=com" ||
		ds.Users.UsernameAttribute != "uid" || ds.Groups.ObjectClass != "groupOfNames" {
		t.Fatalf("389 DS preset: %+v", ds)
	}
	if _, ok := Preset("novell"); ok {
		t.Fatal("unknown preset found")
	}
}
