package ldap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldap/v3/gssapi"
	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

// DefaultKrb5Conf is the Kerberos configuration read when Config.Krb5Conf
// is empty.
const DefaultKrb5Conf = "/etc/krb5.conf"

// KerberosError is a GSSAPI bind that failed before or during the Kerberos
// exchange, said in plain words: what Kerberos needs, and the setting that
// provides it. It never fails over to the next server: the next one asks
// the same KDC with the same keytab.
type KerberosError struct {
	Problem string // what went wrong
	Hint    string // how to fix it, naming the setting
	Setting string // dotted key of the setting to change
	Err     error  // the Kerberos library's error, if any
}

// Error is the problem and the fix in one line.
func (e *KerberosError) Error() string {
	if e.Hint == "" {
		return "Kerberos: " + e.Problem
	}
	return "Kerberos: " + e.Problem + "; " + e.Hint
}

// Unwrap returns the Kerberos library's error.
func (e *KerberosError) Unwrap() error { return e.Err }

// explainKerberos is Explain for a *KerberosError.
func explainKerberos(err error) (Diagnosis, bool) {
	var ke *KerberosError
	if !errors.As(err, &ke) {
		return Diagnosis{}, false
	}
	return Diagnosis{Problem: "Kerberos: " + ke.Problem, Hint: ke.Hint, Setting: ke.Setting}, true
}

// gssapi reports whether the bind is SASL GSSAPI (Kerberos).
func (cfg Config) gssapi() bool { return strings.EqualFold(cfg.BindMethod, BindGSSAPI) }

// krb5Conf is the Kerberos configuration file to read.
func (cfg Config) krb5Conf() string {
	if p := strings.TrimSpace(cfg.Krb5Conf); p != "" {
		return p
	}
	return DefaultKrb5Conf
}

// servicePrincipalFor is the LDAP service's principal name on host:
// ServicePrincipal when set, else ldap/<host>. A Kerberos ticket names a
// host, never an address, so an IP address has none.
func (cfg Config) servicePrincipalFor(host string) (string, error) {
	if spn := strings.TrimSpace(cfg.ServicePrincipal); spn != "" {
		return spn, nil
	}
	if net.ParseIP(host) != nil {
		return "", &KerberosError{
			Problem: "connection.url names the server by its address " + host + ", and Kerberos has no service principal (SPN) for an address",
			Hint:    "write the server's host name in connection.url, the one its service principal ldap/<host name> is registered for (on Active Directory, the domain controller's full DNS name)",
			Setting: "connection.url"}
	}
	return "ldap/" + strings.ToLower(host), nil
}

// kerberosClient loads krb5_conf and keytab_file and checks that the
// keytab holds a key of principal, in the realm Kerberos will ask.
func kerberosClient(cfg Config) (*gssapi.Client, string, error) {
	k, err := kerberosSetup(cfg, os.ReadFile)
	if err != nil {
		return nil, "", err
	}
	cl := client.NewWithKeytab(k.name, k.realm, k.keytab, k.conf, client.DisablePAFXFAST(true))
	return &gssapi.Client{Client: cl}, k.realm, nil
}

// CheckKerberos checks the Kerberos settings of a GSSAPI bind without
// asking the KDC: principal set, krb5_conf readable and naming the
// principal's realm, keytab_file readable and holding the principal's key.
// readFile reads the files (os.ReadFile, or a test's). The error is a
// *KerberosError naming the setting.
func CheckKerberos(cfg Config, readFile func(string) ([]byte, error)) error {
	_, err := kerberosSetup(cfg, readFile)
	return err
}

// kerberosFiles are the loaded Kerberos settings of a GSSAPI bind.
type kerberosFiles struct {
	name, realm string
	conf        *config.Config
	keytab      *keytab.Keytab
}

