package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// usersCmd is what every "ldapwiz users" subcommand works with.
type usersCmd struct {
	env    *cliEnv
	ctx    context.Context
	db     *store.DB
	dbPath string
	mode   string // sync.mode from the config file; "" when --db was given instead
}

// usersSub is one "ldapwiz users" subcommand.
type usersSub struct {
	name, args, summary string
	// named: the subcommand takes exactly one user name, else no argument.
	named bool
	// creates: the subcommand may create a missing database (only "add").
	creates bool
	// flags declares the subcommand's flags; run does the work on the
	// positional arguments and returns the exit code.
	flags func(fs *flag.FlagSet) func(c *usersCmd, pos []string) int
}

func usersSubcommands() []usersSub {
	return []usersSub{
		{"list", "[--search TEXT] [--deleted|--all] [--json]", "list users as a table", false, false, usersListFlags},
		{"show", "NAME [--json]", "show one user, its groups and its directory link", true, false, usersShowFlags},
		{"add", "NAME [--email E] [--first F] [--last L] [--phone P] [--disabled] [--password-stdin]", "create a user", true, true, usersAddFlags},
		{"set", "NAME [--username NEW] [--email E] [--first F] [--last L] [--phone P]", "change a user's fields", true, false, usersSetFlags},
		{"passwd", "NAME [--password-stdin]", "set a user's password (prompted on a terminal, else one line of stdin)", true, false, usersPasswdFlags},
		{"disable", "NAME", "disable a user", true, false, usersToggleFlags(true)},
		{"enable", "NAME", "enable a user", true, false, usersToggleFlags(false)},
		{"delete", "NAME [--purge]", "delete a user (the next sync deletes its directory entry)", true, false, usersDeleteFlags},
	}
}

// runUsers implements "ldapwiz users SUBCOMMAND ...".
func runUsers(env *cliEnv, args []string) int {
	cfgPath, rest, err := configFromArgs(env, args)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz users: %v\n", err)
		return 2
	}
	if len(rest) == 0 {
		printUsersUsage(env.stderr)
		return 2
	}
	if rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help" {
		printUsersUsage(env.stdout)
		return 0
	}
	var sub *usersSub
	for _, s := range usersSubcommands() {
		if s.name == rest[0] {
			sub = &s
			break
		}
	}
	if sub == nil {
		fmt.Fprintf(env.stderr, "ldapwiz users: unknown subcommand %q\n", rest[0])
		printUsersUsage(env.stderr)
		return 2
	}

	fset := flag.NewFlagSet("ldapwiz users "+sub.name, flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	dbFlag := fset.String("db", "", "database file (instead of store.path of the config file)")
	run := sub.flags(fset)
	pos, err := parseInterleaved(fset, rest[1:])
	if errors.Is(err, flag.ErrHelp) {
		printSubUsage(env.stdout, *sub, fset)
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz users %s: %v\n", sub.name, err)
		printSubUsage(env.stderr, *sub, fset)
		return 2
	}

	switch {
	case sub.named && len(pos) != 1:
		fmt.Fprintf(env.stderr, "ldapwiz users %s: give exactly one user name (got %d arguments); see \"ldapwiz users %s --help\"\n", sub.name, len(pos), sub.name)
		return 2
	case !sub.named && len(pos) > 0:
		fmt.Fprintf(env.stderr, "ldapwiz users %s: unexpected argument %q\n", sub.name, pos[0])
		return 2
	}

	c := &usersCmd{env: env, ctx: context.Background()}
	if code := c.open(cfgPath, *dbFlag, sub.creates); code != 0 {
		return code
	}
	defer c.db.Close()
	return run(c, pos)
}

