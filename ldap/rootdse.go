package ldap

import (
	"context"
	"errors"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// Well-known OIDs advertised in the RootDSE.
const (
	OIDPagedResults       = "1.2.840.113556.1.4.319"   // control: simple paged results (RFC 2696)
	OIDPasswordModify     = "1.3.6.1.4.1.4203.1.11.1"  // extension: Password Modify (RFC 3062)
	OIDStartTLS           = "1.3.6.1.4.1.1466.20037"   // extension: StartTLS (RFC 4511)
	OIDActiveDirectory    = "1.2.840.113556.1.4.800"   // capability: Active Directory (also Samba AD)
	OIDActiveDirectoryLDS = "1.2.840.113556.1.4.1851"  // capability: AD Lightweight Directory Services
	OIDOpenLDAPAllOpAttrs = "1.3.6.1.4.1.4203.1.5.1"   // feature: "+" for all operational attributes (OpenLDAP's arc)
	oidOpenLDAPArc        = "1.3.6.1.4.1.4203."        // OpenLDAP Foundation OIDs
	oidLDAPSync           = "1.3.6.1.4.1.4203.1.9.1.1" // control: LDAP Content Sync (syncrepl)
)

// RootDSE is what a server says about itself in its root entry.
type RootDSE struct {
	Vendor                string   `json:"vendor"`  // "OpenLDAP", "Active Directory", a vendorName, or "" when unknown
	Version               string   `json:"version"` // vendorVersion, or the AD functional level; "" when not given
	NamingContexts        []string `json:"naming_contexts"`
	DefaultNamingContext  string   `json:"default_naming_context,omitempty"`
	SubschemaSubentry     string   `json:"subschema_subentry,omitempty"`
	SupportedControls     []string `json:"supported_controls,omitempty"`
	SupportedExtensions   []string `json:"supported_extensions,omitempty"`
	SupportedCapabilities []string `json:"supported_capabilities,omitempty"`
	SupportedFeatures     []string `json:"supported_features,omitempty"`
	SupportedSASL         []string `json:"supported_sasl_mechanisms,omitempty"`
	DNSHostName           string   `json:"dns_host_name,omitempty"`
	VendorInferred        bool     `json:"vendor_inferred,omitempty"` // Vendor was guessed from OIDs, not named by the server
	PagedResults          bool     `json:"paged_results"`
	PasswordModify        bool     `json:"password_modify"`
	StartTLS              bool     `json:"start_tls"`
	ActiveDirectory       bool     `json:"active_directory"`
}

// rootDSEAttributes are asked for by name: OpenLDAP returns operational
// attributes only when named (or with "+"), and Active Directory does not
// know "+".
var rootDSEAttributes = []string{
	"*", "+", "namingContexts", "defaultNamingContext", "subschemaSubentry", "supportedControl",
	"supportedExtension", "supportedCapabilities", "supportedFeatures", "supportedSASLMechanisms",
	"supportedLDAPVersion", "vendorName", "vendorVersion", "dnsHostName", "configContext",
	"domainControllerFunctionality", "forestFunctionality",
}

// RootDSE reads and interprets the server's root entry.
func (c *Conn) RootDSE(ctx context.Context) (*RootDSE, error) {
	req := goldap.NewSearchRequest("", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, int(c.cfg.timeout().Seconds()), false,
		"(objectClass=*)", rootDSEAttributes, nil)
	var res *goldap.SearchResult
	err := c.do(ctx, func() error {
		var err error
		res, err = c.c.Search(req)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(res.Entries) == 0 {
		return nil, errors.New("the server returned no RootDSE entry (it may hide it from anonymous users; bind first)")
	}
	return parseRootDSE(res.Entries[0]), nil
}

func parseRootDSE(e *goldap.Entry) *RootDSE {
	get := e.GetEqualFoldAttributeValues
	one := e.GetEqualFoldAttributeValue
	r := &RootDSE{
		NamingContexts:        get("namingContexts"),
		DefaultNamingContext:  one("defaultNamingContext"),
		SubschemaSubentry:     one("subschemaSubentry"),
		SupportedControls:     get("supportedControl"),
		SupportedExtensions:   get("supportedExtension"),
		SupportedCapabilities: get("supportedCapabilities"),
		SupportedFeatures:     get("supportedFeatures"),
		SupportedSASL:         get("supportedSASLMechanisms"),
		DNSHostName:           one("dnsHostName"),
		Vendor:                one("vendorName"),
		Version:               one("vendorVersion"),
	}
	r.PagedResults = oidListed(r.SupportedControls, OIDPagedResults)
	r.PasswordModify = oidListed(r.SupportedExtensions, OIDPasswordModify)
	r.StartTLS = oidListed(r.SupportedExtensions, OIDStartTLS)
	r.ActiveDirectory = oidListed(r.SupportedCapabilities, OIDActiveDirectory)
	switch {
	case r.Vendor != "":
	case r.ActiveDirectory:
		r.Vendor = "Active Directory"
		r.Version = adFunctionalLevel(one("domainControllerFunctionality"))
	case oidListed(r.SupportedCapabilities, OIDActiveDirectoryLDS):
		r.Vendor = "Active Directory LDS"
	case one("configContext") != "" || oidListed(r.SupportedFeatures, OIDOpenLDAPAllOpAttrs) || oidListed(r.SupportedControls, oidLDAPSync):
		// OpenLDAP names no vendor; its cn=config context and its own
		// OIDs (1.3.6.1.4.1.4203.*) give it away.
		r.Vendor, r.VendorInferred = vendorOpenLDAP, true
	case oidArcListed(r.SupportedControls, oidOpenLDAPArc) || oidArcListed(r.SupportedFeatures, oidOpenLDAPArc):
		r.Vendor, r.VendorInferred = vendorOpenLDAP, true
	}
	return r
}

// Vendor names this package sets or recognises in RootDSE.Vendor.
const (
	vendorOpenLDAP = "OpenLDAP"    // inferred: OpenLDAP names no vendor
	vendor389      = "389 Project" // 389 Directory Server's vendorName
)

// IsOpenLDAP reports whether the server is (inferred to be) OpenLDAP.
func (r *RootDSE) IsOpenLDAP() bool { return r.Vendor == vendorOpenLDAP }

// Is389DS reports whether the server is 389 Directory Server.
func (r *RootDSE) Is389DS() bool { return r.Vendor == vendor389 }

// adFunctionalLevel names an Active Directory domain controller functional
// level (domainControllerFunctionality).
func adFunctionalLevel(v string) string {
	levels := map[string]string{
		"0": "Windows 2000", "1": "Windows Server 2003 interim", "2": "Windows Server 2003",
		"3": "Windows Server 2008", "4": "Windows Server 2008 R2", "5": "Windows Server 2012",
		"6": "Windows Server 2012 R2", "7": "Windows Server 2016", "10": "Windows Server 2025",
	}
	if name, ok := levels[v]; ok {
		return "functional level " + name
	}
	if v != "" {
		return "functional level " + v
	}
	return ""
}

// Summary renders the RootDSE in one line for the staged test.
func (r *RootDSE) Summary() string {
	var parts []string
	vendor := r.Vendor
	if vendor == "" {
		vendor = "vendor not given"
	} else if r.VendorInferred {
		vendor += " (inferred)"
	}
	if r.Version != "" {
		vendor += " " + r.Version
	}
	parts = append(parts, vendor)
	if len(r.NamingContexts) > 0 {
		parts = append(parts, "naming contexts "+strings.Join(r.NamingContexts, "; "))
	}
	parts = append(parts, "paged results "+supportWord(r.PagedResults))
	if r.ActiveDirectory {
		// AD sets passwords through unicodePwd, and Samba supports StartTLS
		// without listing it in supportedExtension.
		parts = append(parts, "passwords set through unicodePwd (TLS only)", "StartTLS "+advertisedWord(r.StartTLS))
	} else {
		parts = append(parts, "password modify "+supportWord(r.PasswordModify), "StartTLS "+supportWord(r.StartTLS))
	}
	if r.ActiveDirectory {
		parts = append(parts, "Active Directory detected")
	}
	parts = append(parts, r.IncrementalSummary())
	return strings.Join(parts, ", ")
}

func supportWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func advertisedWord(b bool) string {
	if b {
		return "yes"
	}
	return "not advertised"
}

func oidListed(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

func oidArcListed(list []string, prefix string) bool {
	for _, v := range list {
		if strings.HasPrefix(v, prefix) {
			return true
		}
	}
	return false
}