func kerberosSetup(cfg Config, readFile func(string) ([]byte, error)) (kerberosFiles, error) {
	var k kerberosFiles
	name, realm, _ := strings.Cut(strings.TrimSpace(cfg.Principal), "@")
	if name == "" {
		return k, &KerberosError{Problem: "connection.principal is empty",
			Hint: "set connection.principal to the account whose key is in connection.keytab_file, e.g. ldapwiz@EXAMPLE.COM", Setting: "connection.principal"}
	}
	kt := strings.TrimSpace(cfg.KeytabFile)
	if kt == "" {
		return k, &KerberosError{Problem: "connection.keytab_file is empty",
			Hint: "export a keytab for " + cfg.Principal + " (on Samba: samba-tool domain exportkeytab FILE --principal=" + cfg.Principal + "; on Windows: ktpass) and set connection.keytab_file", Setting: "connection.keytab_file"}
	}
	confText, err := readFile(cfg.krb5Conf())
	var conf *config.Config
	if err == nil {
		conf, err = parseKrb5Conf(string(confText))
	}
	if err != nil {
		return k, &KerberosError{Err: err, Problem: "cannot read the Kerberos configuration " + cfg.krb5Conf() + ": " + describeErr(err),
			Hint: "set connection.krb5_conf to a krb5.conf naming the realm and its KDC ([realms] EXAMPLE.COM = { kdc = dc1.example.com })", Setting: "connection.krb5_conf"}
	}
	if realm == "" {
		realm = conf.LibDefaults.DefaultRealm
		if realm == "" {
			return k, &KerberosError{Problem: "connection.principal " + cfg.Principal + " names no realm and " + cfg.krb5Conf() + " sets no default_realm",
				Hint: "write the realm in connection.principal, e.g. " + name + "@EXAMPLE.COM (realms are upper case)", Setting: "connection.principal"}
		}
	}
	if !slices.ContainsFunc(conf.Realms, func(r config.Realm) bool { return r.Realm == realm && len(r.KDC) > 0 }) && !conf.LibDefaults.DNSLookupKDC {
		return k, wrongRealm(cfg, realm, conf)
	}
	ktData, err := readFile(kt)
	var tab *keytab.Keytab
	if err == nil {
		tab, err = parseKeytab(ktData)
	}
	if err != nil {
		return k, &KerberosError{Err: err, Problem: "cannot read connection.keytab_file " + kt + ": " + describeErr(err),
			Hint: "export a keytab for " + name + "@" + realm + " and set connection.keytab_file to it (readable by ldapwiz only, mode 0600)", Setting: "connection.keytab_file"}
	}
	if err := keytabHolds(tab, name, realm, kt); err != nil {
		return k, err
	}
	return kerberosFiles{name: name, realm: realm, conf: conf, keytab: tab}, nil
}

// parseKrb5Conf parses a krb5.conf; a panic of the parser on a malformed
// file is an error.
func parseKrb5Conf(text string) (conf *config.Config, err error) {
	defer func() {
		if p := recover(); p != nil {
			conf, err = nil, fmt.Errorf("not a krb5.conf (%v)", p)
		}
	}()
	return config.NewFromString(text)
}

// parseKeytab parses a keytab file; a panic of the parser on a malformed
// file is an error.
func parseKeytab(data []byte) (kt *keytab.Keytab, err error) {
	defer func() {
		if p := recover(); p != nil {
			kt, err = nil, fmt.Errorf("not a keytab (%v)", p)
		}
	}()
	kt = new(keytab.Keytab)
	if err := kt.Unmarshal(data); err != nil {
		return nil, fmt.Errorf("not a keytab (%v)", err)
	}
	return kt, nil
}

// describeErr is an error from opening a file, without Go's "open PATH:".
func describeErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// wrongRealm says that krb5_conf knows no KDC of realm.
func wrongRealm(cfg Config, realm string, conf *config.Config) error {
	var known []string
	for _, r := range conf.Realms {
		known = append(known, r.Realm)
	}
	have := "no realm"
	if len(known) > 0 {
		have = "only " + strings.Join(known, ", ")
	}
	return &KerberosError{
		Problem: "the realm " + realm + " of connection.principal has no KDC in " + cfg.krb5Conf() + " (it lists " + have + ")",
		Hint:    "write the principal's realm as the directory's Kerberos realm (upper case, e.g. EXAMPLE.COM) in connection.principal, or add the realm and its kdc to connection.krb5_conf",
		Setting: "connection.principal"}
}

