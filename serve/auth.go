package serve

import (
	"crypto/subtle"
	"fmt"
	"log/slog"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Permission extensions the key check leaves on the connection: the
// fingerprint of the key it accepted and the comment naming its owner.
const (
	extFingerprint = "ldapwiz-key-fingerprint"
	extComment     = "ldapwiz-key-comment"
)

// identity is who a session belongs to, for the log.
type identity struct {
	fingerprint string
	comment     string
}

// authorize is the public key handler: it re-reads the authorized_keys file
// (and the trusted CA file for certificates) on every call, and on success
// records the key's fingerprint on the connection's permissions, which
// x/crypto/ssh keeps with the key that actually signed (see sessionKey).
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	id, err := s.lookup(ctx.User(), key)
	if err != nil {
		s.opts.Log.Info("key refused", "user", ctx.User(), "from", ctx.RemoteAddr().String(),
			"key", gossh.FingerprintSHA256(key), "reason", err.Error())
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extFingerprint] = id.fingerprint
	perms.Extensions[extComment] = id.comment
	return true
}

// lookup tells whether key may log in as user, and who it is.
func (s *Server) lookup(user string, key ssh.PublicKey) (identity, error) {
	if cert, ok := key.(*gossh.Certificate); ok {
		return s.lookupCert(user, cert)
	}
	entries, err := readKeyFile(s.opts.AuthorizedKeys, s.opts.Log)
	if err != nil {
		return identity{}, fmt.Errorf("the authorized keys cannot be read: %w", err)
	}
	e, ok := findKey(entries, key)
	if !ok {
		return identity{}, fmt.Errorf("not in %s", s.opts.AuthorizedKeys)
	}
	return identity{fingerprint: gossh.FingerprintSHA256(key), comment: e.comment}, nil
}

// lookupCert accepts an OpenSSH user certificate signed by a CA of the
// trusted CA file, valid now and naming user among its principals.
func (s *Server) lookupCert(user string, cert *gossh.Certificate) (identity, error) {
	if s.opts.TrustedCA == "" {
		return identity{}, fmt.Errorf("a certificate, and no trusted CA is configured")
	}
	cas, err := readKeyFile(s.opts.TrustedCA, s.opts.Log)
	if err != nil {
		return identity{}, fmt.Errorf("the trusted CA file cannot be read: %w", err)
	}
	checker := &gossh.CertChecker{IsUserAuthority: func(auth gossh.PublicKey) bool {
		_, ok := findKey(cas, auth)
		return ok
	}}
	if !checker.IsUserAuthority(cert.SignatureKey) {
		return identity{}, fmt.Errorf("a certificate signed by an untrusted CA")
	}
	if err := checker.CheckCert(user, cert); err != nil {
		return identity{}, err
	}
	return identity{fingerprint: gossh.FingerprintSHA256(cert), comment: "certificate " + cert.KeyId}, nil
}

// sessionKey returns the identity of the key the session authenticated
// with. The key on the session and the fingerprint the key check recorded
// must agree: a client may offer one key (which passes the check) and sign
// with another, and only the key that signed counts.
func sessionKey(sess ssh.Session, log *slog.Logger) (identity, bool) {
	key := sess.PublicKey()
	if key == nil {
		return identity{}, false
	}
	perms := sess.Permissions()
	if perms.Permissions == nil {
		return identity{}, false
	}
	got, want := gossh.FingerprintSHA256(key), perms.Extensions[extFingerprint]
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		log.Warn("session refused: the key used is not the key checked", "from", sess.RemoteAddr().String(), "key", got)
		return identity{}, false
	}
	return identity{fingerprint: got, comment: perms.Extensions[extComment]}, true
}
