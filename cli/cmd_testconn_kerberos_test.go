package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ldapwiz/internal/sambatest"
)

// "ldapwiz test" with bind_method = "gssapi" against Samba AD and its own
// KDC: a keytab exported for a service account, a krb5.conf naming the
// forwarded KDC, the URL naming the server by a host name with an SPN
// (localhost). Every step passes or warns, the bind step names the
// principal, and nothing fails; "ldapwiz validate" finds no problem with
// the Kerberos settings. With a principal the keytab lacks, the bind step
// fails naming connection.keytab_file and the exit code is 1.
func TestTestCommandKerberosSamba(t *testing.T) {
	s := sambatest.StartWith(t, sambatest.Options{KDC: true})
	s.AddUser(t, "krbsvc", "Krb!Passw0rd1", false)
	principal := "krbsvc@" + sambatest.Realm
	keytab, krb5 := s.ExportKeytab(t, principal), s.Krb5Conf(t)
	write := func(principal string) string {
		path := filepath.Join(t.TempDir(), "ldapwiz.toml")
		toml := fmt.Sprintf(`[connection]
url = %q
ca_file = %q
active_directory = true
bind_method = "gssapi"
principal = %q
keytab_file = %q
krb5_conf = %q
timeout = "10s"
page_size = 500

[users]
search_base = %q
object_class = "user"
username_attribute = "sAMAccountName"
rdn_attribute = "cn"
member_attribute = "memberOf"

[users.attributes]
phone = ""

[groups]
search_base = %q
object_class = "group"
name_attribute = "cn"
member_attribute = "member"
`, s.LocalhostURL(), s.CAFile, principal, keytab, krb5, sambatest.UsersDN, sambatest.UsersDN)
		if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cfg := write(principal)
	code, out, errs := runTestConnCLI(t, nil, "-c", cfg)
	if code != 0 || !strings.Contains(out, "bound with Kerberos principal "+principal) || strings.Contains(out, "[FAIL]") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if _, out, _ := runCLI(t, nil, "validate", "-c", cfg); strings.Contains(out, "connection.principal") ||
		strings.Contains(out, "connection.keytab_file") || strings.Contains(out, "connection.krb5_conf") {
		t.Errorf("validate finds a problem with the Kerberos settings:\n%s", out)
	}

	code, out, _ = runTestConnCLI(t, nil, "-c", write("other@"+sambatest.Realm))
	if code != 1 || !strings.Contains(out, "holds no key of other@"+sambatest.Realm) || !strings.Contains(out, "[connection.keytab_file]") {
		t.Errorf("a principal the keytab lacks: exit %d\n%s", code, out)
	}
}