// open resolves the database (--db, else store.path of the config file) and
// opens it. A missing database is an error except for commands that create.
func (c *usersCmd) open(cfgPath, dbFlag string, creates bool) int {
	c.dbPath = dbFlag
	source := "--db"
	if c.dbPath == "" {
		s, ok := loadTolerantSettings(c.env, "ldapwiz users", cfgPath, "name it with -c FILE, or give the database with --db PATH")
		if !ok {
			return 2
		}
		c.dbPath = strings.TrimSpace(s.Store.Path)
		c.mode = s.Sync.Mode
		source = "store.path in " + cfgPath
		if c.dbPath == "" {
			fmt.Fprintf(c.env.stderr, "ldapwiz users: store.path is empty in %s: set it to the user database file, e.g. \"ldapwiz.db\"\n", cfgPath)
			return 2
		}
	}
	if !creates {
		if _, err := os.Stat(c.dbPath); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(c.env.stderr, "ldapwiz users: no user database at %s (%s); it is created by \"ldapwiz users add\" or the first sync\n", c.dbPath, source)
			return 1
		}
	}
	db, err := store.Open(c.ctx, c.dbPath)
	if err != nil {
		fmt.Fprintf(c.env.stderr, "ldapwiz users: %v\n", err)
		return 1
	}
	c.db = db
	return 0
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("add NAME --email E") and returns the positional ones.
func parseInterleaved(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		args = fset.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// user loads a user by name for a command, printing the error.
func (c *usersCmd) user(sub, name string, live bool) (*store.User, int) {
	u, err := c.db.GetUserByName(c.ctx, name)
	if err != nil {
		return nil, c.fail(sub, err)
	}
	if live && u.Deleted() {
		return nil, c.fail(sub, fmt.Errorf("user %q is deleted (waiting for the next sync to delete it from the directory)", u.Username))
	}
	return u, 0
}

// fail prints an error of a subcommand and returns exit code 1.
func (c *usersCmd) fail(sub string, err error) int {
	fmt.Fprintf(c.env.stderr, "ldapwiz users %s: %v\n", sub, err)
	return 1
}

// linked reports whether the user is linked to a directory entry, and its DN.
func (c *usersCmd) linked(u *store.User) (string, bool) {
	l, err := c.db.LinkByLocalID(c.ctx, store.KindUser, u.ID)
	if err != nil {
		return "", false
	}
	return l.DN, true
}

// propagation says what the next sync does with a store change to a user
// (what: "user" for a new user, else "change" or "password"), or "".
func (c *usersCmd) propagation(u *store.User, what string) string {
	dn, isLinked := c.linked(u)
	switch {
	case c.mode == "":
		return ""
	case c.mode == wizard.ModeImport && isLinked:
		return fmt.Sprintf("note: sync.mode is %q, so the next sync overwrites this %s with the directory's values", wizard.ModeImport, what)
	case c.mode == wizard.ModeImport && what == "user":
		return fmt.Sprintf("note: sync.mode is %q: this user stays in the store only", wizard.ModeImport)
	case isLinked:
		return fmt.Sprintf("the next sync writes this %s to %s", what, dn)
	case what == "user":
		return "the next sync creates this user in the directory"
	}
	return ""
}

// note prints a non-empty note line.
func (c *usersCmd) note(s string) {
	if s != "" {
		fmt.Fprintln(c.env.stdout, s)
	}
}

func usersToggleFlags(disable bool) func(*flag.FlagSet) func(*usersCmd, []string) int {
	return func(*flag.FlagSet) func(*usersCmd, []string) int {
		return func(c *usersCmd, pos []string) int {
			sub := map[bool]string{true: "disable", false: "enable"}[disable]
			name := pos[0]
			u, code := c.user(sub, name, true)
			if u == nil {
				return code
			}
			changed, err := c.db.SetUserDisabled(c.ctx, u.ID, disable)
			if err != nil {
				return c.fail(sub, err)
			}
			state := map[bool]string{true: "disabled", false: "enabled"}[disable]
			if !changed {
				fmt.Fprintf(c.env.stdout, "user %s is already %s\n", u.Username, state)
				return 0
			}
			fmt.Fprintf(c.env.stdout, "user %s %s\n", u.Username, state)
			c.note(c.propagation(u, "change"))
			return 0
		}
	}
}

func usersDeleteFlags(fset *flag.FlagSet) func(*usersCmd, []string) int {
	purge := fset.Bool("purge", false, "remove the user for good now, without deleting its directory entry at the next sync")
	return func(c *usersCmd, pos []string) int {
		name := pos[0]
		u, code := c.user("delete", name, !*purge)
		if u == nil {
			return code
		}
		if *purge {
			if err := c.db.PurgeUser(c.ctx, u.ID); err != nil {
				return c.fail("delete", err)
			}
			fmt.Fprintf(c.env.stdout, "user %s purged from the store; its directory entry, if any, is left alone and will no longer be linked\n", u.Username)
			return 0
		}
		dn, isLinked := c.linked(u)
		purged, err := c.db.DeleteUser(c.ctx, u.ID)
		if err != nil {
			return c.fail("delete", err)
		}
		if purged || !isLinked {
			fmt.Fprintf(c.env.stdout, "user %s deleted (it was never synchronized to the directory)\n", u.Username)
			return 0
		}
		fmt.Fprintf(c.env.stdout, "user %s deleted\n", u.Username)
		if c.mode == wizard.ModeImport {
			c.note(fmt.Sprintf("note: sync.mode is %q: the next sync does not delete %s from the directory, and imports it again", wizard.ModeImport, dn))
		} else {
			c.note(fmt.Sprintf("the next sync deletes %s from the directory (in one-way and two-way modes)", dn))
		}
		return 0
	}
}

func printUsersUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ldapwiz users SUBCOMMAND [-c FILE | --db PATH] ...")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Manage the users of the store (store.path of the config file, or --db PATH).")
	fmt.Fprintln(w, "Changes made here reach the directory at the next one-way or two-way sync.")
	fmt.Fprintln(w)
	for _, s := range usersSubcommands() {
		fmt.Fprintf(w, "  %-8s %s\n", s.name, s.summary)
		fmt.Fprintf(w, "  %-8s   ldapwiz users %s %s\n", "", s.name, s.args)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit codes: 0 success, 1 the change failed (no such user, invalid value), 2 bad usage.")
}

func printSubUsage(w io.Writer, s usersSub, fset *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: ldapwiz users %s %s [-c FILE | --db PATH]\n\n%s.\n\nOptions:\n", s.name, s.args, capitalize(s.summary))
	fset.SetOutput(w)
	fset.PrintDefaults()
	fset.SetOutput(io.Discard)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
