package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// hostKeyName is the host key's file name beside the config file.
const hostKeyName = "ldapwiz_host_ed25519"

// DefaultHostKeyPath is where the host key lives when --host-key is not
// given: beside the config file, so a restart finds the same key.
func DefaultHostKeyPath(configPath string) string {
	return filepath.Join(filepath.Dir(configPath), hostKeyName)
}

// LoadHostKey reads the host key at path, or creates an ed25519 key there
// (mode 0600) when there is none; created says which.
func LoadHostKey(path string) (signer gossh.Signer, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = createHostKey(path)
		created = true
	}
	if err != nil {
		return nil, false, err
	}
	signer, err = gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("the host key %s cannot be read: %w", path, err)
	}
	return signer, created, nil
}

// createHostKey writes a new ed25519 private key in OpenSSH format to path,
// never over an existing file, and returns its bytes.
func createHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "ldapwiz serve host key")
	if err != nil {
		return nil, err
	}
	data := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot create the host key: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("cannot write the host key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("cannot write the host key %s: %w", path, err)
	}
	return data, nil
}
