package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"testing"

	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// failingWriter takes n bytes, then fails every write.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("no space left on device")
	}
	w.n -= len(p)
	return len(p), nil
}

// countingWriter counts the writes it is given.
type countingWriter struct {
	strings.Builder
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Builder.Write(p)
}

// A large plan is printed through a buffer (a few writes, not one per
// line), each side's actions under their count; a failed write is
// reported, not lost.
func TestPrintPlanBuffersAndReportsWriteErrors(t *testing.T) {
	p := &syncer.Plan{Mode: wizard.ModeImport}
	for i := range 5000 {
		name := "user" + strings.Repeat("x", i%7)
		p.Actions = append(p.Actions, syncer.Action{Side: syncer.SideStore, Op: syncer.OpCreate, Kind: store.KindUser,
			Name: name, DN: "uid=" + name + ",ou=people,dc=example,dc=com", Reason: "new in the directory"})
	}
	p.Actions = append(p.Actions, syncer.Action{Side: syncer.SideStore, Op: syncer.OpLink, Kind: store.KindUser, Name: "hidden", Hidden: true})
	var w countingWriter
	if err := printPlan(&w, p); err != nil {
		t.Fatal(err)
	}
	out := w.String()
	if !strings.Contains(out, "\nStore: 5000 changes\n") || strings.Count(out, "  create user") != 5000 || strings.Contains(out, "hidden") {
		t.Errorf("preview output (%d bytes) does not list the 5000 creates, or lists the hidden link:\n%.600s", len(out), out)
	}
	if w.writes > len(out)/(32<<10)+2 {
		t.Errorf("%d bytes written in %d writes: not buffered", len(out), w.writes)
	}
	if err := printPlan(&failingWriter{n: 100 << 10}, p); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("a failed write: printPlan returned %v", err)
	}
}

// Each action lists its own values only, though one list is reused from
// one action to the next.
func TestPrintPlanListsEachActionsOwnValues(t *testing.T) {
	p := &syncer.Plan{Mode: wizard.ModeTwoWay, Actions: []syncer.Action{
		{Side: syncer.SideLDAP, Op: syncer.OpCreate, Kind: store.KindUser, Name: "ann", Reason: "new in the store", Diffs: []syncer.AttrDiff{
			{Field: "username", Attr: "uid", New: "ann"}, {Field: "email", Attr: "mail", New: "ann@example.com"}, {Field: "last_name", Attr: "sn", New: "Lee"}}},
		{Side: syncer.SideLDAP, Op: syncer.OpCreate, Kind: store.KindUser, Name: "bob", Reason: "new in the store", Diffs: []syncer.AttrDiff{
			{Field: "username", Attr: "uid", New: "bob"}}},
	}}
	var b strings.Builder
	if err := printPlan(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	_, bob, ok := strings.Cut(out, "bob ")
	if !ok || strings.Count(out, "email (mail)") != 1 || strings.Contains(bob, "ann") || !strings.Contains(bob, `username (uid): "bob"`) {
		t.Errorf("preview output:\n%s", out)
	}
}

// fmtAction is how an action's lines read, in fmt's terms: the reference
// actionPrinter's appends are held to.
func fmtAction(a *syncer.Action) string {
	var w strings.Builder
	name := a.Name
	if a.Member() != "" {
		name = a.Member() + " in " + a.Name
	}
	fmt.Fprintf(&w, "  %-20s %-28s %s\n", a.Op+" "+string(a.Kind), name, a.Reason)
	if a.OldDN() != "" {
		fmt.Fprintf(&w, "      dn: %s -> %s\n", a.OldDN(), a.DN)
	} else if a.DN != "" && a.Member() == "" {
		fmt.Fprintf(&w, "      dn: %s\n", a.DN)
	}
	if len(a.Members()) > 0 {
		fmt.Fprintf(&w, "      members (%d): %s\n", len(a.Members()), strings.Join(a.Members(), ", "))
	}
	for _, d := range a.AttrDiffs() {
		label := d.Field // written out, not AttrDiff.Label: the printer uses that
		if d.Attr != "" {
			label += " (" + d.Attr + ")"
		}
		if a.Op == syncer.OpCreate || a.Op == syncer.OpRestore { // written out, not NewValuesOnly
			fmt.Fprintf(&w, "      %s: %q\n", label, d.New)
		} else {
			fmt.Fprintf(&w, "      %s: %q -> %q\n", label, d.Old, d.New)
		}
	}
	return w.String()
}

// FuzzActionPrinter: an action prints as fmt would print it (padding
// counted in characters, values quoted as %q quotes them), whatever its
// names, values and shape.
func FuzzActionPrinter(f *testing.F) {
	f.Add(syncer.OpCreate, "ann", "", "uid=ann,dc=x", "", "new in the directory", "mail", "ann@example.com", "", "")
	f.Add(syncer.OpUpdate, "Jürgen-Ünlü-Ölçer-Ærø-Łódź", "", "uid=j,dc=x", "uid=old,dc=x", "changed", "", "Jü\x00\xff\"", "tab\there", "")
	f.Add(syncer.OpAddMember, "staff", "bob", "cn=staff,dc=x", "", "", "", "", "", "ann,bob")
	f.Add(syncer.OpRestore, "ann", "", "uid=ann,dc=x", "", "the directory overrules the deletion", "mail", "ann@example.com", "old@example.com", "")
	f.Add(syncer.OpCreate, strings.Repeat("x", 40), "", "", "", "", "sn", "\u2028", "", "a")
	f.Fuzz(func(t *testing.T, op, name, member, dn, oldDN, reason, attr, newV, oldV, members string) {
		detail := syncer.ActionDetail{Member: member, OldDN: oldDN}
		if members != "" {
			detail.Members = strings.Split(members, ",")
		}
		a := new(syncer.Action{Side: syncer.SideStore, Op: op, Kind: store.KindGroup, Name: name, DN: dn, Reason: reason,
			Diffs: []syncer.AttrDiff{{Field: "email", Attr: attr, Old: oldV, New: newV}, {Field: "name", New: oldV + newV}}}.With(detail))
		var out strings.Builder
		w := bufio.NewWriter(&out)
		pr := actionPrinter{w: w}
		pr.print(a)
		pr.print(a) // the second time through the reused buffers
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if want := fmtAction(a); out.String() != want+want {
			t.Fatalf("printed\n%q\nwant twice\n%q", out.String(), want)
		}
	})
}
