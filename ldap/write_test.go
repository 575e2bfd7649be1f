package ldap

import (
	"bytes"
	"context"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/slapdtest"
)

func TestWritesAddModifyRenameMoveDelete(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	ou1 := "ou=ou1,ou=people," + s.BaseDN
	ou2 := "ou=ou2,ou=people," + s.BaseDN
	dn := BuildDN("cn", "Roe, Richard", ou1)
	err := c.Add(ctx, dn, map[string][]string{
		"objectClass": {"inetOrgPerson"}, "cn": {"Roe, Richard"}, "sn": {"Roe"}, "uid": {"rroe"},
		"mail": {"rroe@example.com"}, "givenName": {"Richard"}, "description": nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, dn, map[string][]string{"objectClass": {"inetOrgPerson"}, "cn": {"Roe, Richard"}, "sn": {"Roe"}}); err == nil ||
		!goldap.IsErrorWithCode(err, goldap.LDAPResultEntryAlreadyExists) || !strings.Contains(err.Error(), "add "+dn) {
		t.Errorf("second add: %v", err)
	}
	err = c.Modify(ctx, dn, []Change{
		{Op: ModReplace, Attr: "mail", Values: []string{"richard.roe@example.com"}},
		{Op: ModAdd, Attr: "telephoneNumber", Values: []string{"+1 555 0100", "+1 555 0101"}},
		{Op: ModDelete, Attr: "givenName"},
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.Entry(ctx, dn)
	if err != nil {
		t.Fatal(err)
	}
	if e.First("mail") != "richard.roe@example.com" || len(e.Get("telephoneNumber")) != 2 || e.Has("givenName") {
		t.Errorf("after modify: mail %v phones %v givenName %v", e.Get("mail"), e.Get("telephoneNumber"), e.Get("givenName"))
	}
	if err := c.Modify(ctx, dn, []Change{{Op: ModDelete, Attr: "telephoneNumber", Values: []string{"+1 555 0101"}}}); err != nil {
		t.Fatal(err)
	}
	uuid := e.First("entryUUID")

	// Rename in place: the old RDN value goes away.
	renamed, err := c.Rename(ctx, dn, "cn="+EscapeDNValue("Roe, Rick"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !DNEqual(renamed, BuildDN("cn", "Roe, Rick", ou1)) {
		t.Errorf("renamed DN %s", renamed)
	}
	e, err = c.Entry(ctx, renamed)
	if err != nil || e.First("entryUUID") != uuid || len(e.Get("cn")) != 1 || e.First("cn") != "Roe, Rick" || len(e.Get("telephoneNumber")) != 1 {
		t.Fatalf("after rename: %+v %v", e, err)
	}
	// Move across OUs, keeping the RDN.
	d, _ := ParseDN(renamed)
	moved, err := c.Rename(ctx, renamed, d.RDNs[0].String(), ou2)
	if err != nil {
		t.Fatal(err)
	}
	if !DNEqual(moved, BuildDN("cn", "Roe, Rick", ou2)) {
		t.Errorf("moved DN %s", moved)
	}
	if _, err := c.Entry(ctx, renamed); err == nil {
		t.Error("the old DN still exists after the move")
	}
	e, err = c.Entry(ctx, moved)
	if err != nil || e.First("entryUUID") != uuid || !DNEqual(e.DN, moved) {
		t.Fatalf("after move: %+v %v", e, err)
	}
	if _, err := c.Rename(ctx, moved, "not an rdn", ""); err == nil {
		t.Error("Rename accepted a bad RDN")
	}
	if err := c.Delete(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Entry(ctx, moved); err == nil {
		t.Error("entry still there after delete")
	}
	if err := c.Delete(ctx, ou1); err == nil || !goldap.IsErrorWithCode(err, goldap.LDAPResultNotAllowedOnNonLeaf) {
		t.Errorf("delete of a non-leaf: %v", err)
	}
}

func TestSetPasswordThenBind(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	user := slapdtest.JohnDoeDN
	if err := c.SetPassword(ctx, user, "N3w-secret, with comma", false); err != nil {
		t.Fatal(err)
	}
	dataConnAs(t, s, s.URL, user, "N3w-secret, with comma") // binds or fails the test
	if _, err := Dial(ctx, Config{URL: s.URL, BindDN: user, BindPassword: slapdtest.UserPassword}); err == nil {
		t.Error("the old password still binds")
	}
	if err := c.SetPassword(ctx, user, "", false); err == nil {
		t.Error("empty password accepted")
	}
	// A user may change its own password through the extended operation too.
	self := dataConnAs(t, s, s.URL, slapdtest.User1OU1DN, slapdtest.UserPassword)
	if err := self.SetPassword(ctx, slapdtest.User1OU1DN, "selfchanged", false); err != nil {
		t.Fatalf("self change: %v", err)
	}
	dataConnAs(t, s, s.URL, slapdtest.User1OU1DN, "selfchanged")
}

func TestADPasswordRefusedOverPlainLDAP(t *testing.T) {
	s := slapdtest.Start(t)
	ctx := context.Background()
	plain := dataConn(t, s)
	err := plain.SetPassword(ctx, slapdtest.JohnDoeDN, "Secret1!", true)
	// OpenLDAP has no unicodePwd: had anything been sent, the server's
	// "undefined attribute type" would come back instead of our refusal.
	if err == nil || !strings.Contains(err.Error(), "only over an encrypted connection") || !strings.Contains(err.Error(), "nothing was sent") ||
		strings.Contains(err.Error(), "Result Code") {
		t.Fatalf("AD password over ldap://: %v", err)
	}
	if strings.Contains(err.Error(), "Secret1!") {
		t.Error("the password appears in the error")
	}
	// Over ldaps the modify is sent (and OpenLDAP rejects the AD attribute).
	tls := dataConnAs(t, s, s.LDAPSURL, s.AdminDN, s.AdminPassword)
	err = tls.SetPassword(ctx, slapdtest.JohnDoeDN, "Secret1!", true)
	if err == nil || !strings.Contains(err.Error(), "unicodePwd") || !goldap.IsErrorWithCode(err, goldap.LDAPResultUndefinedAttributeType) {
		t.Errorf("AD password over ldaps against OpenLDAP: %v", err)
	}
	// Over StartTLS too.
	cfg := Config{URL: s.URL, StartTLS: true, VerifyTLS: true, CAFile: s.CAFile, BindDN: s.AdminDN, BindPassword: s.AdminPassword}
	st, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SetPassword(ctx, slapdtest.JohnDoeDN, "Secret1!", true); !goldap.IsErrorWithCode(err, goldap.LDAPResultUndefinedAttributeType) {
		t.Errorf("AD password over StartTLS: %v", err)
	}
}

func TestEncodeADPassword(t *testing.T) {
	want := []byte{'"', 0, 'a', 0, 'b', 0, 'c', 0, '"', 0}
	if got := EncodeADPassword("abc"); !bytes.Equal(got, want) {
		t.Errorf("EncodeADPassword(abc) = % x", got)
	}
	// Non-BMP characters become surrogate pairs.
	if got := EncodeADPassword("é😀"); !bytes.Equal(got, []byte{'"', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde, '"', 0}) {
		t.Errorf("EncodeADPassword(é😀) = % x", got)
	}
}
