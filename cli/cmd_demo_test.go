package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/syncer"
)

// lockedBuffer is a bytes.Buffer safe to read while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startDemoCommand runs "ldapwiz ARGS" in the background and waits for the
// URL it prints.
func startDemoCommand(t *testing.T, args ...string) (url string, out *lockedBuffer, done chan int) {
	t.Helper()
	out = &lockedBuffer{}
	errOut := &lockedBuffer{}
	env := &cliEnv{stdin: strings.NewReader(""), stdout: out, stderr: errOut, getenv: func(string) string { return "" }}
	done = make(chan int, 1)
	go func() { done <- run(env, args) }()
	re := regexp.MustCompile(`URL:\s+(ldap://\S+)`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, done
		}
		select {
		case code := <-done:
			t.Fatalf("ldapwiz %v exited with %d:\n%s%s", args, code, out, errOut)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("ldapwiz %v printed no URL:\n%s%s", args, out, errOut)
	return "", nil, nil
}

// interrupt sends SIGINT to this process, as Ctrl-C would; the command's
// signal.NotifyContext catches it, and waits for the command to end.
func interrupt(t *testing.T, done chan int) int {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not stop on SIGINT")
	}
	return -1
}

func TestDemoServerCommand(t *testing.T) {
	url, out, done := startDemoCommand(t, "demo-server", "--listen", "127.0.0.1:0")
	text := out.String()
	for _, want := range []string{"cn=admin,dc=example,dc=com", "demo-admin", `search_base = "ou=people,dc=example,dc=com"`, "CA certificate:"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	caFile := regexp.MustCompile(`CA certificate: (\S+)`).FindStringSubmatch(text)[1]
	c, err := goldap.DialURL(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind("cn=admin,dc=example,dc=com", "demo-admin"); err != nil {
		t.Fatal(err)
	}
	res, err := c.Search(goldap.NewSearchRequest("dc=example,dc=com", goldap.ScopeWholeSubtree, 0, 0, 0, false, "(uid=tyamada)", []string{"cn"}, nil))
	if err != nil || len(res.Entries) != 1 || res.Entries[0].GetAttributeValue("cn") != "山田 太郎" {
		t.Errorf("search through the command's server: %v %v", res, err)
	}
	c.Close()
	if code := interrupt(t, done); code != 0 {
		t.Errorf("exit code %d after Ctrl-C", code)
	}
	if _, err := os.Stat(caFile); !os.IsNotExist(err) {
		t.Errorf("CA file %s left behind: %v", caFile, err)
	}
	if _, err := goldap.DialURL(url); err == nil {
		t.Error("the server still accepts connections after Ctrl-C")
	}
}

func TestDemoServerBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"demo-server", "--listen", "0.0.0.0:0"},
		{"demo-server", "--listen", "nonsense"},
		{"demo-server", "--bogus"},
		{"demo-server", "extra"},
	} {
		code, _, errOut := runCLI(t, nil, args...)
		if code != 2 || errOut == "" {
			t.Errorf("ldapwiz %v: exit %d, stderr %q; want 2 and a reason", args, code, errOut)
		}
	}
}

// demoPrintedSettings returns the TOML block demo-server printed under
// "Settings for ldapwiz.toml:".
func demoPrintedSettings(t *testing.T, out string) string {
	t.Helper()
	_, after, ok := strings.Cut(out, "Settings for ldapwiz.toml:\n")
	block, _, ok2 := strings.Cut(after, "Press Ctrl-C to stop.")
	if !ok || !ok2 || !strings.Contains(block, "[connection]") {
		t.Fatalf("no settings block in the demo-server output:\n%s", out)
	}
	return block
}

// demoDirConn connects to a demo-server URL with StartTLS (trusting the CA
// file it printed) and binds.
func demoDirConn(t *testing.T, url, caFile, dn, password string) (*goldap.Conn, error) {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", caFile)
	}
	c, err := goldap.DialURL(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.StartTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
		c.Close()
		t.Fatalf("StartTLS to %s: %v", url, err)
	}
	if err := c.Bind(dn, password); err != nil {
		c.Close()
		return nil, err
	}
	t.Cleanup(func() { c.Close() })
	return c, nil
}

