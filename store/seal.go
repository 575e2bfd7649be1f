package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A password set in the store must reach the directory in clear (Password
// Modify, unicodePwd), but the database must not hold it in clear. Until the
// next sync sends it, it is kept sealed with AES-256-GCM under a key kept in
// a separate file beside the database (KeyPath, mode 0600), created on first
// use. A copy of the database alone does not reveal it.

// KeyPath returns the path of the key file that seals pending passwords of
// the database at dbPath.
func KeyPath(dbPath string) string { return dbPath + ".key" }

// sealPending encrypts pw for user id at password version, binding the
// ciphertext to both so it cannot be moved to another user or version.
func sealPending(dbPath string, id, version int64, pw string) ([]byte, error) {
	gcm, err := pendingCipher(dbPath, true)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("store: random nonce: %w", err)
	}
	return gcm.Seal(nonce, nonce, []byte(pw), pendingAAD(id, version)), nil
}

// openPending decrypts what sealPending made.
func openPending(dbPath string, id, version int64, sealed []byte) (string, error) {
	gcm, err := pendingCipher(dbPath, false)
	if err != nil {
		return "", err
	}
	if len(sealed) < gcm.NonceSize() {
		return "", errorf(ErrPasswordKey, "store: the pending password of user %d is damaged and lost; set the password again (ldapwiz users passwd USER)", id)
	}
	pt, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], pendingAAD(id, version))
	if err != nil {
		return "", errorf(ErrPasswordKey, "store: the pending password of user %d cannot be decrypted with the key file %s (was it replaced?): that password is lost; set the password again (ldapwiz users passwd USER)", id, KeyPath(dbPath))
	}
	return string(pt), nil
}

func pendingAAD(id, version int64) []byte {
	return fmt.Appendf(nil, "ldapwiz pending password user=%d version=%d", id, version)
}

// pendingCipher loads the key file, creating it when create is set.
func pendingCipher(dbPath string, create bool) (cipher.AEAD, error) {
	if strings.TrimSpace(dbPath) == "" {
		return nil, errors.New("store: no place for the key file that seals passwords waiting for the directory: set store.path (on PostgreSQL the key file is store.path + \".key\")")
	}
	key, err := loadKey(KeyPath(dbPath), create)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: key file %s: %w", KeyPath(dbPath), err)
	}
	return cipher.NewGCM(block)
}

// loadKey reads the 32-byte hex key at path; with create, a missing file is
// created atomically (written aside, then hard-linked into place, so two
// processes racing agree on one key).
func loadKey(path string, create bool) ([]byte, error) {
	key, err := readKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if !create {
		return nil, errorf(ErrPasswordKey, "store: the key file %s that seals passwords waiting for the directory is missing, so those passwords are lost; set them again (ldapwiz users passwd USER)", path)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: random key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("store: create the key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("store: create the key file %s: %w", path, err)
	}
	if err := writeAndClose(tmp, hex.EncodeToString(fresh)+"\n"); err != nil {
		return nil, fmt.Errorf("store: write the key file %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("store: create the key file %s: %w", path, err)
	}
	return readKey(path)
}

func readKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("store: read the key file %s: %w", path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, errorf(ErrPasswordKey, "store: the key file %s is damaged (it should hold 64 hex digits), so the passwords waiting for the directory that it seals are lost; move it aside (a new key is made) and set those passwords again (ldapwiz users passwd USER)", path)
	}
	return key, nil
}

// writeAndClose writes s to f, syncs and closes it.
func writeAndClose(f *os.File, s string) error {
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
