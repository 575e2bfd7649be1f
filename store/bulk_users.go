package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// bulkRows is how many rows one multi-row insert writes. A full chunk's
// statement is prepared once per connection and bound once per
// transaction (see stmtCache); a shorter last chunk runs unprepared.
const bulkRows = 128

// LinkedUser is a user to create from a directory entry, with the link
// that ties it to the entry.
type LinkedUser struct {
	NewUser
	// StableID and DN are the entry's, as in Link.
	StableID string
	DN       string
	// Base holds the link's base values.
	Base Values
	// BaseJSON, when set, is the link's base already encoded, as the
	// links table holds it (a JSON object of field -> list of values), and
	// Base is not used: a first import encodes 100,000 bases straight from
	// the entries rather than through a map each.
	BaseJSON string
}

// CreateLinkedUsers creates users and links each to its directory entry,
// as CreateUserID and then SaveLink do for each one, atomically, in a few
// multi-row statements (a sync's first import writes thousands); it
// returns the new ids in order. A name taken (ErrExists) or a stable id
// linked already (ErrLinkConflict) fails it naming the first such user,
// having written nothing (in a Tx: roll the Tx back, as for any error).
// The conflicts are found from the rows the inserts return, not by a read
// per user, and never fail a statement (which would abort a PostgreSQL
// transaction).
func (q Queries) CreateLinkedUsers(ctx context.Context, us []LinkedUser) ([]int64, error) {
	if len(us) == 0 {
		return nil, nil
	}
	seen := make(map[string]bool, len(us))
	bases := make([]string, len(us))
	for i, u := range us {
		if err := ValidateUsername(u.Username); err != nil {
			return nil, err
		}
		if err := validateUserFields(u.Email, u.FirstName, u.LastName, u.Phone); err != nil {
			return nil, err
		}
		if u.StableID == "" {
			return nil, errorf(ErrInvalid, "link of user %q: empty directory stable id", u.Username)
		}
		key := foldASCII(u.Username)
		if seen[key] {
			return nil, errorf(ErrExists, "a user named %q is created twice", u.Username)
		}
		seen[key] = true
		if u.BaseJSON != "" {
			bases[i] = u.BaseJSON
			continue
		}
		base := u.Base
		if base == nil {
			base = Values{}
		}
		js, err := json.Marshal(base)
		if err != nil {
			return nil, fmt.Errorf("store: encode base values: %w", err)
		}
		bases[i] = string(js)
	}
	ids := make([]int64, len(us))
	scratch := newBulkScratch(min(len(us), bulkRows))
	err := q.atomic(ctx, func(q Queries) error {
		t := fmtTime(now())
		for start := 0; start < len(us); start += bulkRows {
			end := min(start+bulkRows, len(us))
			if err := q.insertUsers(ctx, scratch, us[start:end], ids[start:end], t); err != nil {
				return err
			}
			if err := q.insertUserLinks(ctx, scratch, us[start:end], ids[start:end], bases[start:end], t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// insertUsers inserts one chunk of users in one statement and puts their
// ids in ids. The names were checked distinct, so a row that does not come
// back is a name taken in the store.
func (q Queries) insertUsers(ctx context.Context, scratch *bulkScratch, us []LinkedUser, ids []int64, t any) error {
	args := scratch.args[:0]
	for _, u := range us {
		args = append(args, u.Username, u.Email, u.FirstName, u.LastName, u.Phone,
			boolInt(u.Disabled), boolInt(u.EnrollmentPending), boolInt(u.FromLDAP), t, t)
	}
	scratch.args = args
	index := scratch.index
	clear(index)
	for i, u := range us {
		index[u.Username] = i
		ids[i] = 0
	}
	rows, err := q.bulkQuery(ctx, usersInsert.text(len(us)), len(us), args)
	if err != nil {
		return fmt.Errorf("store: create %d users: %w", len(us), err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("store: create %d users: %w", len(us), err)
		}
		if i, ok := index[name]; ok {
			ids[i] = id
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: create %d users: %w", len(us), err)
	}
	for i, id := range ids {
		if id == 0 {
			return q.nameTakenError(ctx, us[i].Username)
		}
	}
	return nil
}

// insertUserLinks inserts the links of one chunk of users just created.
// A link that does not come back collided with another: its stable id
// linked to another user is ErrLinkConflict; otherwise a link of that
// local id was left over, and SaveLink replaces it, as it would have.
func (q Queries) insertUserLinks(ctx context.Context, scratch *bulkScratch, us []LinkedUser, ids []int64, bases []string, t any) error {
	args := scratch.args[:0]
	for i, u := range us {
		args = append(args, ids[i], u.StableID, u.DN, bases[i], t)
	}
	scratch.args = args
	rows, err := q.bulkQuery(ctx, userLinksInsert.text(len(us)), len(us), args)
	if err != nil {
		return fmt.Errorf("store: link %d users: %w", len(us), err)
	}
	linked := scratch.linked
	clear(linked)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("store: link %d users: %w", len(us), err)
		}
		linked[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: link %d users: %w", len(us), err)
	}
	if len(linked) == len(us) {
		return nil
	}
	for i, u := range us {
		if linked[ids[i]] {
			continue
		}
		var base Values // bases[i] is Base or BaseJSON, encoded
		if err := json.Unmarshal([]byte(bases[i]), &base); err != nil {
			return fmt.Errorf("store: link of user %q: base values: %w", u.Username, err)
		}
		l := Link{Kind: KindUser, LocalID: ids[i], StableID: u.StableID, DN: u.DN, Base: base}
		if err := q.SaveLink(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// bulkQuery runs a multi-row statement of rows rows: through the statement
// cache when it is a full chunk, unprepared otherwise.
func (q Queries) bulkQuery(ctx context.Context, query string, rows int, args []any) (*sql.Rows, error) {
	if rows == bulkRows {
		return q.query(ctx, query, args...)
	}
	return q.queryOnce(ctx, query, args...)
}

// bulkExec is bulkQuery for a statement that returns no rows.
func (q Queries) bulkExec(ctx context.Context, query string, rows int, args []any) (int64, error) {
	if rows == bulkRows {
		return rowsAffected(q.exec(ctx, query, args...))
	}
	return rowsAffected(q.execOnce(ctx, query, args...))
}

// usersInsert inserts a chunk of users, returning the id and name of each
// row written (a name taken writes none).
var usersInsert = newBulkStatement(func(rows int) string {
	return `INSERT INTO users
		(username, email, first_name, last_name, phone, disabled, enrollment_pending, from_ldap, created_at, updated_at)
		VALUES ` + valueRows(10, rows) + ` ON CONFLICT DO NOTHING RETURNING id, username`
})

// userLinksInsert inserts a chunk of user links, returning the local id
// of each row written.
var userLinksInsert = newBulkStatement(func(rows int) string {
	return `INSERT INTO links (kind, local_id, stable_id, dn, base, synced_at)
		VALUES ` + strings.ReplaceAll(valueRows(5, rows), "(?", "('user', ?") + ` ON CONFLICT DO NOTHING RETURNING local_id`
})

// bulkStatement is the text of a multi-row statement for any number of
// rows; a full chunk's (bulkRows) is built once, not per chunk (the
// statement cache looks it up by its text).
type bulkStatement struct {
	build func(rows int) string
	full  string
}

// newBulkStatement returns the bulkStatement that build writes.
func newBulkStatement(build func(rows int) string) bulkStatement {
	return bulkStatement{build: build, full: build(bulkRows)}
}

// text is the statement's text for rows rows.
func (s bulkStatement) text(rows int) string {
	if rows == bulkRows {
		return s.full
	}
	return s.build(rows)
}

// bulkScratch is what CreateLinkedUsers reuses from chunk to chunk rather
// than allocating per chunk: the statements' arguments, and the maps that
// match the rows a statement returns to the chunk's users. A first import
// of 100,000 users writes 782 chunks of each.
type bulkScratch struct {
	args   []any
	index  map[string]int // insertUsers: the chunk's index of each name
	linked map[int64]bool // insertUserLinks: the local ids linked
}

// newBulkScratch returns a bulkScratch for chunks of up to rows users.
func newBulkScratch(rows int) *bulkScratch {
	return &bulkScratch{args: make([]any, 0, 10*rows), index: make(map[string]int, rows), linked: make(map[int64]bool, rows)}
}

// valueRows is the VALUES list of a multi-row insert: n rows of cols
// placeholders each.
func valueRows(cols, n int) string {
	row := "(?" + strings.Repeat(", ?", cols-1) + ")"
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// foldASCII folds the ASCII letters of a name to lower case, as the
// username column compares names (SQLite's NOCASE; lower() under "C" on
// PostgreSQL).
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
