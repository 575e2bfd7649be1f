package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"ldapwiz/serve"
)

// serveFlags are the flags of "ldapwiz serve".
type serveFlags struct {
	listen, authorizedKeys, trustedCA, hostKey string
	metricsListen                              string
	maxSessions                                int
	idle                                       time.Duration
}

// newServeCmd is "ldapwiz serve --listen ADDR --authorized-keys FILE [--host-key FILE] [-c FILE]".
func newServeCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:     "serve --listen ADDR --authorized-keys FILE",
		GroupID: groupSetup,
		Short:   "Serve the wizard over SSH",
		Long: prose(`Serves the wizard on the config file over SSH: "ssh -p PORT host" opens it, one
wizard per session, in the client's terminal. Only public keys listed in the
authorized keys file (OpenSSH format, read again at every login) get in, or user
certificates signed by a CA of --trusted-ca; passwords are never asked for.

The host key is created (ed25519) on first start, beside the config file unless
--host-key names it, and reused; its fingerprint is printed at start. SIGTERM or
Ctrl-C stops accepting, gives the open sessions 10 seconds to save, and exits 0.`),
		Example: `ldapwiz serve --listen :2222 --authorized-keys ~/.ssh/authorized_keys
ldapwiz serve -c /etc/ldapwiz/prod.toml --listen 10.0.0.5:2222 --authorized-keys /etc/ldapwiz/admins.pub`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.listen == "" || f.authorizedKeys == "" {
				return usagef(cmd, "--listen and --authorized-keys are needed: ldapwiz serve --listen :2222 --authorized-keys FILE")
			}
			return exitWith(runServe(cmd.Context(), env, cfg.path(env), f))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "", "ADDR to listen on, host:port (port 0 picks a free port)")
	fl.StringVar(&f.authorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys FILE of the keys let in")
	fl.StringVar(&f.trustedCA, "trusted-ca", "", "FILE of CA public keys whose user certificates are let in")
	fl.StringVar(&f.hostKey, "host-key", "", "the host key FILE, created when missing (default: beside the config file)")
	fl.IntVar(&f.maxSessions, "max-sessions", serve.DefaultMaxSessions, "most sessions open at once")
	fl.DurationVar(&f.idle, "idle-timeout", serve.DefaultIdleTimeout, "end a session without a key pressed for this long")
	fl.StringVar(&f.metricsListen, "metrics-listen", "", "serve Prometheus metrics (open sessions, the process) on ADDR (host:port) at /metrics")
	return cmd
}

// runServe runs the server until SIGINT or SIGTERM (or ctx ends).
func runServe(ctx context.Context, env *cliEnv, path string, f serveFlags) int {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	log := env.logging.logger(env.stderr, true)
	srv, created, err := serve.New(serve.Options{
		ConfigPath: path, AuthorizedKeys: f.authorizedKeys, TrustedCA: f.trustedCA, HostKey: f.hostKey,
		MaxSessions: f.maxSessions, IdleTimeout: f.idle, Log: log, Getenv: env.getenv,
	})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz serve: %v\n", err)
		return 2
	}
	l, err := net.Listen("tcp", f.listen)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz serve: %v\n", err)
		return 2
	}
	hostKey := f.hostKey
	if hostKey == "" {
		hostKey = serve.DefaultHostKeyPath(path)
	}
	how := "reused"
	if created {
		how = "created"
	}
	fmt.Fprintf(env.stdout, "ldapwiz serve: the wizard on %s, listening on %s\n", path, l.Addr())
	fmt.Fprintf(env.stdout, "host key %s (%s %s)\n", srv.Fingerprint(), how, hostKey)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, code := startMetrics(ctx, env, "ldapwiz serve", f.metricsListen)
	if code != 0 {
		l.Close()
		return code
	}
	if m != nil {
		m.WatchSessions(srv.OpenSessions)
	}
	var sd serviceNotifier
	sd.ready("serving the wizard on " + l.Addr().String())
	sd.watchdog(ctx)
	defer sd.stopping()
	if err := srv.Serve(ctx, l); err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz serve: %v\n", err)
		return 1
	}
	fmt.Fprintln(env.stdout, "ldapwiz serve: stopped")
	return 0
}
