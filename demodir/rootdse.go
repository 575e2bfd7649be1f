package demodir

// OIDs of the controls and extended operations the server supports.
const (
	oidPagedResults    = "1.2.840.113556.1.4.319"
	oidManageDsaIT     = "2.16.840.1.113730.3.4.2"
	oidStartTLS        = "1.3.6.1.4.1.1466.20037"
	oidPasswordModify  = "1.3.6.1.4.1.4203.1.11.1"
	oidWhoAmI          = "1.3.6.1.4.1.4203.1.11.3"
	oidNoticeOfDisc    = "1.3.6.1.4.1.1466.20036"
	oidADCapability    = "1.2.840.113556.1.4.800"
	oidADCapabilityV51 = "1.2.840.113556.1.4.1670"
)

// rootDSE returns the attributes of the root DSE. On the OpenLDAP flavour
// only objectClass is a user attribute (the rest come with "+" or by name);
// Active Directory returns everything by default.
func (d *directory) rootDSE() []outAttr {
	op := !d.fl.ad
	out := []outAttr{
		{name: "objectClass", vals: []string{"top", "OpenLDAProotDSE"}},
		{name: "namingContexts", vals: []string{d.fl.suffix}, op: op},
		{name: "subschemaSubentry", vals: []string{d.fl.schemaDN}, op: op},
		{name: "supportedControl", vals: []string{oidManageDsaIT, oidPagedResults}, op: op},
		{name: "supportedLDAPVersion", vals: []string{"3"}, op: op},
		{name: "vendorName", vals: []string{d.fl.vendorName}, op: op},
		{name: "vendorVersion", vals: []string{"ldapwiz demo 1"}, op: op},
	}
	if !d.fl.ad {
		out = append(out,
			outAttr{name: "supportedExtension", vals: []string{oidStartTLS, oidPasswordModify, oidWhoAmI}, op: op},
			outAttr{name: "supportedFeatures", vals: []string{
				"1.3.6.1.1.14",           // modify-increment
				"1.3.6.1.4.1.4203.1.5.1", // all operational attributes ("+")
				"1.3.6.1.4.1.4203.1.5.2", // objectClass attribute lists
				"1.3.6.1.4.1.4203.1.5.3", // absolute true and false filters
			}, op: op},
			outAttr{name: "entryDN", vals: []string{""}, op: true},
			outAttr{name: "structuralObjectClass", vals: []string{"OpenLDAProotDSE"}, op: true},
		)
		return out
	}
	out[0].vals = []string{"top"}
	return append(out,
		outAttr{name: "supportedExtension", vals: []string{oidStartTLS, oidWhoAmI}},
		outAttr{name: "supportedCapabilities", vals: []string{oidADCapability, oidADCapabilityV51}},
		outAttr{name: "defaultNamingContext", vals: []string{d.fl.suffix}},
		outAttr{name: "rootDomainNamingContext", vals: []string{d.fl.suffix}},
		outAttr{name: "configurationNamingContext", vals: []string{"CN=Configuration," + d.fl.suffix}},
		outAttr{name: "schemaNamingContext", vals: []string{"CN=Schema,CN=Configuration," + d.fl.suffix}},
		outAttr{name: "dnsHostName", vals: []string{"dc1.example.test"}},
		outAttr{name: "ldapServiceName", vals: []string{"example.test:dc1$@EXAMPLE.TEST"}},
		outAttr{name: "serverName", vals: []string{"CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + d.fl.suffix}},
		outAttr{name: "domainFunctionality", vals: []string{"4"}},
		outAttr{name: "forestFunctionality", vals: []string{"4"}},
		outAttr{name: "domainControllerFunctionality", vals: []string{"4"}},
		outAttr{name: "isSynchronized", vals: []string{"TRUE"}},
		outAttr{name: "isGlobalCatalogReady", vals: []string{"FALSE"}},
		outAttr{name: "supportedSASLMechanisms", vals: []string{"GSSAPI"}},
	)
}

// subschema returns the attributes of the subschema subentry: the object
// classes and attribute types the server enforces, in RFC 4512 syntax.
func (d *directory) subschema() []outAttr {
	var ats, ocs []string
	for _, a := range d.sch.attrList {
		ats = append(ats, a.definition)
	}
	for _, o := range d.sch.classList {
		ocs = append(ocs, o.definition)
	}
	oc := []string{"top", "subentry", "subschema", "extensibleObject"}
	cn := "Subschema"
	if d.fl.ad {
		oc, cn = []string{"top", "subSchema"}, "Aggregate"
	}
	return []outAttr{
		{name: "objectClass", vals: oc},
		{name: "cn", vals: []string{cn}},
		{name: "attributeTypes", vals: ats, op: true},
		{name: "objectClasses", vals: ocs, op: true},
		{name: "entryDN", vals: []string{d.fl.schemaDN}, op: true},
		{name: "subschemaSubentry", vals: []string{d.fl.schemaDN}, op: true},
	}
}
