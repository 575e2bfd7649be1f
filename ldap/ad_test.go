package ldap

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

func TestInChainFilter(t *testing.T) {
	dn := `CN=Doe\, John (IT),OU=Groups,DC=example,DC=test`
	got := NestedMembersFilter(dn)
	want := `(memberOf:1.2.840.113556.1.4.1941:=CN=Doe\5c, John \28IT\29,OU=Groups,DC=example,DC=test)`
	if got != want {
		t.Fatalf("NestedMembersFilter = %s, want %s", got, want)
	}
	if _, err := goldap.CompileFilter(got); err != nil {
		t.Fatalf("%s does not compile: %v", got, err)
	}
	if g := InChainFilter("member", "CN=a,DC=x"); g != "(member:1.2.840.113556.1.4.1941:=CN=a,DC=x)" {
		t.Errorf("InChainFilter(member) = %s", g)
	}
}

func TestValidateSAMAccountName(t *testing.T) {
	good := []string{"jdoe", "j.doe", "John Doe", "ñandú-01", "a", strings.Repeat("x", 20), "user@x", ".x."}
	for _, name := range good {
		if err := ValidateSAMAccountName(name); err != nil {
			t.Errorf("%q: unexpected error %v", name, err)
		}
	}
	bad := map[string]string{
		"":                      "empty",
		strings.Repeat("x", 21): "at most 20",
		"...":                   "only of dots and spaces",
		" . ":                   "only of dots and spaces",
		"tab\tname":             "control character",
	}
	for _, c := range `"/\[]:;|=,+*?<>` {
		bad["ab"+string(c)+"cd"] = "contains"
	}
	for name, want := range bad {
		err := ValidateSAMAccountName(name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one mentioning %q", name, err, want)
		}
	}
	// Twenty characters, not twenty bytes.
	if err := ValidateSAMAccountName(strings.Repeat("é", 20)); err != nil {
		t.Errorf("20 non-ASCII characters: %v", err)
	}
}

func TestUserAccountControl(t *testing.T) {
	cases := []struct {
		in       string
		disabled bool
	}{{"512", false}, {"514", true}, {"66048", false}, {"66050", true}, {"2", true}, {"-2147483646", true}}
	for _, c := range cases {
		got, err := UACDisabled(c.in)
		if err != nil || got != c.disabled {
			t.Errorf("UACDisabled(%s) = %v, %v; want %v", c.in, got, err, c.disabled)
		}
	}
	for _, c := range []struct {
		in       string
		disabled bool
		want     string
	}{{"512", true, "514"}, {"514", false, "512"}, {"66048", true, "66050"}, {"66050", false, "66048"}, {"514", true, "514"}, {"", true, "514"}, {"", false, "512"}} {
		got, err := WithUACDisabled(c.in, c.disabled)
		if err != nil || got != c.want {
			t.Errorf("WithUACDisabled(%q, %v) = %q, %v; want %q", c.in, c.disabled, got, err, c.want)
		}
	}
	for _, bad := range []string{"x", "1.5", "99999999999"} {
		if _, err := UACDisabled(bad); err == nil || !strings.Contains(err.Error(), "userAccountControl") {
			t.Errorf("UACDisabled(%q): error %v", bad, err)
		}
	}
	if UACEnabledUser != 512 || UACDisabledUser != 514 {
		t.Errorf("UAC values %d %d", UACEnabledUser, UACDisabledUser)
	}
}

func TestGroupType(t *testing.T) {
	if got := FormatGroupType(GroupTypeGlobalSecurity); got != "-2147483646" {
		t.Errorf("global security group = %s, want -2147483646", got)
	}
	if got := FormatGroupType(GroupTypeSecurity | GroupTypeUniversal); got != "-2147483640" {
		t.Errorf("universal security group = %s, want -2147483640", got)
	}
	if got := FormatGroupType(GroupTypeGlobal); got != "2" {
		t.Errorf("global distribution group = %s", got)
	}
}

