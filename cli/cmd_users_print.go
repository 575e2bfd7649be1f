package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"ldapwiz/store"
)

// userJSON is a user as "users list/show --json" print it: never the
// password hash.
type userJSON struct {
	ID                int64     `json:"id"`
	Username          string    `json:"username"`
	Email             string    `json:"email"`
	FirstName         string    `json:"first_name"`
	LastName          string    `json:"last_name"`
	Phone             string    `json:"phone"`
	Disabled          bool      `json:"disabled"`
	Deleted           bool      `json:"deleted"`
	EnrollmentPending bool      `json:"enrollment_pending"`
	FromLDAP          bool      `json:"from_ldap"`
	PasswordSet       bool      `json:"password_set"`
	PasswordChangedAt string    `json:"password_changed_at,omitempty"`
	PasswordPending   bool      `json:"password_pending"`
	DN                string    `json:"dn,omitempty"`
	Groups            []string  `json:"groups"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	DeletedAt         string    `json:"deleted_at,omitempty"`
}

// userView gathers what list and show print about users: group names and
// link DNs, read once.
type userView struct {
	groups map[int64][]string // user id -> group names, sorted
	dns    map[int64]string   // user id -> linked DN
}

func (c *usersCmd) loadView() (*userView, error) {
	v := &userView{groups: map[int64][]string{}, dns: map[int64]string{}}
	groups, err := c.db.ListGroups(c.ctx, true)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	ms, err := c.db.Memberships(c.ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		v.groups[m.UserID] = append(v.groups[m.UserID], names[m.GroupID])
	}
	for _, gs := range v.groups {
		sort.Strings(gs)
	}
	links, err := c.db.ListLinks(c.ctx, store.KindUser)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		v.dns[l.LocalID] = l.DN
	}
	return v, nil
}

func (v *userView) json(u *store.User) userJSON {
	j := userJSON{ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		Phone: u.Phone, Disabled: u.Disabled, Deleted: u.Deleted(), EnrollmentPending: u.EnrollmentPending,
		FromLDAP: u.FromLDAP, PasswordSet: u.HasPassword(), PasswordPending: u.PasswordPending,
		DN: v.dns[u.ID], Groups: v.groups[u.ID], CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if j.Groups == nil {
		j.Groups = []string{}
	}
	if !u.PasswordChangedAt.IsZero() {
		j.PasswordChangedAt = u.PasswordChangedAt.Format(time.RFC3339)
	}
	if u.Deleted() {
		j.DeletedAt = u.DeletedAt.Format(time.RFC3339)
	}
	return j
}

// status is the one-word state of a user for the table.
func status(u *store.User) string {
	switch {
	case u.Deleted():
		return "deleted*"
	case u.Disabled:
		return "disabled"
	case u.EnrollmentPending:
		return "enrolling"
	}
	return "active"
}

func usersListFlags(fset *pflag.FlagSet) func(*usersCmd, []string) int {
	search := fset.String("search", "", "only users whose username, e-mail or name contains this text")
	deleted := fset.Bool("deleted", false, "only deleted users waiting for the next sync")
	all := fset.Bool("all", false, "live and deleted users")
	asJSON := fset.Bool("json", false, "print JSON instead of a table")
	return func(c *usersCmd, pos []string) int {
		users, err := c.db.ListUsers(c.ctx, store.UserFilter{Search: *search, OnlyDeleted: *deleted, IncludeDeleted: *all})
		if err != nil {
			return c.fail("list", err)
		}
		view, err := c.loadView()
		if err != nil {
			return c.fail("list", err)
		}
		if *asJSON {
			out := make([]userJSON, 0, len(users))
			for i := range users {
				out = append(out, view.json(&users[i]))
			}
			return c.printJSON("list", out)
		}
		if len(users) == 0 {
			fmt.Fprintln(c.env.stdout, "no users")
			return 0
		}
		tw := tabwriter.NewWriter(c.env.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tNAME\tEMAIL\tSTATUS\tSOURCE\tGROUPS")
		anyDeleted := false
		for i := range users {
			u := &users[i]
			anyDeleted = anyDeleted || u.Deleted()
			source := "local"
			if u.FromLDAP {
				source = "ldap"
			}
			if _, ok := view.dns[u.ID]; ok {
				source += ", linked"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, dash(u.FullName()), dash(u.Email), status(u), source,
				dash(strings.Join(view.groups[u.ID], ",")))
		}
		tw.Flush()
		fmt.Fprintf(c.env.stdout, "%d user(s)\n", len(users))
		if anyDeleted {
			fmt.Fprintln(c.env.stdout, "* deleted here; the next sync deletes the directory entry")
		}
		return 0
	}
}

func usersShowFlags(fset *pflag.FlagSet) func(*usersCmd, []string) int {
	asJSON := fset.Bool("json", false, "print JSON")
	return func(c *usersCmd, pos []string) int {
		name := pos[0]
		u, code := c.user("show", name, false)
		if u == nil {
			return code
		}
		view, err := c.loadView()
		if err != nil {
			return c.fail("show", err)
		}
		if *asJSON {
			return c.printJSON("show", view.json(u))
		}
		tw := tabwriter.NewWriter(c.env.stdout, 0, 0, 2, ' ', 0)
		row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
		row("username", u.Username)
		row("name", dash(u.FullName()))
		row("email", dash(u.Email))
		row("phone", dash(u.Phone))
		switch {
		case u.Deleted():
			row("status", "deleted "+u.DeletedAt.Local().Format(time.DateTime)+", waiting for the next sync to delete it from the directory")
		case u.Disabled:
			row("status", "disabled")
		default:
			row("status", "active")
		}
		pw := "not set"
		if u.HasPassword() {
			pw = "set " + u.PasswordChangedAt.Local().Format(time.DateTime)
			if u.PasswordPending {
				pw += ", not yet written to the directory"
			}
		}
		row("password", pw)
		row("enrollment", map[bool]string{true: "pending", false: "-"}[u.EnrollmentPending])
		source := "created in the store"
		if u.FromLDAP {
			source = "created by a sync from the directory"
		}
		row("source", source)
		if dn, ok := view.dns[u.ID]; ok {
			row("directory", dn)
		} else {
			row("directory", "not linked")
		}
		row("groups", dash(strings.Join(view.groups[u.ID], ", ")))
		row("created", u.CreatedAt.Local().Format(time.DateTime))
		row("updated", u.UpdatedAt.Local().Format(time.DateTime))
		tw.Flush()
		return 0
	}
}

func (c *usersCmd) printJSON(sub string, v any) int {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return c.fail(sub, err)
	}
	fmt.Fprintln(c.env.stdout, string(b))
	return 0
}

// dash shows "-" for an empty cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
