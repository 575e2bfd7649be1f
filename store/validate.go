package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxUsernameLength is the longest username accepted, in characters.
const MaxUsernameLength = 64

// The longest values the store accepts for a user's other fields, in
// characters: what the directories it syncs with hold (RFC 5321 limits a
// mail path to 256; Active Directory's telephoneNumber takes 64; names get
// the same 256 as mail, well above any person's).
const (
	MaxEmailLength = 256
	MaxNameLength  = 256
	MaxPhoneLength = 64
)

// ValidateUsername checks a username: 1 to 64 characters, letters, digits
// and . _ - @, starting with a letter or a digit. The sync planner uses it
// too, to skip directory entries whose username the store cannot hold.
func ValidateUsername(name string) error {
	if name == "" {
		return errorf(ErrInvalid, "the username is empty")
	}
	if !utf8.ValidString(name) {
		return errorf(ErrInvalid, "username %q is not valid UTF-8", name)
	}
	if n := utf8.RuneCountInString(name); n > MaxUsernameLength {
		return errorf(ErrInvalid, "the username is %d characters long; the limit is %d", n, MaxUsernameLength)
	}
	first, _ := utf8.DecodeRuneInString(name)
	if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
		return errorf(ErrInvalid, "username %q must start with a letter or a digit", name)
	}
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-@", r) {
			continue
		}
		return errorf(ErrInvalid, "username %q contains %q; use letters, digits and . _ - @ only", name, r)
	}
	return nil
}

// ValidateGroupName checks a group name: 1 to 128 characters, no control
// characters, no leading or trailing space.
func ValidateGroupName(name string) error {
	switch {
	case name == "":
		return errorf(ErrInvalid, "the group name is empty")
	case !utf8.ValidString(name):
		return errorf(ErrInvalid, "group name %q is not valid UTF-8", name)
	case utf8.RuneCountInString(name) > 128:
		return errorf(ErrInvalid, "the group name is %d characters long; the limit is 128", utf8.RuneCountInString(name))
	case strings.TrimSpace(name) != name:
		return errorf(ErrInvalid, "group name %q starts or ends with a space", name)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errorf(ErrInvalid, "group name %q contains a control character", name)
	}
	return nil
}

// ValidateEmail checks an e-mail address loosely: empty, or one "@" with
// text on both sides and no spaces. Directories hold all sorts; the store
// refuses only what cannot be an address.
func ValidateEmail(email string) error {
	if email == "" {
		return nil
	}
	if n := utf8.RuneCountInString(email); n > MaxEmailLength {
		return errorf(ErrInvalid, "the e-mail address is %d characters long; the limit is %d", n, MaxEmailLength)
	}
	at := strings.IndexByte(email, '@')
	if at <= 0 || at == len(email)-1 || strings.Count(email, "@") != 1 ||
		strings.IndexFunc(email, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return errorf(ErrInvalid, "e-mail address %q is not of the form name@domain", email)
	}
	return nil
}

// validateUserFields checks the free-text fields of a user.
func validateUserFields(email, first, last, phone string) error {
	if err := ValidateEmail(email); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"first name", first, MaxNameLength}, {"last name", last, MaxNameLength}, {"phone", phone, MaxPhoneLength}} {
		if n := utf8.RuneCountInString(f.v); n > f.max {
			return errorf(ErrInvalid, "the %s is %d characters long; the limit is %d", f.name, n, f.max)
		}
		if !utf8.ValidString(f.v) {
			return errorf(ErrInvalid, "the %s %q is not valid UTF-8", f.name, f.v)
		}
		if strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
			return errorf(ErrInvalid, "the %s %q contains a control character", f.name, f.v)
		}
	}
	return nil
}

// MaxDescriptionLength is the longest group description accepted, in
// characters (Active Directory's description takes 1024).
const MaxDescriptionLength = 1024

// validateDescription checks a group's description.
func validateDescription(d string) error {
	if n := utf8.RuneCountInString(d); n > MaxDescriptionLength {
		return errorf(ErrInvalid, "the group description is %d characters long; the limit is %d", n, MaxDescriptionLength)
	}
	if !utf8.ValidString(d) {
		return errorf(ErrInvalid, "the group description is not valid UTF-8")
	}
	return nil
}
