package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"os"

	gossh "golang.org/x/crypto/ssh"
)

// keyEntry is one usable line of an authorized_keys file.
type keyEntry struct {
	key     gossh.PublicKey
	comment string
}

// readKeyFile parses an OpenSSH authorized_keys file. Blank lines and
// comments are skipped; a line that does not parse, or carries options
// (from=, command=, ...: not supported, so never silently ignored), is
// skipped and logged with its line number, so one bad line locks nobody
// else out. The key material of a bad line is never logged.
func readKeyFile(path string, log *slog.Logger) ([]keyEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []keyEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, opts, _, err := gossh.ParseAuthorizedKey(line)
		switch {
		case err != nil:
			log.Warn("key file line skipped", "file", path, "line", n, "error", err.Error())
		case len(opts) > 0:
			log.Warn("key file line skipped", "file", path, "line", n, "error", fmt.Sprintf("options are not supported (%d given)", len(opts)))
		default:
			out = append(out, keyEntry{key: key, comment: comment})
		}
	}
	return out, sc.Err()
}

// findKey returns the entry of entries whose key is key.
func findKey(entries []keyEntry, key gossh.PublicKey) (keyEntry, bool) {
	want := key.Marshal()
	for _, e := range entries {
		if bytes.Equal(e.key.Marshal(), want) {
			return e, true
		}
	}
	return keyEntry{}, false
}
