package wizard

import (
	"errors"
	"net/mail"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
)

// sync checks the [sync] settings and the Active Directory password rule.
func (c *checker) sync() {
	s := c.s.Sync
	switch s.Mode {
	case ModeImport, ModeOneWay, ModeTwoWay:
	default:
		c.errorf("sync.mode", "Mode %s is not one of \"import\" (directory to store), \"one-way\" (store to directory) or \"two-way\".", Echo(s.Mode))
	}
	switch s.Authority {
	case AuthorityLDAP, AuthorityStore:
	default:
		c.errorf("sync.authority", "Authority %s is not \"ldap\" or \"store\"; it says who wins when the same field changed on both sides.", Echo(s.Authority))
	}
	if strings.TrimSpace(s.MaxDelete) == "" {
		c.errorf("sync.max_delete", "max_delete is empty; write a count like \"25\" or a share of linked users like \"10%%\" (\"100%%\" turns the limit off).")
	} else if _, _, err := parseMaxDelete(s.MaxDelete); err != nil {
		c.errorf("sync.max_delete", "%s is not a count like \"25\" or a percentage from 0%% to 100%% like \"10%%\".", Echo(s.MaxDelete))
	}
	if msg := durationProblem(s.Interval, "5m"); msg != "" {
		c.errorf("sync.interval", "The interval %s", msg)
	}
	c.missingUsers()
	c.incremental()
	conn := c.s.Connection
	u, bad := parseConnectionURL(conn.URL)
	writesPasswords := s.Mode == ModeOneWay || s.Mode == ModeTwoWay
	if conn.ActiveDirectory && writesPasswords && bad == "" && u.Scheme == "ldap" && !conn.StartTLS {
		c.errorf("connection.start_tls", "Active Directory refuses password changes over an unencrypted connection, and sync.mode %q writes passwords; use ldaps:// or turn on start_tls (or set sync.mode = \"import\").", s.Mode)
	}
}

// missingUsers checks sync.missing_users and sync.missing_grace.
func (c *checker) missingUsers() {
	s := c.s.Sync
	mode := strings.TrimSpace(s.MissingUsers)
	switch mode {
	case "", MissingDelete, MissingDisable:
	default:
		c.errorf("sync.missing_users", "missing_users %s is not \"delete\" (a user gone from the directory is deleted from the store) or \"disable\" (it is disabled, and deleted after sync.missing_grace when that is set).", Echo(s.MissingUsers))
	}
	if mode == MissingDisable && s.Mode == ModeOneWay {
		c.warnf("sync.missing_users", "In one-way mode a user gone from the directory is written back from the store, so missing_users = \"disable\" does not apply; it matters in import and two-way mode.")
	}
	if strings.TrimSpace(s.MissingGrace) == "" {
		return
	}
	if msg := durationProblem(s.MissingGrace, "72h"); msg != "" {
		c.errorf("sync.missing_grace", "The grace period %s", msg)
		return
	}
	if mode != MissingDisable {
		c.warnf("sync.missing_grace", "missing_grace only applies with missing_users = \"disable\"; with %q a user gone from the directory is deleted at once. Set missing_users = \"disable\" or clear missing_grace.", c.s.EffectiveMissingUsers())
	}
}

// enrollment checks the [enrollment] settings.
func (c *checker) enrollment() {
	e := c.s.Enrollment
	if e.AutoInvite && !e.Enabled {
		c.errorf("enrollment.auto_invite", "auto_invite sends enrollment invitations, but enrollment is off; set enrollment.enabled = true or turn auto_invite off.")
	}
	switch {
	case strings.TrimSpace(e.InviteURL) != "":
		if msg := httpURLProblem(e.InviteURL); msg != "" {
			c.errorf("enrollment.invite_url", "The invite URL %s", msg)
		}
	case e.Enabled && e.AutoInvite:
		c.errorf("enrollment.invite_url", "auto_invite needs the address of the enrollment page to put in the e-mail; set invite_url, e.g. https://app.example.com/enroll.")
	}
	if msg := durationProblem(e.TokenTTL, "48h"); msg != "" {
		c.errorf("enrollment.token_ttl", "The token lifetime %s", msg)
	}
	if e.Enabled && e.AutoInvite && strings.TrimSpace(c.s.SMTP.Host) == "" {
		c.warnf("smtp.host", "auto_invite is on but no SMTP server is set, so invitations are queued, not sent; set smtp.host to send them.")
	}
}