// demoDN finds the DN of the user whose attr is value.
func demoDN(t *testing.T, c *goldap.Conn, base, attr, value string) string {
	t.Helper()
	res, err := c.Search(goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, 0, 0, 0, false,
		"("+attr+"="+goldap.EscapeFilter(value)+")", []string{"1.1"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("search %s=%s under %s: %v, %d entries", attr, value, base, err, len(res.Entries))
	}
	return res.Entries[0].DN
}

// TestDemoServerSettingsSyncTwoWay is issue 4's "a two-way sync works
// against it", through the commands a newcomer would use: the settings
// that "ldapwiz demo-server [--ad]" prints, plus a two-way mode and a
// store, validate, pass "ldapwiz test", and sync both ways: a user created
// in the store with a password (created in the directory, then able to
// bind), an attribute changed on each side, a membership removed in the
// directory, on AD a user disabled in the store (userAccountControl 514);
// then a preview plans nothing.
func TestDemoServerSettingsSyncTwoWay(t *testing.T) {
	for _, ad := range []bool{false, true} {
		name, args := "OpenLDAP", []string{"demo-server"}
		if ad {
			name, args = "AD", []string{"demo-server", "--ad"}
		}
		t.Run(name, func(t *testing.T) {
			url, out, done := startDemoCommand(t, args...)
			defer func() {
				if code := interrupt(t, done); code != 0 {
					t.Errorf("demo-server exit %d after Ctrl-C", code)
				}
			}()
			text := out.String()
			caFile := regexp.MustCompile(`CA certificate: (\S+)`).FindStringSubmatch(text)[1]
			dir := t.TempDir()
			dbPath := filepath.Join(dir, "store.db")
			cfg := filepath.Join(dir, "ldapwiz.toml")
			body := demoPrintedSettings(t, text) + "[sync]\nmode = \"two-way\"\n\n[store]\npath = " + strconv.Quote(dbPath) + "\n"
			if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := func(want int, args ...string) string {
				t.Helper()
				code, o, e := runCLI(t, nil, append(args, "-c", cfg)...)
				if code != want {
					t.Fatalf("ldapwiz %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, tail(o), tail(e))
				}
				return o
			}
			cmd(0, "validate")
			cmd(0, "test")
			if o := cmd(0, "sync"); !strings.Contains(o, "Sync: success") || !strings.Contains(o, "store create user: ") {
				t.Fatalf("first sync:\n%s", o)
			}

			s, err := loadSettings(cfg)
			if err != nil {
				t.Fatal(err)
			}
			adminDN, adminPW := s.Connection.BindDN, s.Connection.BindPassword
			dc, err := demoDirConn(t, url, caFile, adminDN, adminPW)
			if err != nil {
				t.Fatal(err)
			}
			base, nameAttr := s.Users.SearchBase, s.Users.UsernameAttribute
			zoeDN := demoDN(t, dc, base, nameAttr, "zunal")
			lukaszDN := demoDN(t, dc, base, nameAttr, "lwisniewski")
			adminsDN := demoDN(t, dc, s.Groups.SearchBase, "cn", "admins")

			// Changes on the store side.
			ctx := context.Background()
			db, err := store.Open(ctx, dbPath)
			if err != nil {
				t.Fatal(err)
			}
			nu, err := db.CreateUser(ctx, store.NewUser{Username: "newbie", FirstName: "New", LastName: "Bie", Email: "newbie@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SetPassword(ctx, nu.ID, "N3w!Passw0rd"); err != nil {
				t.Fatal(err)
			}
			lukasz, err := db.GetUserByName(ctx, "lwisniewski")
			if err != nil {
				t.Fatal(err)
			}
			phone := "+48 555 0199"
			if _, err := db.UpdateUser(ctx, lukasz.ID, store.UserUpdate{Phone: &phone}); err != nil {
				t.Fatal(err)
			}
			if ad {
				zoe, err := db.GetUserByName(ctx, "zunal")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.SetUserDisabled(ctx, zoe.ID, true); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()

			// Changes on the directory side.
			m := goldap.NewModifyRequest(zoeDN, nil)
			m.Replace("mail", []string{"zoe.new@example.com"})
			if err := dc.Modify(m); err != nil {
				t.Fatal(err)
			}
			m = goldap.NewModifyRequest(adminsDN, nil)
			m.Delete("member", []string{lukaszDN})
			if err := dc.Modify(m); err != nil {
				t.Fatal(err)
			}

			if o := cmd(0, "sync"); !strings.Contains(o, "Sync: success") || !strings.Contains(o, ", 0 failed") {
				t.Fatalf("second sync:\n%s", o)
			}
			// The directory got the store's changes...
			newDN := demoDN(t, dc, base, nameAttr, "newbie")
			if c, err := demoDirConn(t, url, caFile, newDN, "N3w!Passw0rd"); err != nil {
				t.Errorf("newbie, created from the store, cannot bind with the store's password: %v", err)
			} else {
				c.Close()
			}
			attrs := []string{"telephoneNumber", "userAccountControl", "objectClass"}
			get := func(dn string) *goldap.Entry {
				t.Helper()
				res, err := dc.Search(goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", attrs, nil))
				if err != nil || len(res.Entries) != 1 {
					t.Fatalf("read %s: %v", dn, err)
				}
				return res.Entries[0]
			}
			if got := get(lukaszDN).GetAttributeValue("telephoneNumber"); got != phone {
				t.Errorf("lwisniewski's telephoneNumber in the directory: %q, want %q", got, phone)
			}
			if ad {
				if got := get(zoeDN).GetAttributeValue("userAccountControl"); got != "514" {
					t.Errorf("zunal, disabled in the store, has userAccountControl %s, want 514", got)
				}
				if got := get(newDN).GetAttributeValue("userAccountControl"); got != "512" {
					t.Errorf("newbie's userAccountControl %s, want 512", got)
				}
			}
			// ...and the store got the directory's.
			db, err = store.Open(ctx, dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if u, err := db.GetUserByName(ctx, "zunal"); err != nil || u.Email != "zoe.new@example.com" {
				t.Errorf("zunal in the store: %+v %v; want the mail changed in the directory", u, err)
			}
			g, err := db.GetGroupByName(ctx, "admins")
			if err != nil {
				t.Fatal(err)
			}
			ids, err := db.GroupMembers(ctx, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if id == lukasz.ID {
					t.Error("lwisniewski, removed from admins in the directory, is still a member in the store")
				}
			}
			if len(ids) == 0 {
				t.Error("admins has no members left in the store")
			}
			db.Close()

			// A rerun plans nothing.
			if o := cmd(0, "preview"); !strings.Contains(o, "Nothing to change") {
				t.Errorf("preview after the sync:\n%s", tail(o))
			}
			var pj struct {
				Plan syncer.Plan `json:"plan"`
			}
			if o := cmd(0, "preview", "--json"); json.Unmarshal([]byte(o), &pj) != nil || !pj.Plan.Empty() {
				t.Errorf("preview --json after the sync plans %d actions: %.1000s", len(pj.Plan.Actions), o)
			}
		})
	}
}

// demoTool runs one of OpenLDAP's client programs against a demo-server
// URL, trusting the CA file it printed, and returns its output.
func demoTool(t *testing.T, url, caFile, stdin, prog string, args ...string) string {
	t.Helper()
	cmd := exec.Command(prog, append([]string{"-H", url}, args...)...)
	cmd.Env = append(os.Environ(), "LDAPTLS_CACERT="+caFile, "LDAPTLS_REQCERT=demand", "LDAPCONF=/dev/null", "LDAPRC=/dev/null")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestOpenLDAPToolsAgainstDemoServerCommand drives "ldapwiz demo-server"
// (the command, not only the package) with OpenLDAP's own ldapsearch,
// ldapadd, ldapmodify and ldappasswd over StartTLS, using the URL,
// credentials and CA file the command printed; and "demo-server --ad"
// with ldapsearch: AD's RootDSE and a bind by user principal name.
func TestOpenLDAPToolsAgainstDemoServerCommand(t *testing.T) {
	slapdtest.EnsureInstalled(t) // ldap-utils
	t.Run("OpenLDAP", func(t *testing.T) {
		url, out, done := startDemoCommand(t, "demo-server")
		defer interrupt(t, done)
		text := out.String()
		caFile := regexp.MustCompile(`CA certificate: (\S+)`).FindStringSubmatch(text)[1]
		admin := []string{"-x", "-ZZ", "-D", regexp.MustCompile(`Bind DN:\s+(\S+)`).FindStringSubmatch(text)[1],
			"-w", regexp.MustCompile(`Bind password:\s+(\S+)`).FindStringSubmatch(text)[1]}
		o := demoTool(t, url, caFile, "", "ldapsearch", append(admin, "-LLL", "-E", "pr=100/noprompt", "-b", "dc=example,dc=com", "(objectClass=inetOrgPerson)", "uid")...)
		if n := strings.Count(o, "\nuid: ") + strings.Count(o, "\nuid:: "); n < 500 {
			t.Errorf("paged ldapsearch found %d users, want a few hundred", n)
		}
		dn := "uid=cmdtool,ou=people,dc=example,dc=com"
		demoTool(t, url, caFile, "dn: "+dn+"\nobjectClass: inetOrgPerson\nuid: cmdtool\ncn: Cmd Tool\nsn: Tool\n\n", "ldapadd", admin...)
		demoTool(t, url, caFile, "dn: "+dn+"\nchangetype: modify\nadd: mail\nmail: cmdtool@example.com\n\n"+
			"dn: cn=admins,ou=groups,dc=example,dc=com\nchangetype: modify\nadd: member\nmember: "+dn+"\n\n", "ldapmodify", admin...)
		demoTool(t, url, caFile, "", "ldappasswd", append(admin, "-s", "cmd-tool-pw", dn)...)
		o = demoTool(t, url, caFile, "", "ldapsearch", "-x", "-ZZ", "-LLL", "-D", dn, "-w", "cmd-tool-pw", "-b", dn, "-s", "base", "mail", "memberOf")
		if !strings.Contains(o, "mail: cmdtool@example.com") || !strings.Contains(o, "memberOf: cn=admins,ou=groups,dc=example,dc=com") {
			t.Errorf("the new entry, read with its new password:\n%s", o)
		}
	})
	t.Run("AD", func(t *testing.T) {
		url, out, done := startDemoCommand(t, "demo-server", "--ad")
		defer interrupt(t, done)
		text := out.String()
		for _, want := range []string{"Active Directory flavour", "CN=Administrator,CN=Users,DC=example,DC=test", `rdn_attribute = "cn"`, `object_class = "user"`} {
			if !strings.Contains(text, want) {
				t.Errorf("demo-server --ad output lacks %q:\n%s", want, text)
			}
		}
		caFile := regexp.MustCompile(`CA certificate: (\S+)`).FindStringSubmatch(text)[1]
		o := demoTool(t, url, caFile, "", "ldapsearch", "-x", "-LLL", "-b", "", "-s", "base", "supportedCapabilities", "defaultNamingContext")
		if !strings.Contains(o, "supportedCapabilities: 1.2.840.113556.1.4.800") || !strings.Contains(o, "defaultNamingContext: DC=example,DC=test") {
			t.Errorf("AD RootDSE:\n%s", o)
		}
		o = demoTool(t, url, caFile, "", "ldapsearch", "-x", "-ZZ", "-LLL", "-D", "Administrator@example.test", "-w", "demo-admin",
			"-b", "DC=example,DC=test", "(sAMAccountName=zunal)", "userPrincipalName", "objectGUID")
		if !strings.Contains(o, "userPrincipalName: zunal@example.test") || !strings.Contains(o, "objectGUID:: ") {
			t.Errorf("AD user read by ldapsearch:\n%s", o)
		}
	})
}
