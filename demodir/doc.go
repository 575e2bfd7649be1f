// Package demodir is the embedded demo directory: a small LDAP v3 server that
// runs inside the ldapwiz binary on 127.0.0.1 and serves the demo data from
// package assets, so a newcomer can try ldapwiz without a directory of their own.
//
// It speaks the protocol itself, on github.com/go-asn1-ber/asn1-ber with DN
// handling from github.com/go-ldap/ldap/v3, rather than on
// github.com/jimlambrt/gldap: gldap v0.1.14 routes no modify DN (modrdn) or
// compare request and hands search filters to handlers as strings, while a
// two-way sync needs modrdn and OpenLDAP's clients send compare.
//
// It serves bind, search with every scope and filter kind, the paged-results
// control, a size limit for unpaged searches, RootDSE and a subschema
// subentry, add, modify, delete, modrdn, StartTLS and the Password Modify
// extended operation, with the result codes OpenLDAP (or, in the Active
// Directory flavour, AD) sends. Everything lives in memory: a restart brings
// the demo data back.
package demodir
