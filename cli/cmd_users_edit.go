package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/pflag"

	"ldapwiz/store"
)

// optString is a string flag that records whether it was given, so that
// --phone "" can clear a field.
type optString struct {
	set   bool
	value string
}

// String returns the value (pflag.Value).
func (o *optString) String() string { return o.value }

// Type names the value kind for help and completion (pflag.Value).
func (o *optString) Type() string { return "string" }

// Set records the value and that the flag was given (pflag.Value).
func (o *optString) Set(v string) error {
	o.set, o.value = true, v
	return nil
}

// ptr returns a pointer to the value when the flag was given, else nil.
func (o *optString) ptr() *string {
	if !o.set {
		return nil
	}
	v := o.value
	return &v
}

// userFieldFlags declares the flags of the user's free-text fields.
func userFieldFlags(fset *pflag.FlagSet) (email, first, last, phone *optString) {
	email, first, last, phone = &optString{}, &optString{}, &optString{}, &optString{}
	fset.Var(email, "email", "e-mail address")
	fset.Var(first, "first", "first name")
	fset.Var(last, "last", "last name")
	fset.Var(phone, "phone", "phone number")
	return
}

func usersAddFlags(fset *pflag.FlagSet) func(*usersCmd, []string) int {
	email, first, last, phone := userFieldFlags(fset)
	disabled := fset.Bool("disabled", false, "create the user disabled")
	pwStdin := fset.Bool("password-stdin", false, "also set the password, read from stdin (prompted on a terminal)")
	return func(c *usersCmd, pos []string) int {
		name := pos[0]
		var pw string
		if *pwStdin {
			var err error
			if pw, err = readNewPassword(c.env, name); err != nil {
				return c.fail("add", err)
			}
			if err := store.ValidatePassword(pw); err != nil {
				return c.fail("add", err)
			}
		}
		var u *store.User
		err := c.db.WithTx(c.ctx, func(tx *store.Tx) error {
			var err error
			u, err = tx.CreateUser(c.ctx, store.NewUser{Username: name, Email: email.value, FirstName: first.value,
				LastName: last.value, Phone: phone.value, Disabled: *disabled})
			if err != nil || pw == "" {
				return err
			}
			u, err = tx.SetPassword(c.ctx, u.ID, pw)
			return err
		})
		if err != nil {
			return c.fail("add", err)
		}
		fmt.Fprintf(c.env.stdout, "user %s created\n", u.Username)
		c.note(c.propagation(u, "user"))
		return 0
	}
}

func usersSetFlags(fset *pflag.FlagSet) func(*usersCmd, []string) int {
	email, first, last, phone := userFieldFlags(fset)
	username := &optString{}
	fset.Var(username, "username", "new username (rename)")
	return func(c *usersCmd, pos []string) int {
		name := pos[0]
		up := store.UserUpdate{Username: username.ptr(), Email: email.ptr(), FirstName: first.ptr(), LastName: last.ptr(), Phone: phone.ptr()}
		if up == (store.UserUpdate{}) {
			fmt.Fprintln(c.env.stderr, "ldapwiz users set: nothing to change: give at least one of --username, --email, --first, --last, --phone")
			return 2
		}
		u, code := c.user("set", name, true)
		if u == nil {
			return code
		}
		after, err := c.db.UpdateUser(c.ctx, u.ID, up)
		if err != nil {
			return c.fail("set", err)
		}
		if after.UpdatedAt.Equal(u.UpdatedAt) {
			fmt.Fprintf(c.env.stdout, "user %s unchanged (the values given are the current ones)\n", u.Username)
			return 0
		}
		var changed []string
		for _, f := range []struct{ name, old, new string }{
			{"username", u.Username, after.Username}, {"email", u.Email, after.Email},
			{"first name", u.FirstName, after.FirstName}, {"last name", u.LastName, after.LastName}, {"phone", u.Phone, after.Phone},
		} {
			if f.old != f.new {
				changed = append(changed, fmt.Sprintf("%s %q -> %q", f.name, f.old, f.new))
			}
		}
		fmt.Fprintf(c.env.stdout, "user %s updated: %s\n", after.Username, strings.Join(changed, ", "))
		c.note(c.propagation(after, "change"))
		return 0
	}
}

func usersPasswdFlags(fset *pflag.FlagSet) func(*usersCmd, []string) int {
	// Accepted for scripts that say so explicitly; stdin is read either way.
	fset.Bool("password-stdin", false, "read the password from stdin (the default when stdin is not a terminal)")
	return func(c *usersCmd, pos []string) int {
		name := pos[0]
		u, code := c.user("passwd", name, true)
		if u == nil {
			return code
		}
		pw, err := readNewPassword(c.env, u.Username)
		if err != nil {
			return c.fail("passwd", err)
		}
		if _, err := c.db.SetPassword(c.ctx, u.ID, pw); err != nil {
			return c.fail("passwd", err)
		}
		fmt.Fprintf(c.env.stdout, "password of %s changed\n", u.Username)
		c.note(c.propagation(u, "password"))
		return 0
	}
}

// readNewPassword reads a password: on a terminal it prompts twice on
// stderr without echo; otherwise it reads the first line of stdin.
func readNewPassword(env *cliEnv, name string) (string, error) {
	if f, ok := env.stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		fmt.Fprintf(env.stderr, "New password for %s: ", name)
		first, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		fmt.Fprintf(env.stderr, "Repeat the password: ")
		second, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ; nothing changed")
		}
		if len(first) == 0 {
			return "", errors.New("empty password; nothing changed")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from stdin: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("no password on stdin: pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | ldapwiz users passwd NAME")
	}
	return line, nil
}
