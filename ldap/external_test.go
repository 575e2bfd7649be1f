package ldap

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
)

func TestExternalBindWithClientCertificate(t *testing.T) {
	srv := slapdtest.StartWith(t, slapdtest.Options{ClientCert: true})
	cc := srv.ClientCert
	base := Config{VerifyTLS: true, CAFile: srv.CAFile, ClientCertFile: cc.CertFile, ClientKeyFile: cc.KeyFile,
		BindMethod: BindExternal, Timeout: 5 * time.Second}
	for name, cfg := range map[string]Config{
		"ldaps":    withURL(base, srv.LDAPSURL, false),
		"starttls": withURL(base, srv.URL, true),
	} {
		t.Run(name, func(t *testing.T) {
			c, err := Dial(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			who, err := c.c.WhoAmI(nil)
			if err != nil {
				t.Fatalf("WhoAmI: %v", err)
			}
			if want := "dn:" + cc.MappedDN; !strings.EqualFold(who.AuthzID, want) {
				t.Errorf("bound as %q, want %q", who.AuthzID, want)
			}
		})
	}
	t.Run("no client certificate", func(t *testing.T) {
		cfg := withURL(base, srv.LDAPSURL, false)
		cfg.ClientCertFile, cfg.ClientKeyFile = "", ""
		if c, err := Dial(context.Background(), cfg); err == nil {
			c.Close()
			t.Fatal("Dial without a client certificate succeeded against a server that demands one")
		}
	})
	t.Run("plain connection", func(t *testing.T) {
		_, err := Dial(context.Background(), withURL(base, srv.URL, false))
		if !errors.Is(err, ErrExternalWithoutTLS) {
			t.Fatalf("Dial: %v, want ErrExternalWithoutTLS", err)
		}
	})
	t.Run("key without certificate", func(t *testing.T) {
		cfg := withURL(base, srv.LDAPSURL, false)
		cfg.ClientCertFile = ""
		_, err := Dial(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "client_cert_file") {
			t.Fatalf("Dial: %v, want an error naming client_cert_file", err)
		}
	})
}

func withURL(cfg Config, url string, startTLS bool) Config {
	cfg.URL, cfg.StartTLS = url, startTLS
	return cfg
}
