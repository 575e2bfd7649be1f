package ds389test

import (
	"bufio"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"ldapwiz/internal/certgen"

	"ldapwiz/internal/harness"
)

// cacheVersion names the cached instances; bump it when what createBase or
// createData does changes, so that stale caches are not reused.
const cacheVersion = "v2"

// cacheMarker is written last into a complete cached instance.
const cacheMarker = "ldapwiz-complete"

// instanceName is the instance's name: its files live in slapd-ldapwiz.
const instanceName = "ldapwiz"

// certValidity is how long the cached instance's certificate is valid; a
// cache whose certificate has less than certMinLeft left is made again.
const (
	certValidity = 30 * 24 * time.Hour
	certMinLeft  = 2 * 24 * time.Hour
)

// Entries of dse.ldif the harness changes.
const (
	dnConfig   = "cn=config"
	dnLDBM     = "cn=config,cn=ldbm database,cn=plugins,cn=config"
	dnBDB      = "cn=bdb,cn=config,cn=ldbm database,cn=plugins,cn=config"
	dnUserRoot = "cn=userroot,cn=ldbm database,cn=plugins,cn=config"
	dnMemberOf = "cn=MemberOf Plugin,cn=plugins,cn=config"
	dnReferint = "cn=referential integrity postoperation,cn=plugins,cn=config"
	dnRSA      = "cn=RSA,cn=encryption,cn=config"
)

// layout is where an instance's files are below its prefix directory.
type layout struct{ root string }

func (l layout) configDir() string {
	return filepath.Join(l.root, "etc", "dirsrv", "slapd-"+instanceName)
}
func (l layout) dseFile() string { return filepath.Join(l.configDir(), "dse.ldif") }
func (l layout) dbDir() string {
	return filepath.Join(l.root, "var", "lib", "dirsrv", "slapd-"+instanceName, "db")
}
func (l layout) ldifDir() string {
	return filepath.Join(l.root, "var", "lib", "dirsrv", "slapd-"+instanceName, "ldif")
}
func (l layout) logDir() string {
	return filepath.Join(l.root, "var", "log", "dirsrv", "slapd-"+instanceName)
}
func (l layout) errorLog() string { return filepath.Join(l.logDir(), "errors") }
func (l layout) pidFile() string {
	return filepath.Join(l.root, "run", "dirsrv", "slapd-"+instanceName+".pid")
}
func (l layout) caFile() string { return filepath.Join(l.root, "ca.pem") }

// dsVersion returns the installed 389-ds-base version, for the cache key.
func dsVersion() (string, error) {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "389-ds-base").Output()
	if err != nil || len(out) == 0 {
		return "", fmt.Errorf("dpkg-query 389-ds-base: %v (is 389-ds-base installed?)", err)
	}
	return strings.NewReplacer(" ", "-", "/", "-", ":", "-", "+", "-", "~", "-").Replace(strings.TrimSpace(string(out))), nil
}

// cacheRoot is the directory holding the cached instances of this version.
func cacheRoot() (string, error) {
	ver, err := dsVersion()
	if err != nil {
		return "", err
	}
	return filepath.Join(os.TempDir(), "ldapwiz-389ds-cache-"+cacheVersion+"-"+ver), nil
}

// cached returns dir, building it with build (into dir+".tmp", renamed when
// complete) when it holds no complete instance with a certificate valid for
// long enough. Test processes share it under a file lock. built says how
// long building took, zero when the cache was used.
func cached(dir string, build func(tmp string) error) (built time.Duration, err error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return 0, err
	}
	unlock, err := harness.LockFile(dir + ".lock")
	if err != nil {
		return 0, err
	}
	defer unlock()
	if complete(dir) {
		return 0, nil
	}
	start := time.Now()
	tmp := dir + ".tmp"
	for _, d := range []string{dir, tmp} {
		killStale(d) // a build whose test process died may have left its server running
		if err := os.RemoveAll(d); err != nil {
			return 0, err
		}
	}
	if err := build(tmp); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(tmp, cacheMarker), []byte(cacheVersion+"\n"), 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// complete reports whether dir is a finished instance whose certificate is
