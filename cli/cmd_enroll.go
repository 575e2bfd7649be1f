package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"ldapwiz/enroll"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// enrollCmd is what every "ldapwiz enroll" subcommand works with.
type enrollCmd struct {
	env *cliEnv
	ctx context.Context
	sub string
	s   wizard.Settings
	db  *store.DB
}

// runEnroll implements "ldapwiz enroll invites|send|retrigger".
func runEnroll(env *cliEnv, args []string) int {
	cfgPath, rest, err := configFromArgs(env, args)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz enroll: %v\n", err)
		return 2
	}
	if len(rest) == 0 {
		printEnrollUsage(env.stderr)
		return 2
	}
	c := &enrollCmd{env: env, ctx: context.Background(), sub: rest[0]}
	var run func([]string) int
	switch rest[0] {
	case "-h", "--help", "help":
		printEnrollUsage(env.stdout)
		return 0
	case "invites":
		run = c.invites
	case "send":
		run = c.send
	case "retrigger":
		run = c.retrigger
	default:
		fmt.Fprintf(env.stderr, "ldapwiz enroll: unknown subcommand %q\n", rest[0])
		printEnrollUsage(env.stderr)
		return 2
	}
	if code := c.open(cfgPath); code != 0 {
		return code
	}
	defer c.db.Close()
	return run(rest[1:])
}

func printEnrollUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: ldapwiz enroll SUBCOMMAND [-c FILE] ...

Enrollment invitations for users created by a sync ([enrollment] and [smtp]).

  invites    list the invitations waiting to be sent, and why
             ldapwiz enroll invites [--json]
  send       send the waiting invitations (each gets a fresh link)
             ldapwiz enroll send
  retrigger  force enrollment again: mark users pending, replace their link,
             and with auto_invite e-mail it (otherwise it waits for "send")
             ldapwiz enroll retrigger (--user NAME | --email ADDRESS | --all-ldap) [--dry-run]

Exit codes: 0 success, 1 an invitation could not be sent (it stays queued)
or the change failed, 2 bad usage or configuration.
`)
}

// open loads the settings and opens the store database; the enrollment,
// smtp and store sections must be free of errors.
func (c *enrollCmd) open(cfgPath string) int {
	s, ok := loadTolerantSettings(c.env, "ldapwiz enroll "+c.sub, cfgPath, "or name it with -c FILE", "enrollment", "smtp", "store")
	if !ok {
		return 2
	}
	path := strings.TrimSpace(s.Store.Path)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: no user database at %s (store.path in %s); it is created by the first sync\n", c.sub, path, cfgPath)
		return 2
	}
	db, err := store.Open(c.ctx, path)
	if err != nil {
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: %v\n", c.sub, err)
		return 1
	}
	c.s, c.db = s, db
	return 0
}

// flags parses a subcommand's flags; it returns a non-negative exit code
// when the command is done (help or bad usage).
func (c *enrollCmd) flags(fset *flag.FlagSet, args []string) int {
	fset.SetOutput(io.Discard)
	err := fset.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printEnrollUsage(c.env.stdout)
		return 0
	case err != nil:
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: %v; see \"ldapwiz enroll --help\"\n", c.sub, err)
		return 2
	case fset.NArg() > 0:
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: unexpected argument %q; see \"ldapwiz enroll --help\"\n", c.sub, fset.Arg(0))
		return 2
	}
	return -1
}

func (c *enrollCmd) fail(err error) int {
	fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: %v\n", c.sub, err)
	return 1
}

func (c *enrollCmd) enroller() *enroll.Enroller {
	return enroll.NewEnroller(c.s, c.db, c.env.getenv)
}

// inviteJSON is one queued invitation in "enroll invites --json".
type inviteJSON struct {
	Username string    `json:"username"`
	Email    string    `json:"email"`
	Reason   string    `json:"reason"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
	Sending  bool      `json:"sending"`
}

