package store

import (
	"strconv"
	"strings"
)

// dialect is what differs between the SQL of the two backends. The store's
// queries are written once, in the SQL both accept, with ? placeholders;
// the few spots that differ ask the dialect.
type dialect struct {
	// pg: PostgreSQL; SQLite otherwise.
	pg bool
}

var (
	sqliteDialect   = &dialect{}
	postgresDialect = &dialect{pg: true}
)

// backend names the backend in messages.
func (d *dialect) backend() string {
	if d.pg {
		return "PostgreSQL"
	}
	return "SQLite"
}

// setting is the setting that names the database.
func (d *dialect) setting() string {
	if d.pg {
		return "store.url"
	}
	return "store.path"
}

// rebind turns the ? placeholders of query into PostgreSQL's $1, $2, …
// (outside quoted strings and identifiers); SQLite takes query as it is.
func (d *dialect) rebind(query string) string {
	if !d.pg || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// fold is a name column (username, group name) as compared and ordered:
// case-insensitive for ASCII letters only, as SQLite's NOCASE collation
// that the column carries there. On PostgreSQL, lower() under the "C"
// collation folds exactly those letters, and a unique index on that
// expression keeps names unique ignoring case.
func (d *dialect) fold(col string) string {
	if d.pg {
		return `lower(` + col + ` COLLATE "C")`
	}
	return col
}

// foldArg is a placeholder compared with fold(col).
func (d *dialect) foldArg() string {
	if d.pg {
		return `lower(CAST(? AS TEXT) COLLATE "C")`
	}
	return "?"
}

// contains is the condition "col contains the placeholder's text, ignoring
// ASCII case".
func (d *dialect) contains(col string) string {
	if d.pg {
		return `strpos(lower(` + col + ` COLLATE "C"), lower(CAST(? AS TEXT) COLLATE "C")) > 0`
	}
	return `instr(lower(` + col + `), lower(?)) > 0`
}
