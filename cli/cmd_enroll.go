package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

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

// newEnrollCmd is "ldapwiz enroll invites|send|retrigger|redeem|done [-c FILE] ...".
func newEnrollCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "enroll",
		GroupID: groupStore,
		Short:   "Enrollment invitations: the queue (invites), send, retrigger; redeem and done for applications",
		Long: prose(`Enrollment invitations for users created by a sync ([enrollment] and [smtp]).
"invites" lists the invitations waiting to be sent, and why; "send" sends them, each
with a fresh link; "retrigger" forces enrollment again for a user (--user NAME), an
e-mail address (--email ADDRESS) or every directory user (--all-ldap): it marks them
pending, replaces their link and, with auto_invite, e-mails it (otherwise it waits
for "send"); with --dry-run it only says who. For applications' enrollment pages:
"redeem" redeems a token read from stdin and prints its user as JSON (its exit code
says why a token is refused: see "ldapwiz enroll redeem --help"), and "done USER"
records that the user has finished enrolling.

Exit codes: 0 success, 1 an invitation could not be sent (it stays queued) or the
change failed, 2 bad usage or configuration; redeem adds 3 to 7.`),
		Example: `ldapwiz enroll invites
ldapwiz enroll send
ldapwiz enroll retrigger --user jdoe
ldapwiz enroll retrigger --all-ldap --dry-run
printf '%s\n' "$TOKEN" | ldapwiz enroll redeem
ldapwiz enroll done jdoe`,
		Args: subcommandArgs,
		RunE: needsSubcommand("ldapwiz enroll invites|send|retrigger|redeem|done [-c FILE] ..."),
	}
	var asJSON bool
	invites := &cobra.Command{
		Use:     "invites",
		Short:   "List the invitations waiting to be sent, and why",
		Example: "ldapwiz enroll invites\nldapwiz enroll invites --json",
		Args:    noArgs,
		RunE: enrollRun(env, cfg, func(c *enrollCmd) int {
			return c.invites(asJSON)
		}),
	}
	invites.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")

	send := &cobra.Command{
		Use:     "send",
		Short:   "Send the waiting invitations (each gets a fresh link)",
		Example: "ldapwiz enroll send",
		Args:    noArgs,
		RunE:    enrollRun(env, cfg, (*enrollCmd).send),
	}

	var sel enroll.RetriggerSelection
	var dry bool
	retrigger := &cobra.Command{
		Use:   "retrigger",
		Short: "Force enrollment again for one user, an e-mail address or every directory user",
		Long: prose(`Forces enrollment again for the chosen users: marks them pending, replaces their
enrollment link, and with enrollment.auto_invite e-mails it (otherwise the invitation
waits for "ldapwiz enroll send"). Choose the users with exactly one of --user NAME,
--email ADDRESS or --all-ldap; disabled users are left out.`),
		Example: `ldapwiz enroll retrigger --user jdoe
ldapwiz enroll retrigger --email jdoe@example.com
ldapwiz enroll retrigger --all-ldap --dry-run`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n := boolCount(sel.Username != "", sel.Email != "", sel.AllLDAP); n != 1 {
				return usagef(cmd, "give exactly one of --user NAME, --email ADDRESS or --all-ldap")
			}
			return enrollRun(env, cfg, func(c *enrollCmd) int { return c.retrigger(sel, dry) })(cmd, args)
		},
	}
	f := retrigger.Flags()
	f.StringVar(&sel.Username, "user", "", "the user with this username")
	f.StringVar(&sel.Email, "email", "", "every user with this e-mail address")
	f.BoolVar(&sel.AllLDAP, "all-ldap", false, "every enabled user created from the directory")
	f.BoolVar(&dry, "dry-run", false, "only say which users would change")

	cmd.AddCommand(invites, send, retrigger, newEnrollRedeemCmd(env, cfg), newEnrollDoneCmd(env, cfg))
	return cmd
}

// enrollRun is the RunE of an enroll subcommand: it loads the settings,
// opens the store and runs do.
func enrollRun(env *cliEnv, cfg *configFlag, do func(*enrollCmd) int) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		c := &enrollCmd{env: env, ctx: cmd.Context(), sub: cmd.Name()}
		if code := c.open(cfg.path(env)); code != 0 {
			return exitWith(code)
		}
		defer c.db.Close()
		return exitWith(do(c))
	}
}

// open loads the settings and opens the store database; the enrollment,
// smtp and store sections must be free of errors.
func (c *enrollCmd) open(cfgPath string) int {
	s, ok := loadTolerantSettings(c.env, "ldapwiz enroll "+c.sub, cfgPath, "or name it with -c FILE", "enrollment", "smtp", "store")
	if !ok {
		return 2
	}
	if s.Store.Backend() == wizard.StorePostgres {
		db, err := openPostgresStore(c.ctx, c.env, s)
		if err != nil {
			fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: %v\n", c.sub, err)
			return 1
		}
		c.s, c.db = s, db
		return 0
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

func (c *enrollCmd) fail(err error) int {
	fmt.Fprintf(c.env.stderr, "ldapwiz enroll %s: %v\n", c.sub, err)
	return 1
}

func (c *enrollCmd) enroller() *enroll.Enroller {
	e := enroll.NewEnroller(c.s, c.db, c.env.getenv)
	e.Log = c.env.logging.logger(c.env.stderr, false)
	return e
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
func (c *enrollCmd) invites(asJSON bool) int {
	q, err := enroll.InviteQueue(c.ctx, c.db)
	if err != nil {
		return c.fail(err)
	}
	if asJSON {
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
func (c *enrollCmd) send() int {
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
func (c *enrollCmd) retrigger(sel enroll.RetriggerSelection, dry bool) int {
	res, err := c.enroller().Retrigger(c.ctx, sel, dry)
	if err != nil && len(res.Users) == 0 {
		return c.fail(err)
	}
	verb := "retriggered"
	if dry {
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
	if dry || len(res.Users) == 0 {
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