// invites lists the invitation queue.
func (c *enrollCmd) invites(args []string) int {
	fset := flag.NewFlagSet("ldapwiz enroll invites", flag.ContinueOnError)
	asJSON := fset.Bool("json", false, "print JSON instead of a table")
	if code := c.flags(fset, args); code >= 0 {
		return code
	}
	q, err := enroll.InviteQueue(c.ctx, c.db)
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		out := make([]inviteJSON, 0, len(q))
		for _, in := range q {
			out = append(out, inviteJSON{in.Username, in.Email, in.Reason, in.Created, in.Expires, in.Sending})
		}
		enc := json.NewEncoder(c.env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return c.fail(err)
		}
		return 0
	}
	if len(q) == 0 {
		fmt.Fprintln(c.env.stdout, "no invitations are waiting to be sent")
		return 0
	}
	tw := tabwriter.NewWriter(c.env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tEMAIL\tREASON\tCREATED\tEXPIRES")
	ttl := humanTTL(c.s.TokenTTLDuration())
	for _, in := range q {
		expires := ttl + " after sending"
		if in.Sending {
			expires = fmtUTC(in.Expires)
		}
		email := in.Email
		if email == "" {
			email = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", in.Username, email, in.Reason, fmtUTC(in.Created), expires)
	}
	tw.Flush()
	fmt.Fprintf(c.env.stdout, "%d invitation(s) waiting; send them with \"ldapwiz enroll send\"\n", len(q))
	return 0
}

// send sends the queued invitations.
func (c *enrollCmd) send(args []string) int {
	fset := flag.NewFlagSet("ldapwiz enroll send", flag.ContinueOnError)
	if code := c.flags(fset, args); code >= 0 {
		return code
	}
	rep, err := c.enroller().SendQueued(c.ctx)
	c.printReport(rep)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.env.stdout, "sent %d, failed %d", rep.Sent, rep.Queued)
	if rep.Skipped > 0 {
		fmt.Fprintf(c.env.stdout, ", skipped %d", rep.Skipped)
	}
	fmt.Fprintln(c.env.stdout)
	if rep.Queued > 0 {
		return 1
	}
	return 0
}

// printReport prints one line per invitation that was not sent.
func (c *enrollCmd) printReport(rep enroll.InviteReport) {
	for _, f := range rep.Failures {
		email := f.Email
		if email == "" {
			email = "no e-mail address"
		}
		fmt.Fprintf(c.env.stdout, "  not sent: %s (%s): %s\n", f.Username, email, f.Reason)
	}
}

// retrigger forces enrollment again for the chosen users.
func (c *enrollCmd) retrigger(args []string) int {
	fset := flag.NewFlagSet("ldapwiz enroll retrigger", flag.ContinueOnError)
	var sel enroll.RetriggerSelection
	fset.StringVar(&sel.Username, "user", "", "the user with this username")
	fset.StringVar(&sel.Email, "email", "", "every user with this e-mail address")
	fset.BoolVar(&sel.AllLDAP, "all-ldap", false, "every enabled user created from the directory")
	dry := fset.Bool("dry-run", false, "only say which users would change")
	if code := c.flags(fset, args); code >= 0 {
		return code
	}
	if n := boolCount(sel.Username != "", sel.Email != "", sel.AllLDAP); n != 1 {
		fmt.Fprintf(c.env.stderr, "ldapwiz enroll retrigger: give exactly one of --user NAME, --email ADDRESS or --all-ldap\n")
		return 2
	}
	res, err := c.enroller().Retrigger(c.ctx, sel, *dry)
	if err != nil && len(res.Users) == 0 {
		return c.fail(err)
	}
	verb := "retriggered"
	if *dry {
		verb = "would retrigger"
	}
	fmt.Fprintf(c.env.stdout, "%s enrollment for %d user(s)", verb, len(res.Users))
	if len(res.Users) > 0 {
		fmt.Fprintf(c.env.stdout, ": %s", nameList(res.Users, 20))
	} else if sel.AllLDAP {
		fmt.Fprint(c.env.stdout, " (no enabled users created from the directory)")
	}
	fmt.Fprintln(c.env.stdout)
	if res.SkippedDisabled > 0 {
		fmt.Fprintf(c.env.stdout, "left out %d disabled user(s)\n", res.SkippedDisabled)
	}
	if *dry || len(res.Users) == 0 {
		return 0
	}
	c.printReport(res.Invites)
	fmt.Fprintf(c.env.stdout, "invitations: %d sent, %d queued", res.Invites.Sent, res.Invites.Queued)
	if res.Invites.Queued > 0 {
		fmt.Fprint(c.env.stdout, " (see \"ldapwiz enroll invites\")")
	}
	fmt.Fprintln(c.env.stdout)
	if err != nil {
		return c.fail(err)
	}
	// Queued because auto_invite is off is expected; queued although it
	// is on means sending failed.
	if c.s.Enrollment.AutoInvite && res.Invites.Queued > 0 {
		return 1
	}
	return 0
}

func boolCount(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// nameList joins names, eliding after max of them.
func nameList(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
}

func fmtUTC(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// humanTTL renders token_ttl compactly: "48h", "30m", "1h30m0s".
func humanTTL(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
