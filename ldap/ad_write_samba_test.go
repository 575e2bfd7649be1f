package ldap

import (
	"context"
	"slices"
	"strings"
	"testing"

	"ldapwiz/internal/sambatest"
)

// TestADWrites creates, changes, disables and re-enables accounts on Samba
// the way a one-way or two-way sync does, checking each step by binding, and
// checks that passwords never go out on a plain connection.
func TestADWrites(t *testing.T) {
	s := sambatest.Start(t)
	ctx := context.Background()
	admin, err := Dial(ctx, adConfig(s, s.LDAPSURL, s.AdminDN, s.AdminPassword))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	bindAs := func(who, password string) error {
		c, err := Dial(ctx, adConfig(s, s.LDAPSURL, who, password))
		if err == nil {
			c.Close()
		}
		return err
	}
	wantSubCode := func(err error, sub string) {
		t.Helper()
		if d := Explain(err); d.Code != 49 || d.SubCode != sub {
			t.Errorf("bind: %v; want result 49 with data %s (%+v)", err, sub, d)
		}
	}

	dn := "CN=" + EscapeDNValue("Érin O'Neil, PhD") + "," + sambatest.UsersDN
	const first, second = "F1rst!Passw0rd", "S3cond!Passw0rd"

	t.Run("AddUserInOneAdd", func(t *testing.T) {
		err := admin.AddADUser(ctx, dn, ADUser{
			SAMAccountName: "erin", UserPrincipalName: "erin@example.test", Password: first,
			Attributes: map[string][]string{"givenName": {"Érin"}, "sn": {"O'Neil"}, "mail": {"erin@example.test"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		e, err := admin.Entry(ctx, dn)
		if err != nil {
			t.Fatal(err)
		}
		for attr, want := range map[string]string{"sAMAccountName": "erin", "userPrincipalName": "erin@example.test", "userAccountControl": "512", "givenName": "Érin"} {
			if got := e.First(attr); got != want {
				t.Errorf("%s = %q, want %q", attr, got, want)
			}
		}
		if oc := e.Get("objectClass"); !slices.Contains(oc, "user") {
			t.Errorf("objectClass %v", oc)
		}
		if disabled, err := admin.ADDisabled(ctx, dn); err != nil || disabled {
			t.Errorf("ADDisabled = %v, %v", disabled, err)
		}
		for _, who := range []string{"erin@example.test", `EXAMPLE\erin`, dn} {
			if err := bindAs(who, first); err != nil {
				t.Errorf("bind as %s with the password given at creation: %v", who, err)
			}
		}
	})

	t.Run("SetPassword", func(t *testing.T) {
		if err := admin.SetPassword(ctx, dn, second, true); err != nil {
			t.Fatal(err)
		}
		if err := bindAs("erin@example.test", second); err != nil {
			t.Errorf("bind with the new password: %v", err)
		}
		wantSubCode(bindAs("erin@example.test", first), "52e")
	})

	t.Run("DisableEnable", func(t *testing.T) {
		if err := admin.SetADDisabled(ctx, dn, true); err != nil {
			t.Fatal(err)
		}
		e, _ := admin.Entry(ctx, dn)
		if got := e.First("userAccountControl"); got != "514" {
			t.Errorf("userAccountControl after disable = %q, want 514", got)
		}
		if d, err := admin.ADDisabled(ctx, dn); err != nil || !d {
			t.Errorf("ADDisabled after disable = %v, %v", d, err)
		}
		wantSubCode(bindAs("erin@example.test", second), "533")
		// Disabling twice changes nothing and is no error.
		if err := admin.SetADDisabled(ctx, dn, true); err != nil {
			t.Errorf("second disable: %v", err)
		}
		if err := admin.SetADDisabled(ctx, dn, false); err != nil {
			t.Fatal(err)
		}
		e, _ = admin.Entry(ctx, dn)
		if got := e.First("userAccountControl"); got != "512" {
			t.Errorf("userAccountControl after enable = %q, want 512", got)
		}
		if err := bindAs("erin@example.test", second); err != nil {
			t.Errorf("bind after re-enabling: %v", err)
		}
	})

	t.Run("OtherUACBitsKept", func(t *testing.T) {
		// DONT_EXPIRE_PASSWORD (0x10000) survives disable and enable.
		if err := admin.Modify(ctx, dn, []Change{{Op: ModReplace, Attr: "userAccountControl", Values: []string{FormatUAC(UACNormalAccount | UACDontExpirePassword)}}}); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			disabled bool
			want     string
		}{{true, "66050"}, {false, "66048"}} {
			if err := admin.SetADDisabled(ctx, dn, step.disabled); err != nil {
				t.Fatal(err)
			}
			e, _ := admin.Entry(ctx, dn)
			if got := e.First("userAccountControl"); got != step.want {
				t.Errorf("userAccountControl = %s, want %s", got, step.want)
			}
		}
	})

	t.Run("AddDisabledWithoutPassword", func(t *testing.T) {
		pending := "CN=pending," + sambatest.UsersDN
		if err := admin.AddADUser(ctx, pending, ADUser{SAMAccountName: "pending", Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if d, err := admin.ADDisabled(ctx, pending); err != nil || !d {
			t.Errorf("ADDisabled = %v, %v", d, err)
		}
	})

	t.Run("AddGroup", func(t *testing.T) {
		gdn := "CN=Staff (all)," + sambatest.UsersDN
		if err := admin.AddADGroup(ctx, gdn, "staff-all", GroupTypeGlobalSecurity, []string{dn}); err != nil {
			t.Fatal(err)
		}
		g, err := admin.Entry(ctx, gdn)
		if err != nil {
			t.Fatal(err)
		}
		if g.First("groupType") != "-2147483646" || g.First("sAMAccountName") != "staff-all" {
			t.Errorf("group: groupType %q sAMAccountName %q", g.First("groupType"), g.First("sAMAccountName"))
		}
		wantMembers(t, g.Get("member"), []string{dn})
		u, _ := admin.Entry(ctx, dn)
		wantMembers(t, u.Get("memberOf"), []string{gdn})
	})

	t.Run("EncryptedConnectionOnly", func(t *testing.T) { adEncryptedConnectionOnly(t, s) })

	t.Run("DuplicateSAMAccountName", func(t *testing.T) {
		err := admin.AddADUser(ctx, "CN=erin2,"+sambatest.UsersDN, ADUser{SAMAccountName: "erin", Password: first})
		if err == nil {
			t.Fatal("a second account named erin was created")
		}
		if strings.Contains(err.Error(), first) {
			t.Errorf("error shows the password: %v", err)
		}
		if d := Explain(err); !strings.Contains(d.Problem, "already has this sAMAccountName") || d.Setting != "users.username_attribute" {
			t.Errorf("duplicate sAMAccountName explained as %+v", d)
		}
		err = admin.AddADGroup(ctx, "CN=erin group,"+sambatest.UsersDN, "erin", GroupTypeGlobalSecurity, nil)
		if d := Explain(err); !strings.Contains(d.Problem, "already has this sAMAccountName") {
			t.Errorf("group with a user's sAMAccountName: %v explained as %+v", err, d)
		}
		err = admin.AddADUser(ctx, "CN=erin3,"+sambatest.UsersDN, ADUser{SAMAccountName: "erin3", UserPrincipalName: "erin@example.test", Password: first})
		if d := Explain(err); !strings.Contains(d.Problem, "userPrincipalName") {
			t.Errorf("duplicate userPrincipalName: %v explained as %+v", err, d)
		}
	})

	t.Run("PasswordPolicy", func(t *testing.T) {
		err := admin.SetPassword(ctx, dn, "Zq9!", true)
		d := Explain(err)
		if err == nil || !strings.Contains(d.Problem, "password policy") || !strings.Contains(d.Problem, "too short") ||
			strings.Contains(d.String()+err.Error(), "Zq9!") {
			t.Errorf("too short a password: %v explained as %+v", err, d)
		}
		if err := bindAs("erin@example.test", second); err != nil {
			t.Errorf("the refused change altered the password: %v", err)
		}
	})
}