// keytabHolds checks that the keytab has a key of name@realm, naming the
// principals it does hold when it has none.
func keytabHolds(tab *keytab.Keytab, name, realm, path string) error {
	var held []string
	sameName := ""
	for _, e := range tab.Entries {
		p := strings.Join(e.Principal.Components, "/")
		if strings.EqualFold(p, name) && e.Principal.Realm == realm {
			return nil
		}
		if strings.EqualFold(p, name) {
			sameName = p + "@" + e.Principal.Realm
		}
		if s := p + "@" + e.Principal.Realm; !slices.Contains(held, s) {
			held = append(held, s)
		}
	}
	if sameName != "" {
		return &KerberosError{
			Problem: "connection.keytab_file " + path + " holds " + sameName + ", not " + name + "@" + realm + ": the realm is wrong",
			Hint:    "write the realm as in the keytab (upper case) in connection.principal",
			Setting: "connection.principal"}
	}
	list := "no key at all"
	if len(held) > 0 {
		list = "keys of " + strings.Join(held, ", ")
	}
	return &KerberosError{
		Problem: "connection.keytab_file " + path + " holds no key of " + name + "@" + realm + " (it holds " + list + ")",
		Hint:    "set connection.principal to a principal of the keytab, or export the keytab for " + name + "@" + realm + " (on Samba: samba-tool domain exportkeytab FILE --principal=" + name + "@" + realm + ")",
		Setting: "connection.keytab_file"}
}

// GSSAPIBind authenticates with SASL GSSAPI: it logs in to the KDC with the
// keytab, asks for a ticket to the server's service principal (ldap/<the
// URL's host>) and binds with it. The Kerberos exchange does not take a
// context, so it runs aside: cancelling ctx returns at once and leaves it
// to finish on its own.
func (c *Conn) GSSAPIBind(ctx context.Context) error {
	spn, err := c.cfg.servicePrincipalFor(c.target.Host)
	if err != nil {
		return err
	}
	cl, realm, err := kerberosClient(c.cfg)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		err := cl.Login()
		if err != nil {
			done <- kdcError(c.cfg, err, realm, spn, true)
			return
		}
		if _, _, err := cl.GetServiceTicket(spn); err != nil {
			done <- kdcError(c.cfg, err, realm, spn, false)
			return
		}
		done <- nil
	}()
	select {
	case err = <-done:
	case <-ctx.Done():
		go func() { <-done; cl.Close() }()
		return fmt.Errorf("%w (while asking the Kerberos KDC for a ticket)", ctx.Err())
	}
	defer cl.Close()
	if err != nil {
		return err
	}
	// The ticket is cached in cl: the bind itself only talks to the server.
	err = c.do(ctx, func() error { return c.c.GSSAPIBind(cl, spn, "") })
	if err != nil && !connectionLost(err) {
		return serverRefusedTicket(err, spn)
	}
	return err
}