// httpURLProblem checks an absolute http(s) URL.
func httpURLProblem(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "is not an http:// or https:// address; write e.g. https://app.example.com/enroll."
	}
	return ""
}

// smtp checks the [smtp] settings; most only matter when a host is set.
func (c *checker) smtp() {
	m := c.s.SMTP
	hostSet := strings.TrimSpace(m.Host) != ""
	switch m.TLS {
	case SMTPStartTLS, SMTPTLS, SMTPNone:
	default:
		c.errorf("smtp.tls", "%s is not \"starttls\", \"tls\" or \"none\".", Echo(m.TLS))
	}
	if m.Port < 0 || m.Port > 65535 || (hostSet && m.Port == 0) {
		c.errorf("smtp.port", "Port %d is not from 1 to 65535; use 587 for starttls, 465 for tls or 25 for none.", m.Port)
	}
	if !hostSet {
		return
	}
	if strings.Contains(m.Host, "://") || strings.ContainsAny(m.Host, " /") {
		c.errorf("smtp.host", "Write only the SMTP server's host name (e.g. smtp.example.com), without a scheme or path; the port goes in smtp.port.")
	}
	if strings.TrimSpace(m.From) == "" {
		c.errorf("smtp.from", "The sender address is empty; set from, e.g. \"ldapwiz <noreply@example.com>\".")
	} else if _, err := mail.ParseAddress(m.From); err != nil {
		c.errorf("smtp.from", "%s is not an e-mail address; write e.g. noreply@example.com or \"Name <noreply@example.com>\".", Echo(m.From))
	}
	if m.TLS == SMTPTLS && m.Port == 587 {
		c.warnf("smtp.port", "tls = \"tls\" (implicit TLS) normally uses port 465; port 587 expects starttls.")
	}
	if m.TLS == SMTPStartTLS && m.Port == 465 {
		c.warnf("smtp.port", "Port 465 normally uses implicit TLS; set tls = \"tls\", or use port 587 with starttls.")
	}
	if !m.VerifyTLS && m.TLS != SMTPNone {
		c.warnf("smtp.verify_tls", "The SMTP server's certificate is not verified; set smtp.verify_tls = true.")
	}
	spec := smtpSecret(m)
	if m.Username == "" {
		if len(spec.sources()) > 0 {
			c.warnf(spec.sources()[0], "An SMTP password source is set but smtp.username is empty, so it is not used; set username or remove it.")
		}
		return
	}
	if m.TLS == SMTPNone {
		c.warnf("smtp.tls", "The SMTP password would be sent unencrypted; use tls = \"starttls\" or \"tls\".")
	}
	if _, setting, err := spec.resolve(c.opts.Getenv, c.opts.ReadFile); err != nil {
		msg := err.Error()
		if errors.Is(err, ErrNoPasswordSource) {
			msg = "smtp.username is set but no password source is: set smtp.password_file or smtp.password_env."
		}
		c.errorf(setting, "%s", msg)
	}
}

// store checks the [store] settings.
func (c *checker) store() {
	if c.s.Store.Backend() == StorePostgres {
		c.storePostgres()
	}
	p := strings.TrimSpace(c.s.Store.Path)
	if p == "" {
		c.errorf("store.path", "The database path is empty; set it, e.g. \"ldapwiz.db\".")
		return
	}
	if fi, err := c.opts.Stat(p); err == nil && fi.IsDir() {
		c.errorf("store.path", "%s is a directory; give the path of a database file inside it, e.g. %s.", p, filepath.Join(p, "ldapwiz.db"))
		return
	}
	dir := filepath.Dir(p)
	fi, err := c.opts.Stat(dir)
	switch {
	case err != nil:
		c.errorf("store.path", "The directory %s for the database does not exist or cannot be read (%s); create it or change store.path.", dir, describeFileErr(err))
	case !fi.IsDir():
		c.errorf("store.path", "%s is not a directory; change store.path.", dir)
	default:
		c.storeWritable(dir, p)
	}
}

// nothingConfigured warns when every setting still has its default: such a
// file validates, but points at ldap://localhost with an anonymous bind and
// example bases, which is not a configuration anyone meant.
func (c *checker) nothingConfigured() {
	if reflect.DeepEqual(c.s, Default()) {
		c.warnf("connection.url", "Nothing is configured yet: every setting has its default (ldap://localhost, anonymous bind, example search bases). Run ldapwiz to set up the connection, or start from a preset.")
	}
}
