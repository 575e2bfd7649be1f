package sambatest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"ldapwiz/internal/harness"
)

// cacheVersion names the provisioned template; bump it when the provision
// options below change so that stale caches are not reused.
const cacheVersion = "v1"

// cacheMarker is written last into a complete template.
const cacheMarker = "ldapwiz-provisioned"

// templateDir returns a provisioned, never-started domain, provisioning it
// first when no complete one exists for this Samba version. Test processes
// share it under a file lock; each run copies it (see copyTemplate).
func templateDir() (dir string, provisioned time.Duration, err error) {
	ver, err := exec.Command("samba", "-V").Output()
	if err != nil {
		return "", 0, fmt.Errorf("samba -V: %w (is the samba package installed?)", err)
	}
	key := strings.NewReplacer(" ", "-", "/", "-").Replace(strings.TrimSpace(string(ver)))
	dir = filepath.Join(os.TempDir(), "ldapwiz-samba-cache-"+cacheVersion+"-"+key)
	unlock, err := harness.LockFile(dir + ".lock")
	if err != nil {
		return "", 0, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, cacheMarker)); err == nil {
		return dir, 0, nil
	}
	start := time.Now()
	if err := os.RemoveAll(dir); err != nil {
		return "", 0, err
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return "", 0, err
	}
	if err := provision(tmp); err != nil {
		return "", 0, err
	}
	if err := os.WriteFile(filepath.Join(tmp, cacheMarker), []byte(cacheVersion+"\n"), 0o644); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", 0, err
	}
	return dir, time.Since(start), nil
}

// provision creates the domain EXAMPLE.TEST in dir with every path of Samba's
// under dir, LDAP as the only service, and password rules that let tests
// set and change passwords freely.
func provision(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	empty := filepath.Join(dir, "empty.conf")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		return err
	}
	args := []string{"domain", "provision", "-s", empty,
		"--targetdir=" + dir, "--realm=" + Realm, "--domain=" + Domain,
		"--server-role=dc", "--dns-backend=NONE", "--host-name=dc1",
		"--adminpass=" + AdminPassword,
	}
	for _, o := range []string{
		"interfaces=127.0.0.1",
		"bind interfaces only=yes",
		"server services=ldap",
		"pid directory=" + filepath.Join(dir, "run"),
		"ncalrpc dir=" + filepath.Join(dir, "ncalrpc"),
		"winbindd socket directory=" + filepath.Join(dir, "winbindd"),
		"ntp signd socket directory=" + filepath.Join(dir, "ntp"),
		"log file=" + filepath.Join(dir, "log", "samba.log"),
	} {
		args = append(args, "--option="+o)
	}
	if err := run("samba-tool", args...); err != nil {
		return err
	}
	conf := filepath.Join(dir, "etc", "smb.conf")
	return run("samba-tool", "domain", "passwordsettings", "set", "-s", conf,
		"-H", filepath.Join(dir, "private", "sam.ldb"),
		"--min-pwd-age=0", "--max-pwd-age=0", "--complexity=off", "--history-length=0")
}

// copyTemplate copies the provisioned template into dir (which must not
// exist), rewrites the paths in its smb.conf, and adds the settings that
// are per run (TLS files, the KDC when kdc is set) or that provision drops
// (old password period).
func copyTemplate(template, dir string, tf tlsFiles, kdc bool) error {
	if err := run("cp", "-a", template, dir); err != nil {
		return err
	}
	conf := filepath.Join(dir, "etc", "smb.conf")
	b, err := os.ReadFile(conf)
	if err != nil {
		return err
	}
	text := strings.ReplaceAll(string(b), template+".tmp", dir)
	text = strings.ReplaceAll(text, template, dir)
	extra := "[global]\n" +
		"\told password allowed period = 0\n" +
		"\ttls enabled = yes\n" +
		"\ttls certfile = " + tf.CertFile + "\n" +
		"\ttls keyfile = " + tf.KeyFile + "\n" +
		"\ttls cafile = " + tf.CAFile + "\n"
	if !strings.Contains(text, "[global]\n") {
		return errors.New("generated smb.conf has no [global] section: " + conf)
	}
	text = strings.Replace(text, "[global]\n", extra, 1)
	if kdc {
		const services = "\tserver services = ldap\n"
		if !strings.Contains(text, services) {
			return errors.New("generated smb.conf does not say " + strings.TrimSpace(services) + ": " + conf)
		}
		// go-ldap's GSSAPI bind neither signs nor seals and sends no TLS
		// channel bindings: Samba (4.17) accepts it only over TLS and only when
		// "ldap server require strong auth" allows SASL over TLS.
		text = strings.Replace(text, services, "\tserver services = ldap kdc\n"+
			"\tldap server require strong auth = allow_sasl_over_tls\n", 1)
	}
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return err
	}
	if !kdc {
		return nil
	}
	// A running Samba DC registers its ldap/ SPNs with samba_spnupdate (the
	// dnsupdate service), which this DC does not run: without the SPN the
	// KDC has no ticket for LDAP ("Server not found in Kerberos database").
	// ldap/localhost lets a client that dials ldaps://localhost:P (the
	// forwarder) name the server by its URL's host, as real clients do.
	for _, spn := range []string{ServicePrincipal, LocalServicePrincipal} {
		if err := run("samba-tool", "spn", "add", spn, "DC1$",
			"-H", filepath.Join(dir, "private", "sam.ldb"), "-s", conf); err != nil {
			return err
		}
	}
	return nil
}

// run runs a command and returns its output tail on failure, the admin
// password hidden.
func run(name string, args ...string) error {
	return harness.Run(nil, AdminPassword, name, args...)
}
