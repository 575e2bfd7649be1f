package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"ldapwiz/ldap"
	"ldapwiz/syncer"
)

// loginOptions are the flags of "ldapwiz login".
type loginOptions struct {
	passwordStdin bool
	asJSON        bool
}

// newLoginCmd is "ldapwiz login USER [--password-stdin] [--json]".
func newLoginCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var o loginOptions
	cmd := &cobra.Command{
		Use:     "login USER",
		GroupID: groupSetup,
		Short:   "Check whether a user can log in, the way an application does",
		Long: prose(`Walks the path an application takes when USER logs in: binds as the bind account,
searches USER by users.username_attribute within the users' scope (search base, object
class, users.filter), binds as the entry found with USER's password, and says what the
directory answered (Active Directory sub-codes and password-policy answers such as
expired, locked, must change or grace logins left, in plain words). Then it checks
groups.sync_only and the store user the entry maps to: enabled, not pending enrollment.

The password is read from the terminal without echo, or from the first line of stdin
with --password-stdin; it is never printed or logged. A wrong password counts as a
failed login: repeated failures may lock the account under the directory's policy.

Exit codes: 0 the login would succeed, 1 it would not, 2 bad usage or a config file
that cannot be loaded.`),
		Example: `ldapwiz login jdoe
printf '%s\n' "$PASSWORD" | ldapwiz login jdoe --password-stdin --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef(cmd, "give one username, e.g. ldapwiz login jdoe")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			return exitWith(runLogin(env, cfg.path(env), args[0], o))
		},
	}
	cmd.Flags().BoolVar(&o.passwordStdin, "password-stdin", false, "read the password from the first line of stdin instead of the terminal")
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print the whole result as JSON instead")
	return cmd
}

// runLogin implements "ldapwiz login".
func runLogin(env *cliEnv, path, username string, o loginOptions) int {
	s, cfg, ok := loadDirectorySettings(env, "ldapwiz login", path)
	if !ok {
		return exitUsage
	}
	fmt.Fprintf(env.stderr, "Note: %s.\n", syncer.LockoutWarning)
	password, err := readLoginPassword(env, username, o.passwordStdin)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz login: %v\n", err)
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var report func(ldap.Step)
	if !o.asJSON {
		p := newStepPrinter(env.stdout, plainMarks(env))
		fmt.Fprintf(env.stdout, "Checking the login of %s against %s (config %s)\n", username, cfg.URL, path)
		report = p.print
	}
	res := syncer.CheckLogin(ctx, s, cfg, nil, username, password, report)
	if o.asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz login: %v\n", err)
			return exitFound
		}
	} else {
		fmt.Fprintln(env.stdout, loginVerdict(res))
	}
	if !res.OK {
		return exitFound
	}
	return exitOK
}

// loginVerdict is the last line of a login check.
func loginVerdict(res syncer.LoginCheck) string {
	if f := res.Failed(); f != nil {
		return "the login of " + res.Username + " would FAIL at: " + strings.ToLower(f.Title[:1]) + f.Title[1:]
	}
	if !res.OK {
		return "the login check of " + res.Username + " did not finish"
	}
	return "the login of " + res.Username + " would succeed"
}

// readLoginPassword reads the password to try: from the first line of
// stdin with --password-stdin, else from the terminal without echo.
func readLoginPassword(env *cliEnv, username string, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(env.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from stdin: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		if pw == "" {
			return "", errors.New("no password on stdin: pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | ldapwiz login " + username + " --password-stdin")
		}
		return pw, nil
	}
	f, ok := env.stdin.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return "", errors.New("stdin is not a terminal, so the password cannot be typed without echo: pass it on stdin with --password-stdin")
	}
	fmt.Fprintf(env.stderr, "Password of %s (not echoed): ", username)
	pw, err := term.ReadPassword(f.Fd())
	fmt.Fprintln(env.stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if len(pw) == 0 {
		return "", errors.New("empty password: nothing tried")
	}
	return string(pw), nil
}
