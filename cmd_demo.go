package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"ldapwiz/demodir"
)

// runDemoServer is "ldapwiz demo-server [--listen ADDR] [--ad]": the demo
// directory alone, until Ctrl-C (SIGINT) or SIGTERM.
func runDemoServer(env *cliEnv, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveDemo(ctx, env, "demo-server", args)
}

// serveDemo starts the demo directory, prints how to reach it and serves it
// until ctx ends. It returns the exit code.
func serveDemo(ctx context.Context, env *cliEnv, name string, args []string) int {
	fs := flag.NewFlagSet("ldapwiz "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback `ADDR`ess to listen on (port 0 picks a free port)")
	ad := fs.Bool("ad", false, "serve the Active Directory flavour (DC=example,DC=test) instead of OpenLDAP")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "ldapwiz %s: unexpected argument %q (flags are --listen ADDR and --ad)\n", name, fs.Arg(0))
		return 2
	}
	srv, err := demodir.New(demodir.Options{AD: *ad})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz %s: %v\n", name, err)
		return 1
	}
	if err := srv.Start(ctx, *listen); err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz %s: %v\n", name, err)
		return 2
	}
	defer srv.Close()

	caFile, err := writeDemoCA(srv)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz %s: %v\n", name, err)
		return 1
	}
	defer os.Remove(caFile)

	printDemoInfo(env, srv, caFile)
	<-ctx.Done()
	fmt.Fprintln(env.stdout, "Demo directory stopped.")
	return 0
}

// writeDemoCA writes the server's CA certificate to a temporary file, so
// clients can verify StartTLS; the caller removes it.
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
	users, groups := "ou=people,"+srv.BaseDN(), "ou=groups,"+srv.BaseDN()
	userClass, username, groupClass := "inetOrgPerson", "uid", "groupOfNames"
	if srv.ActiveDirectory() {
		users, groups = "OU=People,"+srv.BaseDN(), "OU=Groups,"+srv.BaseDN()
		userClass, username, groupClass = "user", "sAMAccountName", "group"
	}
	fmt.Fprintf(w, "[connection]\nurl = %q\nstart_tls = true\nactive_directory = %v\nverify_tls = true\nca_file = %q\nbind_dn = %q\nbind_password = %q\n\n",
		srv.URL(), srv.ActiveDirectory(), caFile, srv.AdminDN(), srv.AdminPassword())
	fmt.Fprintf(w, "[users]\nsearch_base = %q\nobject_class = %q\nusername_attribute = %q\nmember_attribute = \"memberOf\"\n\n", users, userClass, username)
	fmt.Fprintf(w, "[groups]\nsearch_base = %q\nobject_class = %q\nname_attribute = \"cn\"\nmember_attribute = \"member\"\n\n", groups, groupClass)
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
