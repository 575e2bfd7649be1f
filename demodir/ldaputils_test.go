package demodir

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
)

// ldapTool runs one of OpenLDAP's client programs against s with stdin and
// returns its output; LDAPTLS_CACERT makes StartTLS (-ZZ) trust the demo CA.
func ldapTool(t *testing.T, s *Server, stdin string, wantOK bool, prog string, args ...string) string {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, s.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog, append([]string{"-H", s.URL()}, args...)...)
	cmd.Env = append(os.Environ(), "LDAPTLS_CACERT="+ca, "LDAPTLS_REQCERT=demand", "LDAPCONF=/dev/null", "LDAPRC=/dev/null")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if (err == nil) != wantOK {
		t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestOpenLDAPClientTools(t *testing.T) {
	slapdtest.EnsureInstalled(t)
	s := start(t, false)
	adminArgs := []string{"-x", "-D", s.AdminDN(), "-w", s.AdminPassword()}

	// ldapsearch: anonymous RootDSE, paged subtree, StartTLS.
	out := ldapTool(t, s, "", true, "ldapsearch", "-x", "-LLL", "-b", "", "-s", "base", "+")
	if !strings.Contains(out, "supportedControl: 1.2.840.113556.1.4.319") || !strings.Contains(out, "namingContexts: dc=example,dc=com") {
		t.Errorf("RootDSE:\n%s", out)
	}
	out = ldapTool(t, s, "", true, "ldapsearch", append(adminArgs, "-LLL", "-E", "pr=100/noprompt", "-b", s.BaseDN(), "(objectClass=inetOrgPerson)", "uid")...)
	if n := strings.Count(out, "\nuid: ") + strings.Count(out, "\nuid:: "); n < 500 {
		t.Errorf("paged ldapsearch returned %d users", n)
	}
	userArgs := []string{"-x", "-D", "uid=lwisniewski,ou=platform,ou=engineering,ou=people,dc=example,dc=com", "-w", UserPassword}
	out = ldapTool(t, s, "", false, "ldapsearch", append(userArgs, "-LLL", "-b", s.BaseDN(), "(objectClass=inetOrgPerson)", "1.1")...)
	if !strings.Contains(out, "Size limit exceeded (4)") {
		t.Errorf("unpaged ldapsearch over 500 entries:\n%.300s", out[max(0, len(out)-300):])
	}
	out = ldapTool(t, s, "", true, "ldapsearch", append(adminArgs, "-ZZ", "-LLL", "-b", s.BaseDN(), "(uid=lwisniewski)", "cn", "memberOf")...)
	if !strings.Contains(out, "memberOf: cn=admins,ou=groups,dc=example,dc=com") {
		t.Errorf("ldapsearch -ZZ:\n%s", out)
	}
	ldapTool(t, s, "", false, "ldapsearch", "-x", "-D", s.AdminDN(), "-w", "wrong", "-b", s.BaseDN(), "-s", "base")

	// ldapadd, ldapmodify, ldappasswd, then bind with the new password.
	dn := "uid=tooluser,ou=support,ou=people,dc=example,dc=com"
	ldapTool(t, s, "dn: "+dn+`
objectClass: inetOrgPerson
uid: tooluser
cn: Tool User
sn: User
mail: tooluser@example.com

`, true, "ldapadd", adminArgs...)
	ldapTool(t, s, "dn: "+dn+`
changetype: modify
replace: mail
mail: tool.user@example.com
-
add: telephoneNumber
telephoneNumber: +1 555 0199

dn: cn=support,ou=groups,dc=example,dc=com
changetype: modify
add: member
member: `+dn+`

`, true, "ldapmodify", adminArgs...)
	bad := ldapTool(t, s, "dn: "+dn+"\nchangetype: modify\nadd: shoeSize\nshoeSize: 44\n\n", false, "ldapmodify", adminArgs...)
	if !strings.Contains(bad, "(17)") {
		t.Errorf("unknown attribute through ldapmodify:\n%s", bad)
	}
	ldapTool(t, s, "", true, "ldappasswd", append(adminArgs, "-s", "tool-pass", dn)...)
	out = ldapTool(t, s, "", true, "ldapsearch", "-x", "-LLL", "-D", dn, "-w", "tool-pass", "-b", dn, "-s", "base", "mail", "memberOf")
	if !strings.Contains(out, "mail: tool.user@example.com") || !strings.Contains(out, "memberOf: cn=support,ou=groups,dc=example,dc=com") {
		t.Errorf("after ldapmodify and ldappasswd:\n%s", out)
	}
	// ldapwhoami, ldapmodrdn and ldapdelete too.
	out = ldapTool(t, s, "", true, "ldapwhoami", "-x", "-D", dn, "-w", "tool-pass")
	if !strings.Contains(out, "dn:"+dn) {
		t.Errorf("ldapwhoami: %s", out)
	}
	ldapTool(t, s, "", true, "ldapmodrdn", append(adminArgs, "-r", dn, "uid=tooluser2")...)
	ldapTool(t, s, "", true, "ldapdelete", append(adminArgs, "uid=tooluser2,ou=support,ou=people,dc=example,dc=com")...)
}
