package syncer

import (
	"encoding/json"

	"ldapwiz/store"
)

// ActionDetail is what only some actions have: a rename's old DN, a
// membership's member, a group create's members, and a failure. An action
// holds it behind a pointer, nil when it has none of it: a first import of
// 100,000 users plans 100,000 creates that have none, and an Action with
// these fields inline was 88 bytes larger (9 MB of a preview's 75).
type ActionDetail struct {
	OldDN  string // renames and moves
	Member string // membership actions: the username
	// Members are, on a group create or restore, the usernames the new
	// group gets as members at once: memberships added by this action.
	Members []string
	Error   string // set in a report when applying the action failed
	// ResultCode is the LDAP result code of a directory write that failed
	// (SideLDAP), 0 otherwise.
	ResultCode int
}

// empty reports whether d holds nothing.
func (d *ActionDetail) empty() bool {
	return d.OldDN == "" && d.Member == "" && d.Members == nil && d.Error == "" && d.ResultCode == 0
}

// With returns a copy of a whose detail is d (none when d is empty).
func (a Action) With(d ActionDetail) Action {
	a.detail = nil
	if !d.empty() {
		a.detail = &d
	}
	return a
}

// Detail returns the action's detail, its Members included; the zero
// ActionDetail when it has none.
func (a *Action) Detail() ActionDetail {
	var d ActionDetail
	if a.detail != nil {
		d = *a.detail
	}
	if d.Members == nil {
		d.Members = a.plannedMembers()
	}
	return d
}

// OldDN is a rename's or move's DN before it, "" on other actions.
func (a *Action) OldDN() string {
	if a.detail == nil {
		return ""
	}
	return a.detail.OldDN
}

// Member is a membership action's username, "" on other actions.
func (a *Action) Member() string {
	if a.detail == nil {
		return ""
	}
	return a.detail.Member
}

// Members are, on a group create or restore, the usernames the new group
// gets as members at once: memberships added by this action; nil on other
// actions. A planned action lists them anew at each call, from the plan
// (a first import's group of 20,000 members would otherwise hold a second
// list of them for as long as the plan): call it once per use.
func (a *Action) Members() []string {
	if m := a.heldMembers(); m != nil {
		return m
	}
	return a.plannedMembers()
}

// heldMembers is the members list the action holds (a report's, or one
// set with With): Members but for those a planned group create lists from
// its plan.
func (a *Action) heldMembers() []string {
	if a.detail == nil {
		return nil
	}
	return a.detail.Members
}

// ErrorText is why applying the action failed, in a report; "" otherwise.
func (a *Action) ErrorText() string {
	if a.detail == nil {
		return ""
	}
	return a.detail.Error
}

// ResultCode is the LDAP result code of a directory write that failed
// (SideLDAP), 0 otherwise.
func (a *Action) ResultCode() int {
	if a.detail == nil {
		return 0
	}
	return a.detail.ResultCode
}

// editDetail changes the action's detail with edit. It edits a copy, so
// that a copy of the action made before keeps its own detail.
func (a *Action) editDetail(edit func(d *ActionDetail)) {
	d := a.Detail()
	edit(&d)
	*a = a.With(d)
}

// actionFields is an action as JSON lists it: every field of Action and of
// its ActionDetail, in the order encoding/json wrote them when they were
// all Action's own. appendActionJSON writes this, and UnmarshalJSON reads
// it (TestActionJSONMatchesEncodingJSON holds the two to each other and to
// Action's fields).
type actionFields struct {
	Side       string     `json:"side"`
	Op         string     `json:"op"`
	Kind       store.Kind `json:"kind"`
	Name       string     `json:"name"`
	DN         string     `json:"dn,omitempty"`
	OldDN      string     `json:"old_dn,omitempty"`
	Member     string     `json:"member,omitempty"`
	Diffs      []AttrDiff `json:"diffs,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	Hidden     bool       `json:"hidden,omitempty"`
	Error      string     `json:"error,omitempty"`
	Failed     bool       `json:"failed,omitempty"`
	ResultCode int        `json:"result_code,omitempty"`
	Done       bool       `json:"applied,omitempty"`
	Members    []string   `json:"members,omitempty"`
}

// fields returns a's fields as JSON lists them, diffs as its diffs.
func (a *Action) fields(diffs []AttrDiff) actionFields {
	d := a.Detail()
	return actionFields{Side: a.Side, Op: a.Op, Kind: a.Kind, Name: a.Name, DN: a.DN, OldDN: d.OldDN, Member: d.Member,
		Diffs: diffs, Reason: a.Reason, Hidden: a.Hidden, Error: d.Error, Failed: a.Failed, ResultCode: d.ResultCode,
		Done: a.Done, Members: d.Members}
}

// action returns the action f lists.
func (f *actionFields) action() Action {
	return Action{Side: f.Side, Op: f.Op, Kind: f.Kind, Name: f.Name, DN: f.DN, Diffs: f.Diffs, Reason: f.Reason,
		Hidden: f.Hidden, Failed: f.Failed, Done: f.Done}.With(ActionDetail{OldDN: f.OldDN, Member: f.Member,
		Members: f.Members, Error: f.Error, ResultCode: f.ResultCode})
}

// UnmarshalJSON reads an action as MarshalJSON writes it (a report or a
// preview decoded again).
func (a *Action) UnmarshalJSON(b []byte) error {
	var f actionFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*a = f.action()
	return nil
}
