package cli

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"ldapwiz/demodir"
	"ldapwiz/wizard"
)

// defaultDemoListen is --listen's default: a free loopback port.
const defaultDemoListen = "127.0.0.1:0"

// demoTLSDir is where the demo directory keeps its CA and certificate from
// one run to the next: $XDG_CACHE_HOME/ldapwiz/demo, else
// $HOME/.cache/ldapwiz/demo; "" (a throw-away CA) when neither is set.
func demoTLSDir(env *cliEnv) string {
	base := env.getenv("XDG_CACHE_HOME")
	if base == "" {
		if home := env.getenv("HOME"); home != "" {
			base = filepath.Join(home, ".cache")
		}
	}
	if base == "" || !filepath.IsAbs(base) {
		return ""
	}
	return filepath.Join(base, "ldapwiz", "demo")
}

// savedDemo is a config file that was saved from the demo directory.
type savedDemo struct {
	settings wizard.Settings
	data     []byte // the file's bytes
	port     string // the port its url names
	ad       bool   // it names the Active Directory flavour's administrator
}

// findSavedDemo loads the config at path when it points at a demo
// directory that keeps its CA in caFile: a loopback url with a port, that
// CA file, and one of the demo administrators. Anything else (no file, a
// file that does not load, another directory) is nil.
func findSavedDemo(path, caFile string) *savedDemo {
	if caFile == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	s, err := loadSettings(path)
	if err != nil {
		return nil
	}
	c := s.Connection
	if filepath.Clean(c.CAFile) != filepath.Clean(caFile) {
		return nil
	}
	u, err := url.Parse(strings.TrimSpace(c.URL))
	if err != nil || u.Port() == "" {
		return nil
	}
	if h := u.Hostname(); h != "localhost" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsLoopback() {
			return nil
		}
	}
	var ad bool
	switch {
	case strings.EqualFold(c.BindDN, demodir.ADAdminDN):
		ad = true
	case strings.EqualFold(c.BindDN, demodir.OpenLDAPAdminDN):
	default:
		return nil
	}
	return &savedDemo{settings: s, data: data, port: u.Port(), ad: ad}
}
