package syncer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SaveReportBesideStore writes the report as JSON (mode 0600: it names
// users) into the directory of the store database storePath, named
// ldapwiz-sync-YYYYMMDD-HHMMSS.json after the run's start (UTC); an existing
// file is never overwritten (a -2, -3 … suffix is added). It returns the
// path written.
func SaveReportBesideStore(rep *Report, storePath string) (string, error) {
	if rep == nil {
		return "", errors.New("no report to save")
	}
	dir := filepath.Dir(strings.TrimSpace(storePath))
	at := rep.StartedAt
	if at.IsZero() {
		at = time.Now().UTC()
	}
	base := "ldapwiz-sync-" + at.UTC().Format("20060102-150405")
	for i := 1; i < 100; i++ {
		name := base + ".json"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.json", base, i)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("save the sync report in %s (the store's directory): %w", dir, err)
		}
		if err := rep.WriteJSON(f); err != nil {
			f.Close()
			return "", fmt.Errorf("save the sync report to %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("save the sync report to %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("save the sync report: too many reports named %s* in %s", base, dir)
}
