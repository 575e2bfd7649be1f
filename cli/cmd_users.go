package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ldapwiz/ldap"
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
	// acct is how the directory marks a disabled account (users.account_state);
	// acctFromServer: "auto", decided by the server at the next sync.
	acct           ldap.AccountState
	acctFromServer bool
}

// usersSub is one "ldapwiz users" subcommand.
type usersSub struct {
	name    string // as typed: "add"
	summary string // one line for --help
	example string // command lines for --help
	// named: the subcommand takes exactly one user name, else no argument.
	named bool
	// creates: the subcommand may create a missing database (only "add").
	creates bool
	// flags declares the subcommand's flags; run does the work on the
	// positional arguments and returns the exit code.
	flags func(fs *pflag.FlagSet) func(c *usersCmd, pos []string) int
}

func usersSubcommands() []usersSub {
	return []usersSub{
		{"list", "list users as a table", "ldapwiz users list --search doe\nldapwiz users list --deleted\nldapwiz users list --json", false, false, usersListFlags},
		{"show", "show one user, its groups and its directory link", "ldapwiz users show jdoe\nldapwiz users show jdoe --json", true, false, usersShowFlags},
		{"add", "create a user", "ldapwiz users add jdoe --email jdoe@example.com --first John --last Doe\nprintf '%s\\n' \"$PASSWORD\" | ldapwiz users add jdoe --password-stdin", true, true, usersAddFlags},
		{"set", "change a user's fields (--phone \"\" clears one)", "ldapwiz users set jdoe --email john@example.com --phone \"\"\nldapwiz users set jdoe --username john.doe", true, false, usersSetFlags},
		{"passwd", "set a user's password (prompted on a terminal, else one line of stdin)", "ldapwiz users passwd jdoe\nprintf '%s\\n' \"$PASSWORD\" | ldapwiz users passwd jdoe", true, false, usersPasswdFlags},
		{"disable", "disable a user", "ldapwiz users disable jdoe", true, false, usersToggleFlags(true)},
		{"enable", "enable a user", "ldapwiz users enable jdoe", true, false, usersToggleFlags(false)},
		{"delete", "delete a user (the next sync deletes its directory entry)", "ldapwiz users delete jdoe\nldapwiz users delete jdoe --purge", true, false, usersDeleteFlags},
	}
}

// newUsersCmd is "ldapwiz users SUBCOMMAND [-c FILE | --db PATH] ...".
func newUsersCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var dbFlag string
	subs := usersSubcommands()
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	cmd := &cobra.Command{
		Use:     "users",
		GroupID: groupStore,
		Short:   "List, show, add, change, disable, enable and delete the store's users",
		Long: prose(`Manages the users of the store: the database at store.path of the config file, or
--db PATH (then no config file is needed). Changes made here reach the directory at
the next one-way or two-way sync.

Exit codes: 0 success, 1 the change failed (no such user, an invalid value), 2 bad
usage or a config file that cannot be loaded.`),
		Example: `ldapwiz users list
ldapwiz users add jdoe --email jdoe@example.com
ldapwiz users disable jdoe --db /var/lib/app/users.db`,
		Args: subcommandArgs,
		RunE: needsSubcommand("ldapwiz users " + strings.Join(names, "|") + " [-c FILE | --db PATH] ..."),
	}
	cmd.PersistentFlags().StringVar(&dbFlag, "db", "", "the user database file (instead of store.path of the config file)")
	_ = cmd.MarkPersistentFlagFilename("db")
	for _, sub := range subs {
		cmd.AddCommand(newUsersSubCmd(env, cfg, &dbFlag, sub))
	}
	return cmd
}

// newUsersSubCmd is one "ldapwiz users" subcommand; dbFlag is users' --db.
func newUsersSubCmd(env *cliEnv, cfg *configFlag, dbFlag *string, sub usersSub) *cobra.Command {
	cmd := &cobra.Command{
		Use:     sub.name,
		Short:   capitalize(sub.summary),
		Example: sub.example,
		Args:    noArgs,
	}
	if sub.named {
		cmd.Use += " NAME"
		cmd.Args = oneUserName
	}
	run := sub.flags(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		c := &usersCmd{env: env, ctx: cmd.Context()}
		if code := c.open(cfg.path(env), *dbFlag, sub.creates); code != 0 {
			return exitWith(code)
		}
		defer c.db.Close()
		return exitWith(run(c, pos))
	}
	return cmd
}

// oneUserName is the Args check of the users subcommands that take a name.
func oneUserName(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usagef(cmd, "give exactly one user name (got %d arguments)", len(args))
	}
	return nil
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
		c.acct, c.acctFromServer = s.AccountState()
		source = "store.path in " + cfgPath
		if s.Store.Backend() == wizard.StorePostgres {
			db, err := openPostgresStore(c.ctx, c.env, s)
			if err != nil {
				fmt.Fprintf(c.env.stderr, "ldapwiz users: %v\n", err)
				return 1
			}
			c.db = db
			return 0
		}
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

func usersToggleFlags(disable bool) func(*pflag.FlagSet) func(*usersCmd, []string) int {
	return func(*pflag.FlagSet) func(*usersCmd, []string) int {
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
			c.note(c.lockPropagation(u, disable))
			return 0
		}
	}
}

func usersDeleteFlags(fset *pflag.FlagSet) func(*usersCmd, []string) int {
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

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