// valid for at least certMinLeft more.
func complete(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, cacheMarker)); err != nil {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, "cert.pem"))
	if err != nil {
		return false
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return false
	}
	c, err := x509.ParseCertificate(block.Bytes)
	return err == nil && time.Until(c.NotAfter) > certMinLeft
}

// baseDir returns the cached instance without data (the suffix exists but
// is empty), creating it first when needed.
func baseDir() (dir string, built time.Duration, err error) {
	root, err := cacheRoot()
	if err != nil {
		return "", 0, err
	}
	dir = filepath.Join(root, "base")
	built, err = cached(dir, createBase)
	if err != nil {
		return "", 0, fmt.Errorf("creating the 389 DS instance: %w", err)
	}
	return dir, built, nil
}

// dataDir returns the cached instance holding the data set ldif, made from
// the base instance when needed. fixupUUID runs the EntryUUID plug-in's
// fix-up task after the import.
func dataDir(ldif string, fixupUUID bool) (dir string, built time.Duration, err error) {
	base, builtBase, err := baseDir()
	if err != nil {
		return "", 0, err
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%v\n%s", fixupUUID, ldif)))
	dir = filepath.Join(filepath.Dir(base), "data-"+hex.EncodeToString(sum[:8]))
	builtData, err := cached(dir, func(tmp string) error { return createData(base, tmp, ldif, fixupUUID) })
	if err != nil {
		return "", 0, fmt.Errorf("loading the data set into a copy of %s: %w", base, err)
	}
	return dir, builtBase + builtData, nil
}

// createBase creates the instance in dir the way LAB.md describes: lib389
// reads a private defaults.inf under PREFIX (no systemd, every state path
// below dir), dscreate runs in a network namespace of its own (it starts
// the server on all interfaces for a moment), and then dse.ldif is edited
// while the server is stopped: loopback only, TLS on with our certificate,
// MemberOf and Referential Integrity on, small caches, no fsync, the size
// limits.
func createBase(dir string) error {
	l := layout{root: dir}
	if err := writeDefaults(dir); err != nil {
		return err
	}
	if err := run(nil, "cp", "-a", "/etc/dirsrv/config", "/etc/dirsrv/schema", filepath.Join(dir, "etc", "dirsrv")); err != nil {
		return err
	}
	for _, d := range []string{"run/dirsrv", "run/lock/dirsrv", "var/log/dirsrv", "var/lib/dirsrv"} {
		p := filepath.Join(dir, d)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return err
		}
		if err := run(nil, "chown", "dirsrv:dirsrv", p); err != nil {
			return err
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	inf := filepath.Join(dir, "instance.inf")
	if err := os.WriteFile(inf, []byte(instanceINF), 0o600); err != nil {
		return err
	}
	if err := run([]string{"PREFIX=" + dir}, "unshare", "--net", "sh", "-c", `ip link set lo up && exec dscreate from-file "$1"`, "sh", inf); err != nil {
		return fmt.Errorf("%w\n--- error log tail ---\n%s", err, fileTail(l.errorLog(), 30))
	}
	os.Remove(inf) // it holds the Directory Manager password
	if err := writeCertificates(l); err != nil {
		return err
	}
	err := editDSE(l, []dseSetting{
		{dnConfig, "nsslapd-listenhost", []string{"127.0.0.1"}},
		{dnConfig, "nsslapd-securelistenhost", []string{"127.0.0.1"}},
		{dnConfig, "nsslapd-security", []string{"on"}},
		// No LDAPI: Unix socket paths are too short for deep temp dirs, and
		// the server checks the path (< 104 bytes) even when not listening,
		// so it gets a short one it never creates.
		{dnConfig, "nsslapd-ldapilisten", []string{"off"}},
		{dnConfig, "nsslapd-ldapifilepath", []string{"/tmp/ldapwiz-389ds-unused.socket"}},
		{dnConfig, "nsslapd-sizelimit", []string{fmt.Sprint(SizeLimit)}},
		{dnConfig, "nsslapd-pagedsizelimit", []string{"-1"}},
		{dnConfig, "nsslapd-accesslog-logbuffering", []string{"on"}},
		{dnBDB, "nsslapd-cache-autosize", []string{"0"}},
		{dnBDB, "nsslapd-dbcachesize", []string{"16777216"}},
		{dnBDB, "nsslapd-db-durable-transaction", []string{"off"}},
		{dnBDB, "nsslapd-import-cache-autosize", []string{"0"}},
		{dnBDB, "nsslapd-import-cachesize", []string{"67108864"}},
		{dnUserRoot, "nsslapd-cachememsize", []string{"67108864"}},
		{dnUserRoot, "nsslapd-dncachememsize", []string{"16777216"}},
		{dnMemberOf, "nsslapd-pluginEnabled", []string{"on"}},
		{dnReferint, "nsslapd-pluginEnabled", []string{"on"}},
		{dnReferint, "referint-update-delay", []string{"0"}},
		{dnRSA, "nsSSLPersonalitySSL", []string{certNickname}},
		{dnRSA, "nsSSLActivation", []string{"on"}},
	})
	if err != nil {
		return err
	}
	return tidy(l)
}

// instanceINF is dscreate's answer file. The ports only matter while
// dscreate runs (in its own network namespace); every run sets its own.
const instanceINF = `[general]
full_machine_name = localhost
start = False
strict_host_checking = False
[slapd]
instance_name = ` + instanceName + `
port = 38901
secure_port = 38902
root_dn = ` + AdminDN + `
root_password = ` + AdminPassword + `
self_sign_cert = False
[backend-userroot]
suffix = ` + BaseDN + `
sample_entries = no
create_suffix_entry = False
`

// writeDefaults writes the private defaults.inf lib389 reads under PREFIX:
// no systemd or SELinux, every path the server writes below dir, programs,
// plug-ins and system schema from the installed package.
func writeDefaults(dir string) error {
	const system = "/usr/share/dirsrv/inf/defaults.inf"
	f, err := os.Open(system)
	if err != nil {
		return err
	}
	defer f.Close()
	keep := map[string]bool{"prefix": true, "bin_dir": true, "sbin_dir": true, "lib_dir": true, "data_dir": true, "tmp_dir": true,
		"inst_dir": true, "plugin_dir": true, "system_schema_dir": true}
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		key, val, ok := strings.Cut(line, " = ")
		switch {
		case !ok || strings.HasPrefix(line, ";") || keep[key]:
		case key == "with_systemd":
			line = "with_systemd = 0"
		case key == "with_selinux":
			line = "with_selinux = no"
		case key == "db_home_dir":
			line = "db_home_dir = " + filepath.Join(dir, "var/lib/dirsrv/slapd-{instance_name}/db")
		case strings.HasPrefix(val, "/"):
			line = key + " = " + filepath.Join(dir, val)
		}
		b.WriteString(line + "\n")
	}
	if err := sc.Err(); err != nil {
		return err
	}
	inf := filepath.Join(dir, "share", "dirsrv", "inf")
	if err := os.MkdirAll(inf, 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "etc", "dirsrv"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(inf, "defaults.inf"), []byte(b.String()), 0o644)
}

// certNickname is the server certificate's name in the NSS database.
const certNickname = "Server-Cert"

// writeCertificates makes a CA and a server certificate it signs, with the
// SANs DNS:localhost and IP:127.0.0.1 (dscreate's own names only
// localhost), writes them as PEM below the instance, and imports the key
// and certificate, and the CA as trusted, into the server's NSS database.
func writeCertificates(l layout) error {
	pki, err := certgen.Generate(certgen.Options{
		CA:          pkix.Name{CommonName: "ldapwiz test CA (ds389test)"},
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		Validity:    certValidity,
	})
	if err != nil {
		return err
	}
	cert, key := filepath.Join(l.root, "cert.pem"), filepath.Join(l.root, "key.pem")
	if err := pki.WriteFiles(l.caFile(), cert, key); err != nil {
		return err
	}
	p12 := filepath.Join(l.root, "server.p12")
	defer os.Remove(p12)
	defer os.Remove(key) // the key lives on in the NSS database only
	cfg := l.configDir()
	pw := filepath.Join(cfg, "pwdfile.txt")
	if err := run(nil, "openssl", "pkcs12", "-export", "-in", cert, "-inkey", key, "-out", p12, "-name", certNickname, "-passout", "pass:"); err != nil {
		return err
	}
	if err := run(nil, "pk12util", "-i", p12, "-d", cfg, "-k", pw, "-W", ""); err != nil {
		return err
	}
	if err := run(nil, "certutil", "-A", "-d", cfg, "-n", "ldapwiz-test-ca", "-t", "CT,,", "-a", "-i", l.caFile(), "-f", pw); err != nil {
		return err
	}
	// The NSS files were written by root: the server runs as dirsrv.
	return run(nil, "chown", "-R", "dirsrv:dirsrv", cfg)
}

// createData copies the base instance to dir, imports BaseLDIF and ldif
// offline (as a migrated directory is loaded), then starts the server once
// to run the MemberOf fix-up task (an import runs no plug-ins) and, with
// fixupUUID, the EntryUUID one, and stops it cleanly.
func createData(base, dir, ldif string, fixupUUID bool) error {
	l, err := copyInstance(base, dir)
	if err != nil {
		return err
	}
	file := filepath.Join(l.ldifDir(), "data.ldif")
	if err := os.WriteFile(file, []byte(BaseLDIF()+ldif), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("/usr/sbin/ns-slapd", "ldif2db", "-D", l.configDir(), "-n", "userroot", "-i", file)
	if out, err := cmd.CombinedOutput(); err != nil {
		return &harness.CmdError{Cmd: "ns-slapd ldif2db", Err: err, Out: append(out, []byte("\n--- error log tail ---\n"+fileTail(l.errorLog(), 30))...)}
	}
	p, err := startInstance(l)
	if err != nil {
		return err
	}
	defer p.kill()
	c, err := p.dialAdmin()
	if err != nil {
		return err
	}
	defer c.Close()
	if err := runTask(c, "cn=memberOf task,cn=tasks,cn=config", "(objectClass=*)"); err != nil {
		return fmt.Errorf("%w\n--- error log tail ---\n%s", err, fileTail(l.errorLog(), 30))
	}
	if fixupUUID {
		if err := runTask(c, "cn=entryuuid task,cn=tasks,cn=config", "(objectClass=*)"); err != nil {
			return fmt.Errorf("%w\n--- error log tail ---\n%s", err, fileTail(l.errorLog(), 30))
		}
	}
	c.Close()
	if err := p.stop(); err != nil {
		return err
	}
	os.Remove(file)
	return tidy(l)
}

// tidy removes what a stopped instance does not need in a cache: the
// database environment's region files (recreated at start, and sized by
// the cache), the pid file, the logs, and the start-up copies of dse.ldif
// (which the server falls back to, and which hold old settings).
func tidy(l layout) error {
	regions, _ := filepath.Glob(filepath.Join(l.dbDir(), "__db.*"))
	logs, _ := filepath.Glob(filepath.Join(l.logDir(), "*"))
	for _, f := range append(append(regions, logs...), l.pidFile(), l.dseFile()+".bak", l.dseFile()+".startOK", l.dseFile()+".tmp") {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// copyInstance copies the stopped instance below from to dir (which must
// not exist) and points its dse.ldif at the new paths.
func copyInstance(from, dir string) (layout, error) {
	l := layout{root: dir}
	if err := run(nil, "cp", "-a", from, dir); err != nil {
		return l, err
	}
	os.Remove(filepath.Join(dir, cacheMarker))
	d, err := readDSE(l.dseFile())
	if err != nil {
		return l, err
	}
	certDir := d.get(dnConfig, "nsslapd-certdir")
	if len(certDir) != 1 || !strings.HasSuffix(certDir[0], "/etc/dirsrv/slapd-"+instanceName) {
		return l, fmt.Errorf("%s: nsslapd-certdir is %q, not below an instance prefix", l.dseFile(), certDir)
	}
	// The paths name the directory the instance was made in (maybe a
	// ".tmp" one, renamed since), not necessarily from.
	d.replaceAll(strings.TrimSuffix(certDir[0], "/etc/dirsrv/slapd-"+instanceName)+"/", dir+"/")
	if err := d.write(l.dseFile()); err != nil {
		return l, err
	}
	return l, run(nil, "chown", "dirsrv:dirsrv", l.dseFile())
}
