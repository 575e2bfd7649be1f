package slapdtest

import (
	"fmt"
	"strings"
)

// configLDIF renders the cn=config of a private slapd rooted at dir; extraACL
// are olcAccess rules placed before the standard ones of the data; tlsExtra
// are more cn=config lines (client certificate checks), usually empty;
// ppolicy adds the password-policy module and overlay (Options.PPolicy);
// syncprov the content-synchronization provider (Options.SyncProv).
func configLDIF(dir string, certs CertFiles, extraACL []string, tlsExtra string, ppolicy, syncprov bool) string {
	var acl strings.Builder
	names := strings.NewReplacer("@READER@", ReaderDN, "@BASE@", BaseDN)
	for i, rule := range extraACL {
		fmt.Fprintf(&acl, "olcAccess: {%d}%s\n", i, names.Replace(rule))
	}
	n := len(extraACL)
	standard := fmt.Sprintf("olcAccess: {%d}to attrs=userPassword by self write by anonymous auth by * none\n"+
		"olcAccess: {%d}to * by users read by * none\n", n, n+1)
	module, first, overlay, index := "", "", "", ""
	// syncprov comes first, below memberof and refint on the stack, so
	// that their own writes (memberOf values, member values rewritten
	// after a rename or delete) pass through it and reach its session log.
	at := 0
	if syncprov {
		module, first, index = syncprovModule, syncprovOverlay(0), syncprovIndex
		at = 1
	}
	if ppolicy {
		module += ppolicyModule
		overlay = strings.Replace(ppolicyOverlay, "{2}", fmt.Sprintf("{%d}", at+2), 2)
	}
	r := strings.NewReplacer("@MODULES@", module, "@OVERLAYS@", overlay, "@SYNCINDEX@", index, "@FIRSTOVERLAY@", first,
		"{@MEMBEROF@}", fmt.Sprintf("{%d}", at), "{@REFINT@}", fmt.Sprintf("{%d}", at+1), "@DATAACL@", acl.String()+standard, "@DIR@", dir, "@CERT@", certs.CertFile, "@KEY@", certs.KeyFile, "@CA@", certs.CAFile,
		"@BASE@", BaseDN, "@ADMIN@", AdminDN, "@ADMINPW@", AdminPassword, "@READER@", ReaderDN,
		"@SIZELIMIT@", fmt.Sprint(SizeLimit), "@TLSEXTRA@", tlsExtra)
	return r.Replace(configTemplate)
}

const configTemplate = `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: @DIR@/slapd.pid
olcArgsFile: @DIR@/slapd.args
olcTLSCertificateFile: @CERT@
olcTLSCertificateKeyFile: @KEY@
olcTLSCACertificateFile: @CA@
@TLSEXTRA@olcSizeLimit: @SIZELIMIT@

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: refint
@MODULES@
dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/nis.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: @SIZELIMIT@
olcAccess: {0}to dn.base="" by * read
olcAccess: {1}to dn.base="cn=Subschema" by * read

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: @DIR@/data
olcSuffix: @BASE@
olcRootDN: @ADMIN@
olcRootPW: @ADMINPW@
olcDbNoSync: TRUE
olcDbMaxSize: 4294967296
olcDbIndex: objectClass eq
olcDbIndex: entryUUID eq
@SYNCINDEX@olcDbIndex: uid eq,sub
olcDbIndex: mail eq
olcDbIndex: cn eq,sub
olcDbIndex: member eq
olcDbIndex: memberOf eq
olcSizeLimit: @SIZELIMIT@
olcLimits: {0}* size.soft=@SIZELIMIT@ size.hard=@SIZELIMIT@ size.prtotal=unlimited
@DATAACL@@FIRSTOVERLAY@
dn: olcOverlay={@MEMBEROF@}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {@MEMBEROF@}memberof
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
olcMemberOfRefInt: TRUE

dn: olcOverlay={@REFINT@}refint,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcRefintConfig
olcOverlay: {@REFINT@}refint
olcRefintAttribute: member memberOf
@OVERLAYS@`
