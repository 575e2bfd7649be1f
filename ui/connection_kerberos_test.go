package ui

import (
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/wizard"
)

// On the Connection screen, "Sign in with" cycles (→) from password to
// client certificate to Kerberos; only then do the principal, keytab
// and krb5.conf fields show, and what is typed there lands in the settings.
// Going back to password hides them again.
func TestConnectionKerberosFields(t *testing.T) {
	srv := slapdtest.Start(t)
	d := newDriver(t, Options{Settings: slapdSettings(srv), Exists: true}, 120, 60)
	d.keys("enter")
	d.lacks("Kerberos principal", "Keytab file")
	f := d.m.formOf(d.m.Screen())
	if f == nil || !f.focusKey("connection.bind_method", d.m.Settings()) {
		t.Fatal("no bind_method field on the Connection screen")
	}
	d.keys("right", "right")
	if got := d.m.Settings().Connection.BindMethod; got != wizard.BindGSSAPI {
		t.Fatalf("bind_method = %q after → →:\n%s", got, d.screen())
	}
	d.contains("(•) Kerberos", "Kerberos principal", "Keytab file", "krb5.conf", "empty means /etc/krb5.conf")
	d.keys("down", "type:ldapwiz@EXAMPLE.TEST", "down", "type:/etc/ldapwiz/ldapwiz.keytab", "down", "type:/etc/krb5.conf")
	c := d.m.Settings().Connection
	if c.Principal != "ldapwiz@EXAMPLE.TEST" || c.KeytabFile != "/etc/ldapwiz/ldapwiz.keytab" || c.Krb5Conf != "/etc/krb5.conf" {
		t.Fatalf("typed Kerberos settings: %+v\n%s", c, d.screen())
	}
	if !f.focusKey("connection.bind_method", d.m.Settings()) {
		t.Fatal("bind_method lost")
	}
	d.keys("right")
	d.lacks("Kerberos principal", "Keytab file")
}
