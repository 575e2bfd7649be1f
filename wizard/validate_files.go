package wizard

import (
	"strings"

	"ldapwiz/store"
)

// secretFileModes warns, as ssh does for private keys, about files holding
// secrets that group or others may read: the bind password file, the SMTP
// password file and the store's key file (it seals the passwords waiting to
// be written to the directory).
func (c *checker) secretFileModes() {
	c.secretFileMode("connection.bind_password_file", c.s.Connection.BindPasswordFile, "The bind password file")
	if c.s.Enrollment.Enabled && c.s.Enrollment.AutoInvite {
		c.secretFileMode("smtp.password_file", c.s.SMTP.PasswordFile, "The SMTP password file")
	}
	c.secretFileMode("store.password_file", c.s.Store.PasswordFile, "The PostgreSQL password file")
	if p := strings.TrimSpace(c.s.Store.Path); p != "" {
		c.secretFileMode("store.path", store.KeyPath(p), "The store's key file")
	}
}

// secretFileMode warns when the file at path exists and is readable by
// group or others. A missing file is left to the other checks.
func (c *checker) secretFileMode(setting, path, what string) {
	path = strings.TrimSpace(path)
	if path == "" {
		return
	}
	fi, err := c.opts.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		c.warnf(setting, "%s %s can be read by group or others (mode %04o); restrict it with: chmod 600 %s", what, path, perm, path)
	}
}

// storeWritable reports an error when the store's directory (or an existing
// database file) cannot be written: on a read-only file system the store
// could not be created or updated, and SQLite only says "unable to open
// database file".
func (c *checker) storeWritable(dir, path string) {
	if err := c.opts.Writable(dir); err != nil {
		c.errorf("store.path", "The directory %s for the database is not writable (%s); make it writable or change store.path.", dir, describeFileErr(err))
		return
	}
	if fi, err := c.opts.Stat(path); err == nil && fi.Mode().IsRegular() {
		if err := c.opts.Writable(path); err != nil {
			c.errorf("store.path", "The database %s is not writable (%s); make it writable or change store.path.", path, describeFileErr(err))
		}
	}
}
