package syncer

import (
	"iter"
	"sort"

	"ldapwiz/ldap"
	"ldapwiz/store"
)

// Sides of an action: where it is written (the same strings as the store's
// changes table).
const (
	SideLDAP  = store.SideLDAP
	SideStore = store.SideStore
)

// Operations of an action. Most are the store's change operations; OpRestore
// and OpLink are the engine's own.
const (
	OpCreate       = store.OpCreate
	OpUpdate       = store.OpUpdate
	OpDelete       = store.OpDelete
	OpDisable      = store.OpDisable
	OpEnable       = store.OpEnable
	OpRename       = store.OpRename // renamed or moved: the link follows the DN
	OpPassword     = store.OpPassword
	OpAddMember    = store.OpAddMember
	OpRemoveMember = store.OpRemoveMember
	// OpRestore brings back a user deleted in the store (a tombstone) because
	// the directory still has it and wins.
	OpRestore = "restore"
	// OpLink only records bookkeeping in the store: a new link between a
	// store user and a directory entry that already agree, or the link's base
	// values when both sides made the same change. It changes no user data,
	// is not shown as a change, and is applied silently.
	OpLink = "link"
)

// Store fields a user's directory attributes are mapped to. They are also
// the keys of a user link's base values.
const (
	FieldUsername  = "username"
	FieldEmail     = "email"
	FieldFirstName = "first_name"
	FieldLastName  = "last_name"
	FieldPhone     = "phone"
	FieldDisabled  = "disabled" // "true"/"false"; synchronized when the directory has an account state (users.account_state)
	FieldName      = "name"     // a group's name
	baseMembers    = "members"  // a group link's base: member users' stable ids
)

