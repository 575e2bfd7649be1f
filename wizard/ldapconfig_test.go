package wizard

import (
	"strings"
	"testing"
	"time"

	"ldapwiz/ldap"
)

func TestLDAPConfig(t *testing.T) {
	e := newTestEnv(t)
	s := e.valid()
	s.Connection.URL = " ldaps://ldap.example.com:1636 "
	s.Connection.CAFile = e.caFile
	s.Connection.Timeout = "7s"
	s.Connection.PageSize = 250
	s.Connection.ActiveDirectory = true
	cfg, err := s.LDAPConfig(func(k string) string { return e.vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := ldap.Config{
		URL: "ldaps://ldap.example.com:1636", VerifyTLS: true, CAFile: e.caFile,
		BindDN: "cn=admin,dc=example,dc=com", BindPassword: envSecret, Timeout: 7 * time.Second,
		PageSize: 250, ActiveDirectory: true,
	}
	if cfg != want {
		t.Fatalf("got %+v\nwant %+v", cfg, want)
	}

	s.Connection.BindPasswordEnv = "UNSET"
	if _, err := s.LDAPConfig(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "connection.bind_password_env") {
		t.Fatalf("want password source error, got %v", err)
	}
	s.Connection.Timeout = "soon"
	if _, err := s.LDAPConfig(nil); err == nil || !strings.Contains(err.Error(), "connection.timeout") {
		t.Fatalf("want timeout error, got %v", err)
	}
	anon := Default()
	cfg, err = anon.LDAPConfig(nil)
	if err != nil || cfg.BindDN != "" || cfg.BindPassword != "" || cfg.Timeout != 10*time.Second {
		t.Fatalf("anonymous: %+v %v", cfg, err)
	}
}
