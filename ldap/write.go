package ldap

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"unicode/utf16"

	goldap "github.com/go-ldap/ldap/v3"
)

// ChangeOp is the kind of one attribute change of a Modify.
type ChangeOp int

// Change operations (RFC 4511 section 4.6).
const (
	ModReplace ChangeOp = iota // set the attribute to exactly Values (none: remove it)
	ModAdd                     // add Values to the attribute
	ModDelete                  // remove Values (none: remove the attribute)
)

// String returns "replace", "add" or "delete".
func (op ChangeOp) String() string {
	switch op {
	case ModAdd:
		return "add"
	case ModDelete:
		return "delete"
	}
	return "replace"
}

// Change is one attribute change of a Modify.
type Change struct {
	Op     ChangeOp
	Attr   string
	Values []string
}

// passwordModifyOID is the Password Modify extended operation (RFC 3062).
const passwordModifyOID = "1.3.6.1.4.1.4203.1.11.1"

// Add creates the entry dn with the given attributes (objectClass included).
func (c *Conn) Add(ctx context.Context, dn string, attrs map[string][]string) error {
	if _, err := ParseDN(dn); err != nil {
		return err
	}
	req := goldap.NewAddRequest(dn, nil)
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if len(attrs[name]) > 0 {
			req.Attribute(name, attrs[name])
		}
	}
	if err := c.do(ctx, func() error { return c.c.Add(req) }); err != nil {
		return fmt.Errorf("add %s: %w", dn, err)
	}
	return nil
}

// Modify applies changes to the entry dn in one operation.
func (c *Conn) Modify(ctx context.Context, dn string, changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	req := goldap.NewModifyRequest(dn, nil)
	for _, ch := range changes {
		switch ch.Op {
		case ModReplace:
			req.Replace(ch.Attr, ch.Values)
		case ModAdd:
			req.Add(ch.Attr, ch.Values)
		case ModDelete:
			req.Delete(ch.Attr, ch.Values)
		default:
			return fmt.Errorf("modify %s: unknown change operation %d", dn, ch.Op)
		}
	}
	if err := c.do(ctx, func() error { return c.c.Modify(req) }); err != nil {
		return fmt.Errorf("modify %s: %w", dn, err)
	}
	return nil
}

// Delete removes the entry dn (a leaf: the server refuses entries with
// children).
func (c *Conn) Delete(ctx context.Context, dn string) error {
	if err := c.do(ctx, func() error { return c.c.Del(goldap.NewDelRequest(dn, nil)) }); err != nil {
		return fmt.Errorf("delete %s: %w", dn, err)
	}
	return nil
}

// Rename gives the entry dn the new RDN (such as "uid=new", escaped per RFC
// 4514) and, when newParent is not empty, moves it below newParent. The old
// RDN value is removed from the entry. It returns the entry's new DN.
func (c *Conn) Rename(ctx context.Context, dn, newRDN, newParent string) (string, error) {
	old, err := ParseDN(dn)
	if err != nil {
		return "", err
	}
	rdn, err := ParseDN(newRDN)
	if err != nil || len(rdn.RDNs) != 1 {
		return "", fmt.Errorf("rename %s: %q is not a single RDN such as uid=jdoe", dn, newRDN)
	}
	parent := old.Parent()
	if newParent != "" {
		if parent, err = ParseDN(newParent); err != nil {
			return "", err
		}
	}
	if err := c.do(ctx, func() error {
		return c.c.ModifyDN(goldap.NewModifyDNRequest(dn, newRDN, true, newParent))
	}); err != nil {
		return "", fmt.Errorf("rename %s to %s: %w", dn, newRDN, err)
	}
	return DN{RDNs: append([]RDN{rdn.RDNs[0]}, parent.RDNs...)}.String(), nil
}

// SetPassword sets the password of the entry dn. On Active Directory (ad
// true) it replaces unicodePwd with the UTF-16LE of the quoted password,
// which AD accepts only over an encrypted connection: on a plain connection
// it returns an error before anything is sent. Elsewhere it uses the
// Password Modify extended operation (RFC 3062), so the server hashes the
// password by its own policy.
func (c *Conn) SetPassword(ctx context.Context, dn, password string, ad bool) error {
	if password == "" {
		return fmt.Errorf("set password of %s: the new password is empty", dn)
	}
	if ad {
		if !c.encrypted {
			return fmt.Errorf("set password of %s: Active Directory accepts passwords (unicodePwd) only over an encrypted connection, "+
				"and this one is plain LDAP; use an ldaps:// URL or set connection.start_tls = true (nothing was sent)", dn)
		}
		req := goldap.NewModifyRequest(dn, nil)
		req.Replace("unicodePwd", []string{string(EncodeADPassword(password))})
		if err := c.do(ctx, func() error { return c.c.Modify(req) }); err != nil {
			return fmt.Errorf("set password of %s (unicodePwd): %w", dn, err)
		}
		return nil
	}
	err := c.do(ctx, func() error {
		_, err := c.c.PasswordModify(goldap.NewPasswordModifyRequest(dn, "", password))
		return err
	})
	if err != nil {
		var le *goldap.Error
		if errors.As(err, &le) && (le.ResultCode == goldap.LDAPResultProtocolError || le.ResultCode == goldap.LDAPResultUnwillingToPerform) {
			return fmt.Errorf("set password of %s: the server refused the Password Modify extended operation (%s); "+
				"check that it supports it (RootDSE supportedExtension) and that bind_dn may change passwords: %w", dn, passwordModifyOID, err)
		}
		return fmt.Errorf("set password of %s (Password Modify): %w", dn, err)
	}
	return nil
}

// EncodeADPassword encodes a password as Active Directory's unicodePwd
// wants it: the password in double quotes, in UTF-16 little-endian.
func EncodeADPassword(password string) []byte {
	units := utf16.Encode([]rune(`"` + password + `"`))
	out := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(out[2*i:], u)
	}
	return out
}
