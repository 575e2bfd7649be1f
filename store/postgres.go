package store

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrNoSchema is wrapped by Config.OpenReadOnly's error when the PostgreSQL
// database has no ldapwiz schema yet (nothing was ever synced into it).
var ErrNoSchema = errors.New("the database has no ldapwiz schema yet")

// connectTimeout bounds connecting to PostgreSQL when the URL sets none.
const connectTimeout = 10 * time.Second

// openPostgres connects to the database c.URL names, checks it answers,
// and migrates it (or, readOnly, only checks its schema version).
func openPostgres(ctx context.Context, c Config, readOnly bool) (*DB, error) {
	where := RedactURL(c.URL)
	cfg, err := pgConfig(c)
	if err != nil {
		return nil, err
	}
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxIdleConns(4)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: cannot open the PostgreSQL database %s: %w", where, explainPG(err))
	}
	db := newDB(sqlDB, postgresDialect, c.Path, where)
	db.cfg = c
	if readOnly {
		err = checkSchema(ctx, db)
	} else {
		err = migrate(ctx, sqlDB, postgresDialect)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", where, err)
	}
	return db, nil
}

// checkSchema fails unless the database's schema is this ldapwiz's.
func checkSchema(ctx context.Context, db *DB) error {
	var exists bool
	if err := db.sql.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return explainPG(err)
	}
	latest := len(pgMigrations())
	if !exists {
		return fmt.Errorf("schema version 0, this ldapwiz %d: %w (%w)", latest, ErrSchemaNotCurrent, ErrNoSchema)
	}
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return explainPG(err)
	}
	switch {
	case version > latest:
		return fmt.Errorf("the database has schema version %d but this ldapwiz knows only up to %d: use a newer ldapwiz, or another store.url", version, latest)
	case version < latest:
		err := fmt.Errorf("schema version %d, this ldapwiz %d: %w", version, latest, &schemaBehind{version})
		if version == 0 {
			err = fmt.Errorf("%w (%w)", err, ErrNoSchema)
		}
		return err
	}
	return nil
}

// pgConfig parses c.URL into a pgx configuration: the password from
// c.Password (a URL holding one is refused), TLS verified (sslmode
// verify-full) unless the URL asks otherwise, c.CAFile as the trusted CAs.
func pgConfig(c Config) (*pgx.ConnConfig, error) {
	u, err := parseURL(c.URL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "verify-full")
	}
	if ca := strings.TrimSpace(c.CAFile); ca != "" {
		q.Set("sslrootcert", ca)
	}
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		setting := "store.url"
		if strings.Contains(err.Error(), "sslrootcert") || strings.Contains(err.Error(), "certificate") {
			setting = "store.ca_file"
		}
		return nil, &settingError{setting, errors.New(redactParseError(err, c)), "fix " + setting}
	}
	if c.Password != "" {
		cfg.Password = c.Password
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	return cfg, nil
}

// CheckURL checks the form of a store URL (store.url) without connecting:
// a postgres:// or postgresql:// URL with a host, and no password in it.
func CheckURL(raw string) error {
	_, err := parseURL(raw)
	return err
}

// parseURL parses a store URL, refusing what CheckURL refuses.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || (u.Host == "" && u.Query().Get("host") == "") {
		shown := "(value not shown: it may be a password typed in the wrong place)"
		if err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
			shown = quoteURL(raw)
		}
		return nil, &settingError{"store.url", fmt.Errorf("store.url %s is not a PostgreSQL URL", shown), "write postgres://USER@HOST:5432/DATABASE"}
	}
	if _, has := u.User.Password(); has || u.Query().Has("password") {
		return nil, &settingError{"store.url", errors.New("store.url holds a password"), "remove it from the URL and put it in the file named by store.password_file, or the environment variable named by store.password_env"}
	}
	return u, nil
}

// redactParseError is pgx's parse error without any secret it may quote.
func redactParseError(err error, c Config) string {
	msg := err.Error()
	if c.Password != "" {
		msg = strings.ReplaceAll(msg, c.Password, "********")
	}
	return msg
}

// explainPG adds to a PostgreSQL connection error the setting to fix (see
// SettingOf).
func explainPG(err error) error {
	var pe *pgconn.PgError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &pe) && (pe.Code == "28P01" || pe.Code == "28000"):
		return &settingError{"store.password_file", err, "check the user in store.url and the password in store.password_file or store.password_env"}
	case errors.As(err, &pe) && pe.Code == "3D000":
		return &settingError{"store.url", err, "create the database or fix its name in store.url"}
	case errors.As(err, &pe) && pe.Code == "42501":
		return &settingError{"store.url", err, "the user in store.url needs the right to create tables in the database (make it the database's owner)"}
	case errors.As(err, &ua), errors.As(err, &ci):
		return &settingError{"store.ca_file", err, "the server's certificate is not trusted: set store.ca_file to the CA that signed it"}
	case errors.As(err, &hn):
		return &settingError{"store.url", err, "the certificate does not name the host in store.url: use the name it holds"}
	case errors.As(err, &oe), errors.As(err, &ne):
		return &settingError{"store.url", err, "check the host and port in store.url and that PostgreSQL runs there"}
	case strings.Contains(err.Error(), "server refused TLS"), strings.Contains(err.Error(), "SSL is not enabled"):
		return &settingError{"store.url", err, "enable TLS on the server, or (on a trusted network only) add ?sslmode=disable to store.url"}
	}
	return err
}

// settingError is an error with the setting that fixes it and how.
type settingError struct {
	setting string
	err     error
	hint    string
}

// Error is the error, then the hint.
func (e *settingError) Error() string { return e.err.Error() + "; " + e.hint }

// Unwrap returns the error.
func (e *settingError) Unwrap() error { return e.err }

// SettingOf returns the setting an error of Config.Open says to fix
// ("store.url", "store.ca_file", ...), or "" when it names none.
func SettingOf(err error) string {
	var se *settingError
	if errors.As(err, &se) {
		return se.setting
	}
	return ""
}

// RedactURL returns a store URL fit for messages: any password replaced by
// "xxxxx". Text that is not a URL is returned as "(not a URL)".
func RedactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "(not a URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// quoteURL quotes a store URL for a message, redacted.
func quoteURL(raw string) string { return fmt.Sprintf("%q", RedactURL(raw)) }

// pgDB reports whether db is on PostgreSQL.
func (db *DB) pgDB() bool { return db.d.pg }

// conn returns a dedicated connection of db.
func (db *DB) conn(ctx context.Context) (*sql.Conn, error) { return db.sql.Conn(ctx) }
