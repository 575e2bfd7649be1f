package slapdtest

import (
	"fmt"
	"strings"
)

// configLDIF renders the cn=config of a private slapd rooted at dir.
func configLDIF(dir string, certs CertFiles) string {
	r := strings.NewReplacer("@DIR@", dir, "@CERT@", certs.CertFile, "@KEY@", certs.KeyFile, "@CA@", certs.CAFile,
		"@BASE@", BaseDN, "@ADMIN@", AdminDN, "@ADMINPW@", AdminPassword, "@READER@", ReaderDN,
		"@SIZELIMIT@", fmt.Sprint(SizeLimit))
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
olcSizeLimit: @SIZELIMIT@

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: refint

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
olcDbIndex: uid eq,sub
olcDbIndex: mail eq
olcDbIndex: cn eq,sub
olcDbIndex: member eq
olcDbIndex: memberOf eq
olcSizeLimit: @SIZELIMIT@
olcLimits: {0}* size.soft=@SIZELIMIT@ size.hard=@SIZELIMIT@ size.prtotal=unlimited
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by users read by * none

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
olcMemberOfRefInt: TRUE

dn: olcOverlay={1}refint,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcRefintConfig
olcOverlay: {1}refint
olcRefintAttribute: member memberOf
`