// AttrDiff is one field of an action: its value before and after.
type AttrDiff struct {
	Field string `json:"field"`          // store field (FieldEmail ...)
	Attr  string `json:"attr,omitempty"` // directory attribute it maps to
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Label names the diff for people: the field, and the attribute it maps
// to when known, as in "email (mail)".
func (d AttrDiff) Label() string {
	if d.Attr == "" {
		return d.Field
	}
	return string(d.AppendLabel(make([]byte, 0, len(d.Field)+len(d.Attr)+3)))
}

// AppendLabel appends the diff's Label to b.
func (d AttrDiff) AppendLabel(b []byte) []byte {
	b = append(b, d.Field...)
	if d.Attr != "" {
		b = append(b, " ("...)
		b = append(b, d.Attr...)
		b = append(b, ')')
	}
	return b
}

// Action is one planned change. Plans list them in the order they are
// applied. What only some actions have (a rename's old DN, a membership's
// member, a group create's members, a failure) is its Detail. Its JSON
// lists actionFields (MarshalJSON, UnmarshalJSON): the keys are there, once.
type Action struct {
	Side   string     // SideLDAP or SideStore: where it is written
	Op     string     // OpCreate ...
	Kind   store.Kind // store.KindUser or store.KindGroup
	Name   string     // username or group name (the new one on renames)
	DN     string     // the entry's DN (new DN on renames; planned DN on creates)
	Diffs  []AttrDiff // creates: the values; updates: old -> new (nil on a planned store create of an entry: read AttrDiffs)
	Reason string     // why, in words
	// Beside each other, the flags take one word, not three.
	Hidden bool // bookkeeping (OpLink): not shown, not counted
	Failed bool // applying it failed
	Done   bool // applied (reports)

	detail *ActionDetail // nil when the action has none (see ActionDetail)
	apply  *applyData    // what the applier needs; nil on decoded reports
}

// Skip is a directory entry (or store object) the plan leaves alone, and why.
type Skip struct {
	Kind   store.Kind `json:"kind"`
	Name   string     `json:"name,omitempty"` // username or group name, when known
	DN     string     `json:"dn,omitempty"`
	Reason string     `json:"reason"`           // one of the Skip* reasons
	Detail string     `json:"detail,omitempty"` // the specifics, in words
}

// Skip reasons, for filtering.
const (
	SkipMissingUsername = "missing username attribute"
	SkipInvalidUsername = "invalid username"
	SkipDuplicate       = "duplicate username"
	SkipOutsideScope    = "outside the sync_only groups"
	SkipNoStableID      = "no stable id"
	SkipNameTaken       = "name already used"
	SkipInvalidValue    = "invalid value"
	SkipEmptyGroup      = "empty group"
)

// Referral is a search result reference (a continuation reference) the
// directory returned instead of entries it does not hold itself, such as
// Active Directory's references to CN=Configuration or the DNS zones when
// a search starts at the domain root. It was skipped, not chased.
type Referral struct {
	Setting string `json:"setting"` // the setting whose search returned it: users.search_base, groups.search_base
	Base    string `json:"base"`    // the search base
	URL     string `json:"url"`     // where the server points
}

// Conflict is a field changed on both sides (or, on a first sync, holding
// different values on each side), and the side whose value was kept.
type Conflict struct {
	Kind       store.Kind `json:"kind"`
	Name       string     `json:"name"`
	DN         string     `json:"dn,omitempty"`
	Field      string     `json:"field"`
	StoreValue string     `json:"store_value"`
	LDAPValue  string     `json:"ldap_value"`
	Winner     string     `json:"winner"` // SideLDAP or SideStore
}

// Plan is what a sync would do: the actions in application order, the
// entries skipped and the conflicts resolved. Build one with Preview (or
// PlanSnapshots on snapshots already read).
type Plan struct {
	Mode      string `json:"mode"`
	Authority string `json:"authority"`
	// Server is the directory URL that answered (connection.url may list
	// several; the first that answers is used).
	Server string `json:"server,omitempty"`

	Actions   []Action   `json:"actions"`
	Skipped   []Skip     `json:"skipped"`
	Conflicts []Conflict `json:"conflicts"`
	// Referrals are the search result references the directory returned
	// while the users and groups were read. ldapwiz does not chase them, so
	// whatever they point to is not synchronized.
	Referrals []Referral `json:"referrals,omitempty"`

	// AccountState is how the directory marks a disabled account, as this
	// plan reads and writes it (users.account_state).
	AccountState ldap.AccountState `json:"account_state"`

	// What was read.
	DirectoryUsers  int `json:"directory_users"`  // user entries in scope and usable
	DirectoryGroups int `json:"directory_groups"` // group entries in scope
	StoreUsers      int `json:"store_users"`      // live store users
	StoreGroups     int `json:"store_groups"`     // live store groups
	LinkedUsers     int `json:"linked_users"`     // store users linked before the run
	LinkedGroups    int `json:"linked_groups"`    // store groups linked before the run

	// Read says how the directory was read: incremental from a token, or
	// whole and why.
	Read *DirRead `json:"read,omitempty"`

	entriesRead int // directory entries read, for the next run's progress estimate
}

// EntriesRead is how many directory entries the run read.
func (p *Plan) EntriesRead() int { return p.entriesRead }

// Visible returns copies of the actions a person should see: all but
// bookkeeping. To go through a large plan, range over Each instead.
func (p *Plan) Visible() []Action { return p.Select("", "") }

// Changes counts the visible actions.
func (p *Plan) Changes() int { return p.Count("", "") }

// Empty reports whether the plan has nothing at all to apply (bookkeeping
// included): a sync right after a successful one plans nothing.
func (p *Plan) Empty() bool { return len(p.Actions) == 0 }

// Each yields the visible actions on side with operation op, in plan
// order; an empty side or op matches any. It yields pointers into
// p.Actions, not copies (the actions of a 100,000-user import take 22 MB):
// do not modify them.
func (p *Plan) Each(side, op string) iter.Seq[*Action] {
	return func(yield func(*Action) bool) {
		for i := range p.Actions {
			a := &p.Actions[i]
			if a.Hidden || (side != "" && a.Side != side) || (op != "" && a.Op != op) {
				continue
			}
			if !yield(a) {
				return
			}
		}
	}
}

// Count is how many actions Each(side, op) yields.
func (p *Plan) Count(side, op string) int {
	n := 0
	for range p.Each(side, op) {
		n++
	}
	return n
}

// Select returns copies of the actions Each(side, op) yields.
func (p *Plan) Select(side, op string) []Action {
	var out []Action
	for a := range p.Each(side, op) {
		out = append(out, *a)
	}
	return out
}

// Deletes returns how many users and groups the plan deletes (on either side).
func (p *Plan) Deletes() (users, groups int) {
	for i := range p.Actions {
		a := &p.Actions[i]
		if a.Op != OpDelete || a.apply != nil && a.apply.purgeOnly() {
			continue
		}
		if a.Kind == store.KindUser {
			users++
		} else {
			groups++
		}
	}
	return users, groups
}

// Summary counts visible actions by "side op kind" ("ldap create user": 3).
func (p *Plan) Summary() map[string]int {
	type key struct {
		side, op string
		kind     store.Kind
	}
	counts := map[key]int{}
	for i := range p.Actions {
		if a := &p.Actions[i]; !a.Hidden {
			counts[key{a.Side, a.Op, a.Kind}]++
		}
	}
	out := make(map[string]int, len(counts))
	for k, n := range counts {
		out[k.side+" "+k.op+" "+string(k.kind)] = n
	}
	return out
}

// SkipReasons counts skipped entries by reason.
func (p *Plan) SkipReasons() map[string]int {
	out := map[string]int{}
	for _, s := range p.Skipped {
		out[s.Reason]++
	}
	return out
}

// sortSkips orders skips by kind, reason and name, for stable output.
func sortSkips(s []Skip) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Kind != s[j].Kind {
			return s[i].Kind > s[j].Kind // users first
		}
		if s[i].Reason != s[j].Reason {
			return s[i].Reason < s[j].Reason
		}
		if s[i].Name != s[j].Name {
			return s[i].Name < s[j].Name
		}
		return s[i].DN < s[j].DN
	})
}
