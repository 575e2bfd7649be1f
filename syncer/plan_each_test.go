package syncer

import (
	"testing"

	"ldapwiz/store"
)

// Each yields the visible actions matching side and op as pointers into
// the plan, in order; Count and Select agree with it; a loop that stops
// early stops it.
func TestPlanEachCountSelect(t *testing.T) {
	p := &Plan{Actions: []Action{
		{Side: SideStore, Op: OpCreate, Kind: store.KindUser, Name: "a"},
		{Side: SideStore, Op: OpLink, Kind: store.KindUser, Name: "a", Hidden: true},
		{Side: SideLDAP, Op: OpCreate, Kind: store.KindUser, Name: "b"},
		{Side: SideStore, Op: OpUpdate, Kind: store.KindUser, Name: "c"},
		{Side: SideStore, Op: OpCreate, Kind: store.KindGroup, Name: "g"},
	}}
	cases := []struct {
		side, op string
		want     []int // indexes into p.Actions
	}{
		{"", "", []int{0, 2, 3, 4}},
		{SideStore, "", []int{0, 3, 4}},
		{SideLDAP, "", []int{2}},
		{"", OpCreate, []int{0, 2, 4}},
		{SideStore, OpCreate, []int{0, 4}},
		{SideLDAP, OpDelete, nil},
	}
	for _, c := range cases {
		var got []int
		for a := range p.Each(c.side, c.op) {
			for i := range p.Actions {
				if a == &p.Actions[i] {
					got = append(got, i)
				}
			}
		}
		if len(got) != len(c.want) {
			t.Fatalf("Each(%q, %q) yields %v, want %v", c.side, c.op, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("Each(%q, %q) yields %v, want %v", c.side, c.op, got, c.want)
			}
		}
		if n := p.Count(c.side, c.op); n != len(c.want) {
			t.Errorf("Count(%q, %q) = %d, want %d", c.side, c.op, n, len(c.want))
		}
		sel := p.Select(c.side, c.op)
		if len(sel) != len(c.want) {
			t.Fatalf("Select(%q, %q) has %d actions, want %d", c.side, c.op, len(sel), len(c.want))
		}
		for i, a := range sel {
			if a.Name != p.Actions[c.want[i]].Name || a.Op != p.Actions[c.want[i]].Op {
				t.Errorf("Select(%q, %q)[%d] = %s %s, want action %d", c.side, c.op, i, a.Op, a.Name, c.want[i])
			}
		}
	}
	if n := p.Changes(); n != 4 {
		t.Errorf("Changes() = %d, want 4", n)
	}
	if n := len(p.Visible()); n != 4 {
		t.Errorf("Visible() has %d actions, want 4", n)
	}
	seen := 0
	for range p.Each("", "") {
		seen++
		break
	}
	if seen != 1 {
		t.Errorf("a loop that breaks at once saw %d actions", seen)
	}
}

// Creates and restores show their values as new only; every other change
// shows old -> new. The text preview, the wizard table and explain all
// follow NewValuesOnly.
func TestNewValuesOnly(t *testing.T) {
	for op, want := range map[string]bool{OpCreate: true, OpRestore: true, OpUpdate: false, OpRename: false, OpDelete: false, OpAddMember: false} {
		a := Action{Op: op}
		if got := a.NewValuesOnly(); got != want {
			t.Errorf("%s: NewValuesOnly = %v, want %v", op, got, want)
		}
	}
}