// kdcError explains an error of the KDC exchange: at login (the keytab's
// principal) or when asking for the service ticket (the server's SPN).
func kdcError(cfg Config, err error, realm, spn string, login bool) error {
	msg := err.Error()
	ke := &KerberosError{Err: err}
	switch {
	case strings.Contains(msg, "KRB_AP_ERR_SKEW"), strings.Contains(msg, "(37)"):
		ke.Problem = "the clocks of this machine and the KDC differ by more than Kerberos allows (usually 5 minutes)"
		ke.Hint = "set this machine's clock right (NTP, e.g. against the domain controller); Kerberos needs the clocks in step, and no setting of ldapwiz can change that"
		ke.Setting = "connection.krb5_conf"
	case strings.Contains(msg, "no KDCs defined"), strings.Contains(msg, "no KDC SRV records"), strings.Contains(msg, "KDC_ERR_WRONG_REALM"):
		conf, _ := config.Load(cfg.krb5Conf())
		if conf == nil {
			conf = config.New()
		}
		return wrongRealm(cfg, realm, conf)
	case strings.Contains(msg, "communication error with KDC"), strings.Contains(msg, "failed to communicate with KDC"),
		strings.Contains(msg, "no KDCs resolved"), strings.Contains(msg, "Networking_Error"):
		detail := lastPart(msg)
		if i := strings.LastIndex(msg, "dial "); i >= 0 {
			detail = msg[i:]
		}
		ke.Problem = "cannot reach the KDC of " + realm + " named in " + cfg.krb5Conf() + " (" + detail + ")"
		ke.Hint = "check the kdc = host:port of realm " + realm + " in connection.krb5_conf and that this machine reaches it (port 88; udp_preference_limit = 1 in [libdefaults] makes it TCP only)"
		ke.Setting = "connection.krb5_conf"
	case login && strings.Contains(msg, "KDC_ERR_C_PRINCIPAL_UNKNOWN"):
		ke.Problem = "the KDC of " + realm + " knows no principal " + cfg.Principal
		ke.Hint = "set connection.principal to the account the keytab was exported for, in the directory's realm"
		ke.Setting = "connection.principal"
	case login && (strings.Contains(msg, "KDC_ERR_PREAUTH_FAILED") || strings.Contains(msg, "KRB_AP_ERR_BAD_INTEGRITY") ||
		strings.Contains(msg, "matching key not found") || strings.Contains(msg, "Decrypting_Error")):
		ke.Problem = "the key in connection.keytab_file is not the current key of " + cfg.Principal + " (the password changed since the keytab was exported, or the key type is not one the KDC uses)"
		ke.Hint = "export the keytab again and replace connection.keytab_file"
		ke.Setting = "connection.keytab_file"
	case strings.Contains(msg, "KDC_ERR_CLIENT_REVOKED"):
		ke.Problem = "the KDC refuses " + cfg.Principal + ": the account is disabled, locked or expired"
		ke.Hint = "enable or unlock the account in the directory, or set connection.principal to another one"
		ke.Setting = "connection.principal"
	case !login && strings.Contains(msg, "KDC_ERR_S_PRINCIPAL_UNKNOWN"):
		ke.Problem = "the KDC of " + realm + " has no service principal " + spn + " (no SPN for this host name)"
		ke.Hint = "write in connection.url the host name the directory server's SPN is registered for (on Active Directory the domain controller's full DNS name, e.g. dc1.example.com; setspn -L DC1 lists them): Kerberos names the server by the URL's host"
		ke.Setting = "connection.url"
	default:
		ke.Problem = "the KDC exchange failed: " + lastPart(msg)
		if login {
			ke.Hint = "check connection.principal, connection.keytab_file and connection.krb5_conf"
			ke.Setting = "connection.principal"
		} else {
			ke.Hint = "check that the host in connection.url is the name of the server's SPN ldap/<host>"
			ke.Setting = "connection.url"
		}
	}
	return ke
}

// lastPart is the most specific part of a Kerberos library message, whose
// parts are joined by " < " (outer first).
func lastPart(msg string) string {
	parts := strings.Split(msg, " < ")
	return strings.TrimSpace(parts[len(parts)-1])
}

// serverRefusedTicket explains a refusal of the GSSAPI bind by the server
// after the KDC issued a ticket.
func serverRefusedTicket(err error, spn string) error {
	msg := err.Error()
	if strings.Contains(msg, "KRB_AP_ERR_SKEW") || strings.Contains(strings.ToLower(msg), "clock skew") {
		return &KerberosError{Err: err,
			Problem: "the directory server refused the ticket: its clock and this machine's differ by more than Kerberos allows",
			Hint:    "set this machine's clock right (NTP against the domain controller)", Setting: "connection.krb5_conf"}
	}
	var le *goldap.Error
	if errors.As(err, &le) && le.ResultCode == goldap.LDAPResultStrongAuthRequired {
		return &KerberosError{Err: err,
			Problem: "the directory server wants the LDAP traffic signed or sealed, or TLS channel bindings, which ldapwiz's Kerberos bind does not do (server said: " + le.Err.Error() + ")",
			Hint:    "use ldaps:// in connection.url or turn on connection.start_tls, and let the server accept Kerberos over TLS without channel bindings (Samba 4.17: ldap server require strong auth = allow_sasl_over_tls; Active Directory: LdapEnforceChannelBinding below 2)",
			Setting: "connection.url"}
	}
	return &KerberosError{Err: err,
		Problem: "the directory server refused the Kerberos ticket for " + spn + ": " + Explain(err).Problem,
		Hint:    "check that connection.url names the server the SPN " + spn + " belongs to (a ticket for another server's SPN cannot be read by this one)",
		Setting: "connection.url"}
}
