package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"ldapwiz/demodir"
	"ldapwiz/wizard"
)

// demoFlags are the demo directory's flags, of "ldapwiz --demo" and of
// "ldapwiz demo-server".
type demoFlags struct {
	ad     bool
	listen string
}

// register declares --ad and --listen on cmd; prefix starts their help.
func (d *demoFlags) register(cmd *cobra.Command, prefix string) {
	cmd.Flags().BoolVar(&d.ad, "ad", false, prefix+"serve the Active Directory flavour (DC=example,DC=test) instead of OpenLDAP")
	cmd.Flags().StringVar(&d.listen, "listen", "127.0.0.1:0", prefix+"loopback ADDR to listen on (port 0 picks a free port)")
}

// newDemoServerCmd is "ldapwiz demo-server [--listen ADDR] [--ad]".
func newDemoServerCmd(env *cliEnv) *cobra.Command {
	var d demoFlags
	cmd := &cobra.Command{
		Use:     "demo-server",
		GroupID: groupSetup,
		Short:   "Run the embedded demo directory alone",
		Long: prose(`Runs the embedded demo directory (OpenLDAP flavour, or Active Directory with --ad)
on a loopback port until Ctrl-C or SIGTERM. It prints the URL, the bind DN and its
public demo password, the CA certificate file for StartTLS, and the [connection],
[users] and [groups] settings that point a config file at it.`),
		Example: `ldapwiz demo-server
ldapwiz demo-server --ad --listen 127.0.0.1:3389`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return exitWith(runDemoServer(env, d))
		},
	}
	d.register(cmd, "")
	return cmd
}

// runDemoServer is "ldapwiz demo-server [--listen ADDR] [--ad]": the demo
// directory alone, until Ctrl-C (SIGINT) or SIGTERM.
func runDemoServer(env *cliEnv, d demoFlags) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveDemo(ctx, env, "demo-server", d)
}

// serveDemo starts the demo directory, prints how to reach it and serves it
// until ctx ends. It returns the exit code.
func serveDemo(ctx context.Context, env *cliEnv, name string, d demoFlags) int {
	tlsDir := demoTLSDir(env) // the CA outlives the run: settings printed below keep working
	srv, err := demodir.New(demodir.Options{AD: d.ad, TLSDir: tlsDir})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz %s: %v\n", name, err)
		return 1
	}
	if err := srv.Start(ctx, d.listen); err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz %s: %v\n", name, err)
		return 2
	}
	defer srv.Close()

	caFile := filepath.Join(tlsDir, demodir.TLSDirCA)
	if tlsDir == "" {
		if caFile, err = writeDemoCA(srv); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz %s: %v\n", name, err)
			return 1
		}
		defer os.Remove(caFile)
	}

	printDemoInfo(env, srv, caFile)
	<-ctx.Done()
	fmt.Fprintln(env.stdout, "Demo directory stopped.")
	return 0
}

// writeDemoCA writes the server's CA certificate to a temporary file, so
// clients can verify StartTLS, when there is no cache directory to keep it
// in (demoTLSDir); the caller removes it.
func writeDemoCA(srv *demodir.Server) (string, error) {
	f, err := os.CreateTemp("", "ldapwiz-demo-ca-*.pem")
	if err != nil {
		return "", fmt.Errorf("cannot write the demo CA certificate: %w (set TMPDIR to a writable directory)", err)
	}
	defer f.Close()
	if _, err := f.Write(srv.CAPEM()); err != nil {
		return "", fmt.Errorf("cannot write the demo CA certificate %s: %w", f.Name(), err)
	}
	abs, err := filepath.Abs(f.Name())
	if err != nil {
		return f.Name(), nil
	}
	return abs, nil
}

// demoSettings is the preset of the demo's flavour pointed at it, as
// "ldapwiz --demo" opens the wizard with: one source, so the settings
// demo-server prints cannot drift from the ones the wizard starts with.
func demoSettings(srv *demodir.Server, caFile string) wizard.Settings {
	preset := wizard.PresetOpenLDAP
	if srv.ActiveDirectory() {
		preset = wizard.PresetAD
	}
	s, _ := wizard.Preset(preset)
	return demoAdjust(srv, caFile)(s)
}

// printDemoSettings prints the connection, users and groups settings of s
// as TOML: what a config file needs, beyond the defaults, to reach the demo
// directory and to create entries in it (the AD flavour's rdn_attribute
// "cn" and its filter included).
func printDemoSettings(w io.Writer, s wizard.Settings) {
	c, u, g := s.Connection, s.Users, s.Groups
	fmt.Fprintf(w, "[connection]\nurl = %q\nstart_tls = %v\nactive_directory = %v\nverify_tls = %v\nca_file = %q\nbind_dn = %q\nbind_password = %q\n\n",
		c.URL, c.StartTLS, c.ActiveDirectory, c.VerifyTLS, c.CAFile, c.BindDN, c.BindPassword)
	fmt.Fprintf(w, "[users]\nsearch_base = %q\nobject_class = %q\nusername_attribute = %q\n", u.SearchBase, u.ObjectClass, u.UsernameAttribute)
	if u.RDNAttribute != "" {
		fmt.Fprintf(w, "rdn_attribute = %q\n", u.RDNAttribute)
	}
	fmt.Fprintf(w, "member_attribute = %q\n", u.MemberAttribute)
	if u.Filter != "" {
		fmt.Fprintf(w, "filter = %q\n", u.Filter)
	}
	fmt.Fprintf(w, "\n[groups]\nsearch_base = %q\nobject_class = %q\nname_attribute = %q\nmember_attribute = %q\n\n",
		g.SearchBase, g.ObjectClass, g.NameAttribute, g.MemberAttribute)
}

// printDemoInfo prints the URL, the credentials (public demo data) and the
// settings that point ldapwiz at the demo directory.
func printDemoInfo(env *cliEnv, srv *demodir.Server, caFile string) {
	w := env.stdout
	flavour := "OpenLDAP"
	if srv.ActiveDirectory() {
		flavour = "Active Directory"
	}
	fmt.Fprintf(w, "ldapwiz demo directory (%s flavour) is running.\n\n", flavour)
	fmt.Fprintf(w, "  URL:            %s  (StartTLS available)\n", srv.URL())
	fmt.Fprintf(w, "  Base DN:        %s\n", srv.BaseDN())
	fmt.Fprintf(w, "  Bind DN:        %s\n", srv.AdminDN())
	fmt.Fprintf(w, "  Bind password:  %s  (public demo password)\n", srv.AdminPassword())
	fmt.Fprintf(w, "  User password:  %s  (every demo user)\n", demodir.UserPassword)
	fmt.Fprintf(w, "  CA certificate: %s\n\n", caFile)
	fmt.Fprintf(w, "Try: ldapsearch -x -H %s -D '%s' -w %s -E pr=200/noprompt -b '%s' '(objectClass=person)' cn\n\n",
		srv.URL(), srv.AdminDN(), srv.AdminPassword(), srv.BaseDN())
	fmt.Fprintln(w, "Settings for ldapwiz.toml:")
	fmt.Fprintln(w)
	printDemoSettings(w, demoSettings(srv, caFile))
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
