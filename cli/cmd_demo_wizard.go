package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"ldapwiz/demodir"
	"ldapwiz/ui"
	"ldapwiz/wizard"
)

// runDemo is "ldapwiz --demo [--ad] [-c FILE]": it starts the embedded demo
// directory on a loopback port and opens the wizard with the connection
// already pointing at it. The demo keeps its CA certificate under the
// user's cache directory (demoTLSDir), so a file saved from it keeps
// working: the next "ldapwiz --demo" finds that file, serves its flavour on
// the port it names, and offers to open it. The demo stops when the wizard
// exits.
func runDemo(env *cliEnv, path string, d demoFlags) int {
	// A hang-up (the SSH session dropped) ends the wizard and the demo
	// cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGHUP)
	defer stop()
	tlsDir := demoTLSDir(env)
	caFile := ""
	if tlsDir != "" {
		caFile = filepath.Join(tlsDir, demodir.TLSDirCA)
	}
	saved := findSavedDemo(path, caFile)
	if saved != nil {
		d.ad = saved.ad // the file's flavour, so that it works as saved
	}
	srv, err := demodir.New(demodir.Options{AD: d.ad, TLSDir: tlsDir})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz --demo: %v\n", err)
		return 1
	}
	listen := d.listen
	if saved != nil && listen == defaultDemoListen {
		listen = net.JoinHostPort("127.0.0.1", saved.port) // the port the file names
	}
	if err := srv.Start(ctx, listen); err != nil {
		if listen == d.listen {
			fmt.Fprintf(env.stderr, "ldapwiz --demo: %v\n", err)
			return 2
		}
		// The file's port is taken: any free one; the wizard says so.
		if err := srv.Start(ctx, d.listen); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz --demo: %v\n", err)
			return 2
		}
	}
	defer srv.Close()
	if caFile == "" {
		if caFile, err = writeDemoCA(srv); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz --demo: %v\n", err)
			return 1
		}
		defer os.Remove(caFile)
	}

	opts, err := demoWizardOptions(env, srv, caFile, path)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz --demo: %v\n", err)
		return 1
	}
	code := 0
	opts.Context = ctx // the directory calls in flight end with the session
	p := tea.NewProgram(ui.New(opts), tea.WithInput(env.stdin), tea.WithOutput(env.stdout), tea.WithContext(ctx))
	if _, err := p.Run(); err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(env.stderr, "ldapwiz --demo: the terminal UI stopped: %v\n", err)
		}
		code = 1
	}
	_ = srv.Close()
	if tlsDir != "" {
		fmt.Fprintf(env.stdout, "Demo directory stopped (it served %s). A file saved from the demo works again with \"ldapwiz --demo -c FILE\", which serves it on that port.\n", srv.URL())
	} else {
		fmt.Fprintf(env.stdout, "Demo directory stopped (it served %s). A file saved from the demo points at it and works only while a demo runs on that port.\n", srv.URL())
	}
	return code
}

// demoWizardOptions builds the wizard's options for the demo directory: the
// preset of the demo's flavour adjusted to it, saved to path. An existing
// file at path that was saved from a demo keeping its CA in caFile is
// loaded (Welcome offers to open it; its url follows the demo when the
// port had to change); any other file is not loaded (it points elsewhere)
// but is kept for the Review diff, and saving replaces it, keeping a backup.
func demoWizardOptions(env *cliEnv, srv *demodir.Server, caFile, path string) (ui.Options, error) {
	preset := wizard.PresetOpenLDAP
	flavour := "OpenLDAP"
	if srv.ActiveDirectory() {
		preset, flavour = wizard.PresetAD, "Active Directory"
	}
	adjust := demoAdjust(srv, caFile)
	opts := ui.Options{
		Path:     path,
		Settings: demoSettings(srv, caFile), // what demo-server prints, too
		Getenv:   env.getenv,
		Color:    colourWanted(env),
		Demo: &ui.Demo{
			Preset: preset,
			Adjust: adjust,
			Banner: fmt.Sprintf("Demo directory (%s flavour) running at %s until you quit. The connection settings point at it; a file saved now opens again with ldapwiz --demo, on the same port.",
				flavour, srv.URL()),
		},
	}
	if sd := findSavedDemo(path, caFile); sd != nil && sd.ad == srv.ActiveDirectory() {
		s := sd.settings
		opts.Settings, opts.Exists, opts.OnDisk = s, true, sd.data
		opts.Demo.Banner = fmt.Sprintf("Demo directory (%s flavour) running at %s until you quit. %s was saved from the demo: open it, or start again from a preset.",
			flavour, srv.URL(), path)
		if s.Connection.URL != srv.URL() {
			opts.Settings.Connection.URL = srv.URL()
			opts.Demo.Banner += fmt.Sprintf(" Its port was taken: the demo runs on %s, and saving writes that address.", srv.URL())
		}
		return opts, nil
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		opts.OnDisk = data
		opts.Demo.Banner += " Saving replaces " + path + " (a .bak copy is kept); Review shows the difference."
	case !errors.Is(err, fs.ErrNotExist):
		return opts, fmt.Errorf("cannot read %s: %w (choose another file with -c FILE)", path, err)
	}
	return opts, nil
}

// demoAdjust returns the function that points a preset at the demo
// directory: its URL with StartTLS, the CA file, the administrator and its
// (public demo) password written inline, and the search bases of the demo's
// layout.
func demoAdjust(srv *demodir.Server, caFile string) func(wizard.Settings) wizard.Settings {
	users, groups := "ou=people,"+srv.BaseDN(), "ou=groups,"+srv.BaseDN()
	if srv.ActiveDirectory() {
		users, groups = "OU=People,"+srv.BaseDN(), "OU=Groups,"+srv.BaseDN()
	}
	return func(s wizard.Settings) wizard.Settings {
		c := &s.Connection
		c.URL, c.StartTLS, c.VerifyTLS, c.CAFile = srv.URL(), true, true, caFile
		c.BindDN = srv.AdminDN()
		c.BindPasswordFile, c.BindPasswordEnv, c.BindPassword = "", "", srv.AdminPassword()
		s.Users.SearchBase, s.Groups.SearchBase = users, groups
		return s
	}
}
