package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ldapwiz/enroll"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Exit codes of "ldapwiz enroll redeem", one per refusal, so that an
// application can tell the person what is wrong. 1 and 2 keep the meaning
// they have everywhere else.
const (
	exitTokenUnknown  = 3 // no invitation has the token (or its user was deleted)
	exitTokenUsed     = 4 // the token was already redeemed
	exitTokenExpired  = 5 // older than enrollment.token_ttl
	exitUserDisabled  = 6 // the user is disabled, or was since the token was issued
	exitNotPending    = 7 // the user has already finished enrolling
	maxTokenLineBytes = 1024
)

// redeemExit maps a refusal of enroll.VerifyToken to its exit code; 0 when
// err is none of them.
func redeemExit(err error) int {
	for _, r := range []struct {
		err  error
		code int
	}{
		{enroll.ErrTokenUnknown, exitTokenUnknown},
		{enroll.ErrTokenUsed, exitTokenUsed},
		{enroll.ErrTokenExpired, exitTokenExpired},
		{enroll.ErrUserDisabled, exitUserDisabled},
		{enroll.ErrNotPending, exitNotPending},
	} {
		if errors.Is(err, r.err) {
			return r.code
		}
	}
	return 0
}

// redeemedUserJSON is what "enroll redeem" prints: the user the token was
// issued to, without any secret.
type redeemedUserJSON struct {
	ID                int64  `json:"id"`
	Username          string `json:"username"`
	Email             string `json:"email"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	EnrollmentPending bool   `json:"enrollment_pending"`
	Disabled          bool   `json:"disabled"`
}

// newEnrollRedeemCmd is "ldapwiz enroll redeem [-c FILE | --db PATH]".
func newEnrollRedeemCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var dbFlag string
	cmd := &cobra.Command{
		Use:   "redeem",
		Short: "Redeem an enrollment token read from stdin; print its user as JSON",
		Long: prose(`Redeems an enrollment token for an application's enrollment page, in any language
(Go applications can call enroll.VerifyToken instead). The token is read from stdin,
one line; it is never accepted on the command line, where other users of the machine
could see it (ps). On success the token is used up and the user it was issued to is
printed as JSON (id, username, email, first_name, last_name, enrollment_pending,
disabled). The user stays pending: once enrolled, run "ldapwiz enroll done USER".

Exit codes: 0 redeemed; 3 unknown token (mistyped, replaced by a newer invitation,
its user deleted, or stdin empty); 4 used already; 5 expired; 6 the user is disabled,
or was disabled after the token was issued, which revoked it; 7 the user has already
finished enrolling; 1 any other failure; 2 bad usage or configuration. A refused
token is not used up. The message on stderr can be shown to the person.`),
		Example: `printf '%s\n' "$TOKEN" | ldapwiz enroll redeem -c /etc/ldapwiz.toml
printf '%s\n' "$TOKEN" | ldapwiz enroll redeem --db /var/lib/app/users.db`,
		// cobra would read a token starting with "-c" as -c and its body
		// as a file name, which "not found" messages then print; so the
		// flags are parsed by redeemArgs, after it has looked at the
		// arguments as given.
		DisableFlagParsing: true,
		Args:               redeemArgs,
		ValidArgsFunction:  redeemCompletion,
		RunE:               enrollStoreRun(env, cfg, &dbFlag, func(c *enrollCmd, _ []string) int { return c.redeem() }),
	}
	cmd.Flags().StringVar(&dbFlag, "db", "", "the user database file (instead of store.path of the config file)")
	_ = cmd.MarkFlagFilename("db")
	cmd.SetFlagErrorFunc(redeemFlagError)
	return cmd
}

// redeemFromStdin says where "enroll redeem" takes its token from.
const redeemFromStdin = "the token is read from stdin, never from the command line, where other users can see it (ps); e.g. printf '%s\\n' \"$TOKEN\" | ldapwiz enroll redeem"

// redeemArgs is the Args check of "enroll redeem", which gets the
// arguments as given because the command's flag parsing is disabled. An
// argument holding a token is refused first, naming no part of it; then the
// flags are parsed as cobra would have, -h/--help shows the help, and any
// argument left over is refused.
func redeemArgs(cmd *cobra.Command, args []string) error {
	for _, arg := range args {
		if holdsToken(arg) {
			return usagef(cmd, "an enrollment token on the command line (not repeated); %s", redeemFromStdin)
		}
	}
	// cobra has already added the persistent flags and --help to the set.
	if err := cmd.Flags().Parse(args); err != nil {
		return cmd.FlagErrorFunc()(cmd, err)
	}
	if help, _ := cmd.Flags().GetBool("help"); help {
		return pflag.ErrHelp
	}
	if cmd.Flags().NArg() > 0 {
		// Never repeat the argument: it may be (part of) a token.
		return usagef(cmd, "%s", redeemFromStdin)
	}
	return nil
}

// holdsToken reports whether a command-line argument holds an enrollment
// token: without surrounding white space (which redeeming ignores too) it
// is one, or it starts with "-" and ends in one. The second form covers a
// token that starts with "-" (one in 64 does), a token given after dashes
// as if it were a flag, and a token given as a flag's value in the same
// argument ("-cTOKEN", "-c=TOKEN", "--config=TOKEN"), all of which the flag
// parser would take apart and an error message would repeat.
func holdsToken(arg string) bool {
	arg = strings.TrimSpace(arg)
	if !strings.HasPrefix(arg, "-") {
		return enroll.WellFormedToken(arg)
	}
	for i := range len(arg) {
		if enroll.WellFormedToken(arg[i:]) {
			return true
		}
	}
	return false
}

// redeemCompletion completes the arguments of "enroll redeem", whose flags
// cobra does not parse: the value of -c/--config as .toml files, as on
// every other command; nothing more after a flag name (cobra has offered
// the names); files otherwise (for --db).
func redeemCompletion(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	n := len(args)
	switch {
	case n > 0 && (args[n-1] == "-c" || args[n-1] == "--config"),
		strings.HasPrefix(toComplete, "-c="), strings.HasPrefix(toComplete, "--config="):
		return []string{"toml"}, cobra.ShellCompDirectiveFilterFileExt
	case strings.HasPrefix(toComplete, "-"):
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveDefault
}

// tokenLike is the length from which an unknown flag of "enroll redeem"
// may be a token (43 characters) rather than a mistyped flag name.
const tokenLike = 16

// redeemFlagError is "enroll redeem"'s FlagErrorFunc. A well-formed token
// never gets here (redeemArgs refuses it first), but a mangled one may (cut
// short, or with characters added) and read as an unknown flag, which cobra
// would quote back: a long unknown flag is not repeated, and the message
// says where the token goes. A short unknown flag is named as on every
// command.
func redeemFlagError(cmd *cobra.Command, err error) error {
	var unknown *pflag.NotExistError
	if errors.As(err, &unknown) && len(unknown.GetSpecifiedName())+len(unknown.GetSpecifiedShortnames()) >= tokenLike {
		return usagef(cmd, "an unknown flag (not repeated: it may be a token); %s", redeemFromStdin)
	}
	return flagError(cmd, err)
}

// newEnrollDoneCmd is "ldapwiz enroll done USER [-c FILE | --db PATH]".
func newEnrollDoneCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var dbFlag string
	cmd := &cobra.Command{
		Use:   "done NAME",
		Short: "Record that a user has finished enrolling (clears enrollment_pending)",
		Long: prose(`Records that the user has finished enrolling: clears its enrollment_pending flag,
after which its leftover enrollment links are refused. Saying it again is fine.

Exit codes: 0 done (or already done), 1 no such user or the change failed, 2 bad usage
or configuration.`),
		Example: "ldapwiz enroll done jdoe -c /etc/ldapwiz.toml\nldapwiz enroll done jdoe --db /var/lib/app/users.db",
		Args:    oneUserName,
		RunE:    enrollStoreRun(env, cfg, &dbFlag, func(c *enrollCmd, args []string) int { return c.done(args[0]) }),
	}
	cmd.Flags().StringVar(&dbFlag, "db", "", "the user database file (instead of store.path of the config file)")
	_ = cmd.MarkFlagFilename("db")
	return cmd
}

// enrollStoreRun is the RunE of an enroll subcommand that needs only the
// store: the database of --db, else store.path of the config file.
func enrollStoreRun(env *cliEnv, cfg *configFlag, dbFlag *string, do func(*enrollCmd, []string) int) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c := &enrollCmd{env: env, ctx: cmd.Context(), sub: cmd.Name()}
		if code := c.openStore(cfg.path(env), *dbFlag); code != 0 {
			return exitWith(code)
		}
		defer c.db.Close()
		return exitWith(do(c, args))
	}
}

// openStore opens the database of --db, or of store.path in the config
// file (whose store section must be free of errors). It never creates one.
func (c *enrollCmd) openStore(cfgPath, dbFlag string) int {
	path, source := strings.TrimSpace(dbFlag), "--db"
	if path == "" {
		s, ok := loadTolerantSettings(c.env, "ldapwiz enroll "+c.sub, cfgPath, "name it with -c FILE, or give the database with --db PATH", "store")
		if !ok {
			return 2
		}
		path, source = strings.TrimSpace(s.Store.Path), "store.path in "+cfgPath
		if s.Store.Backend() == wizard.StorePostgres {
			db, err := openPostgresStore(c.ctx, c.env, s)
			if err != nil {
				return c.fail(err)
			}
			c.db = db
			return 0
		}
	}
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: no user database at %s (%s); it is created by the first sync\n", c.sub, path, source)
		return 2
	}
	db, err := store.Open(c.ctx, path)
	if err != nil {
		return c.fail(err)
	}
	c.db = db
	return 0
}

// redeem reads a token from stdin and redeems it.
func (c *enrollCmd) redeem() int {
	token, err := readToken(c.env)
	if err != nil {
		return c.fail(err)
	}
	if token == "" {
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll redeem: no token on stdin: pipe it in, e.g. printf '%%s\\n' \"$TOKEN\" | ldapwiz enroll redeem\n")
		return exitTokenUnknown
	}
	u, err := enroll.VerifyToken(c.ctx, c.db, token)
	if code := redeemExit(err); code != 0 {
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll redeem: %v\n", err)
		return code
	}
	if err != nil {
		return c.fail(err)
	}
	enc := json.NewEncoder(c.env.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(redeemedUserJSON{ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName,
		LastName: u.LastName, EnrollmentPending: u.EnrollmentPending, Disabled: u.Disabled}); err != nil {
		return c.fail(err)
	}
	return 0
}

// readToken reads the token: on a terminal it is prompted for on stderr
// without echo; otherwise it is the first line of stdin, trimmed (and read
// no further than maxTokenLineBytes).
func readToken(env *cliEnv) (string, error) {
	if f, ok := env.stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		fmt.Fprint(env.stderr, "Enrollment token: ")
		b, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", fmt.Errorf("read the token: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := bufio.NewReaderSize(io.LimitReader(env.stdin, maxTokenLineBytes), maxTokenLineBytes).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the token from stdin: %w", err)
	}
	// A line cut at maxTokenLineBytes is no token either: VerifyToken
	// refuses it as unknown.
	return strings.TrimSpace(line), nil
}

// done clears the user's enrollment_pending flag.
func (c *enrollCmd) done(name string) int {
	u, err := c.db.GetUserByName(c.ctx, name)
	if err == nil && u.Deleted() {
		err = fmt.Errorf("user %q was deleted", u.Username)
	}
	if err != nil {
		return c.fail(err)
	}
	changed, err := c.db.SetEnrollmentPending(c.ctx, u.ID, false)
	if err != nil {
		return c.fail(err)
	}
	if changed {
		fmt.Fprintf(c.env.stdout, "enrollment of %s is done\n", u.Username)
	} else {
		fmt.Fprintf(c.env.stdout, "%s has already finished enrolling\n", u.Username)
	}
	return 0
}
