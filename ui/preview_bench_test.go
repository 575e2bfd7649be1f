package ui

import (
	"fmt"
	"runtime"
	"testing"

	"ldapwiz/store"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// BenchmarkPreviewKey is one key on the Preview screen (j, a line down)
// and the frame that shows it, at 80x24, with a plan of 100,000 user
// creates of five values each: the wizard's work between a key and the
// screen answering it.
//
//	go test ./ui -run '^$' -bench '^BenchmarkPreviewKey$' -benchmem
func BenchmarkPreviewKey(b *testing.B) {
	d := previewAnswered(b, benchPlan())
	_ = d.m.Render() // the first frame
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		d.keys("j")
		_ = d.m.Render()
	}
}

// benchPlan is a plan of 100,000 user creates of five values each.
func benchPlan() *syncer.Plan {
	plan := &syncer.Plan{Actions: make([]syncer.Action, 100000)}
	for i := range plan.Actions {
		uid := fmt.Sprintf("user%07d", i)
		plan.Actions[i] = syncer.Action{Side: syncer.SideStore, Op: syncer.OpCreate, Kind: store.KindUser, Name: uid,
			DN: fmt.Sprintf("uid=%s,ou=t%d,ou=d%02d,ou=people,dc=example,dc=com", uid, i%7, i%50), Reason: "new in the directory",
			Diffs: []syncer.AttrDiff{{Field: "username", Attr: "uid", New: uid}, {Field: "email", Attr: "mail", New: uid + "@example.com"},
				{Field: "first_name", Attr: "givenName", New: fmt.Sprint("Given", i)}, {Field: "last_name", Attr: "sn", New: fmt.Sprint("Family", i)},
				{Field: "phone", Attr: "telephoneNumber", New: fmt.Sprintf("+1 555 %07d", i)}}}
	}
	return plan
}

// BenchmarkPlanTabs builds the Preview screen's tabs of a plan of 100,000
// user creates (benchPlan), as a preview's answer does, and reports what
// they hold once built ("held-MB", the live heap they add).
//
//	go test ./ui -run '^$' -bench '^BenchmarkPlanTabs$' -benchmem
func BenchmarkPlanTabs(b *testing.B) {
	plan := benchPlan()
	var tabs []planTab
	var held uint64
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tabs = planTabs(plan)
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(tabs)
		tabs = nil
	}
	b.ReportMetric(float64(held)/1e6, "held-MB")
}

// previewAnswered is the Preview screen at 80x24 once the answer of a
// preview of plan has arrived, before its first frame.
func previewAnswered(b *testing.B, plan *syncer.Plan) *driver {
	d := newDriver(b, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.gotoScreen(wizard.ScreenPreview)
	p := d.m.previewS()
	p.running, p.req.seq = true, 7
	d.send(previewDoneMsg{seq: 7, plan: plan, tabs: planTabs(plan)})
	return d
}

// BenchmarkPreviewFirstFrame is the first frame of the Preview screen once
// a preview of 100,000 user creates has answered: it lays the rows out.
//
//	go test ./ui -run '^$' -bench '^BenchmarkPreviewFirst' -benchmem
func BenchmarkPreviewFirstFrame(b *testing.B) {
	plan := benchPlan()
	for range b.N {
		b.StopTimer()
		d := previewAnswered(b, plan)
		b.StartTimer()
		_ = d.m.Render()
	}
}

// BenchmarkPreviewFirstFilter is the first letter of the first filter
// typed on that screen, and the frame that shows it: it makes the rows'
// search text.
func BenchmarkPreviewFirstFilter(b *testing.B) {
	plan := benchPlan()
	for range b.N {
		b.StopTimer()
		d := previewAnswered(b, plan)
		_ = d.m.Render()
		b.StartTimer()
		d.keys("type:/u")
		_ = d.m.Render()
	}
}
