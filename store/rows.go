package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanFunc adapts a function to rowScanner.
type scanFunc func(dest ...any) error

// Scan calls f.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// timeCol is a TEXT time column as scanned, and where its value goes.
type timeCol struct {
	s   sql.NullString
	dst *time.Time
}

// parseTimes parses scanned time columns into their destinations (NULL
// becomes the zero time).
func parseTimes(cols ...timeCol) error {
	for _, c := range cols {
		t, err := parseTime(c.s)
		if err != nil {
			return err
		}
		*c.dst = t
	}
	return nil
}

// scanOne finishes a single-row read done with a scan function: no row
// becomes the error notFound builds, any other error is wrapped as
// "store: " + fmt.Sprintf(format, args...). Nothing is formatted when the
// row was read.
func scanOne[T any](v *T, err error, notFound func() error, format string, args ...any) (*T, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", fmt.Sprintf(format, args...), err)
	}
	return v, nil
}

// scanAll reads every row of a query with scan and closes the rows; rows
// and err are what Queries.query returned. Errors are wrapped as
// "store: WHAT: ...".
func scanAll[T any](rows *sql.Rows, err error, what string, scan func(rowScanner) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