// TestADPasswordRefusedOnPlainConnection proves that an Active Directory
// password is refused before a single byte goes out on a connection that
// is not encrypted: the "server" end of the pipe records what it receives.
func TestADPasswordRefusedOnPlainConnection(t *testing.T) {
	client, server := net.Pipe()
	received := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(server)
		received <- b
	}()
	gc := goldap.NewConn(client, false)
	gc.Start()
	c := &Conn{c: gc, cfg: Config{Timeout: time.Second}}
	ctx := context.Background()
	const secret = "N3w-Secret!pw"

	err := c.SetPassword(ctx, "CN=x,CN=Users,DC=example,DC=test", secret, true)
	if err == nil || !strings.Contains(err.Error(), "encrypted") || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("SetPassword on a plain connection: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the password: %v", err)
	}
	err = c.AddADUser(ctx, "CN=x,CN=Users,DC=example,DC=test", ADUser{SAMAccountName: "x", Password: secret})
	if err == nil || !strings.Contains(err.Error(), "ldaps://") || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("AddADUser with a password on a plain connection: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the password: %v", err)
	}
	c.Close()
	server.Close()
	if b := <-received; len(b) != 0 {
		t.Errorf("%d bytes were sent to the server on a plain connection: %x", len(b), b)
	}
}

func TestAddADUserRefusesBadInput(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	gc := goldap.NewConn(client, true) // pretend TLS: the checks come before any send
	gc.Start()
	c := &Conn{c: gc, cfg: Config{Timeout: time.Second}, encrypted: true}
	defer c.Close()
	ctx := context.Background()
	cases := map[string]ADUser{
		"at most 20":       {SAMAccountName: strings.Repeat("a", 21), Password: "x"},
		"needs a password": {SAMAccountName: "nopw"},
		"account fields":   {SAMAccountName: "ok", Password: "x", Attributes: map[string][]string{"UserAccountControl": {"66048"}}},
	}
	for want, u := range cases {
		if err := c.AddADUser(ctx, "CN=x,DC=example,DC=test", u); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("AddADUser(%+v): %v, want an error mentioning %q", u.SAMAccountName, err, want)
		}
	}
	if err := c.AddADGroup(ctx, "CN=g,DC=example,DC=test", "bad|name", GroupTypeGlobalSecurity, nil); err == nil || !strings.Contains(err.Error(), "contains") {
		t.Errorf("AddADGroup with a bad name: %v", err)
	}
}

func TestExplainADWriteRefusals(t *testing.T) {
	cases := []struct {
		code uint16
		msg  string
		want string
	}{
		{19, "0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters!", "password policy (minimum length, complexity, history or minimum age) (the password is too short"},
		{19, "0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)\n\x00", "password policy"},
		{53, "0000052D: SvcErr: DSID-031A124C, problem 5003 (WILL_NOT_PERFORM), data 0\n\x00", "password policy"},
		{68, "00002071: samldb: samAccountName 'erin' already in use!", "sAMAccountName"},
		{68, "00000524: UpdErr: DSID-031A11E0, problem 6005 (ENTRY_EXISTS), data 0\n\x00", "sAMAccountName"},
		{19, "0000202F: samldb: userPrincipalName 'zed@example.test' is already in use ", "userPrincipalName"},
	}
	for _, c := range cases {
		d := Explain(goldap.NewError(c.code, errors.New(c.msg)))
		if !strings.Contains(d.Problem, c.want) || d.Hint == "" || d.Code != int(c.code) {
			t.Errorf("%d %q: %+v, want a problem mentioning %q", c.code, c.msg, d, c.want)
		}
	}
	// Other constraint violations keep the generic explanation.
	if d := Explain(goldap.NewError(19, errors.New("some other constraint"))); !strings.Contains(d.Problem, "some other constraint") {
		t.Errorf("generic constraint violation: %+v", d)
	}
}

func TestADSchemaNC(t *testing.T) {
	for in, want := range map[string]string{
		"CN=Aggregate,CN=Schema,CN=Configuration,DC=example,DC=test": "CN=Schema,CN=Configuration,DC=example,DC=test",
		"cn=aggregate,cn=schema,cn=configuration,dc=x":               "cn=schema,cn=configuration,dc=x",
		"cn=Subschema": "",
		"":             "",
		"CN=Aggregate": "",
	} {
		if got := adSchemaNC(in); got != want {
			t.Errorf("adSchemaNC(%q) = %q, want %q", in, got, want)
		}
	}
}
