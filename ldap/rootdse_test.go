package ldap

import (
	"context"
	"crypto/tls"
	"errors"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/slapdtest"
)

func TestRootDSEFromSlapd(t *testing.T) {
	s := slapdtest.Start(t)
	ctx := context.Background()
	// Anonymous, over StartTLS: the RootDSE is readable before any bind.
	c, err := Dial(ctx, Config{URL: s.URL, StartTLS: true, VerifyTLS: true, CAFile: s.CAFile, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.Encrypted() {
		t.Error("StartTLS connection not marked encrypted")
	}
	dse, err := c.RootDSE(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dse.Vendor != "OpenLDAP" || !dse.VendorInferred || dse.ActiveDirectory || !dse.PagedResults || !dse.PasswordModify || !dse.StartTLS ||
		len(dse.NamingContexts) != 1 || dse.NamingContexts[0] != slapdtest.BaseDN || dse.SubschemaSubentry != "cn=Subschema" ||
		len(dse.SupportedControls) == 0 || len(dse.SupportedExtensions) == 0 {
		t.Errorf("RootDSE: %+v", dse)
	}
}

func TestConnectStartTLSKeepsCertificateErrors(t *testing.T) {
	s := slapdtest.Start(t)
	_, err := Dial(context.Background(), Config{URL: s.URL, StartTLS: true, VerifyTLS: true, BindDN: slapdtest.ReaderDN, BindPassword: slapdtest.ReaderPassword, Timeout: 5 * time.Second})
	var cve *tls.CertificateVerificationError
	if !errors.As(err, &cve) || len(cve.UnverifiedCertificates) == 0 {
		t.Fatalf("want a certificate verification error, got %v", err)
	}
	if d := Explain(err); d.Setting != "connection.ca_file" {
		t.Errorf("diagnosis: %+v", d)
	}
}

func TestRootDSEActiveDirectory(t *testing.T) {
	e := goldap.NewEntry("", map[string][]string{
		"namingContexts":                {"DC=corp,DC=example", "CN=Configuration,DC=corp,DC=example"},
		"defaultNamingContext":          {"DC=corp,DC=example"},
		"supportedCapabilities":         {"1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1670"},
		"supportedControl":              {"1.2.840.113556.1.4.319", "1.2.840.113556.1.4.841"},
		"supportedExtension":            {"1.3.6.1.4.1.1466.20037", "1.3.6.1.4.1.4203.1.11.3"},
		"domainControllerFunctionality": {"7"},
		"dnsHostName":                   {"dc1.corp.example"},
	})
	dse := parseRootDSE(e)
	if !dse.ActiveDirectory || dse.Vendor != "Active Directory" || dse.Version != "functional level Windows Server 2016" ||
		!dse.PagedResults || dse.PasswordModify || !dse.StartTLS || dse.DefaultNamingContext != "DC=corp,DC=example" || dse.VendorInferred {
		t.Errorf("AD RootDSE: %+v", dse)
	}
	// 389 Directory Server names itself.
	dse = parseRootDSE(goldap.NewEntry("", map[string][]string{
		"vendorName": {"389 Project"}, "vendorVersion": {"389-Directory/2.4.5 B2024.001.0000"},
		"supportedControl": {"1.2.840.113556.1.4.319"}, "supportedExtension": {"1.3.6.1.4.1.4203.1.11.1"},
	}))
	if dse.Vendor != "389 Project" || dse.Version != "389-Directory/2.4.5 B2024.001.0000" || !dse.PasswordModify || dse.ActiveDirectory {
		t.Errorf("389 RootDSE: %+v", dse)
	}
	// Nothing recognisable: the vendor stays unknown.
	if dse := parseRootDSE(goldap.NewEntry("", map[string][]string{"namingContexts": {"o=x"}})); dse.Vendor != "" || dse.Summary() == "" {
		t.Errorf("unknown RootDSE: %+v", dse)
	}
}
