package ui

import (
	"runtime"
	"runtime/metrics"
	"testing"

	"ldapwiz/store"
	"ldapwiz/syncer"
)

// readAndDrop leaves 256 MiB of free heap pages that the runtime keeps, as
// a preview's or a run's read leaves them once it has planned.
func readAndDrop() {
	var read [][]byte
	for range 256 {
		read = append(read, make([]byte, 1<<20))
	}
	runtime.KeepAlive(read)
	read = nil
	runtime.GC()
}

// keptFreePages is how much free heap the runtime keeps rather than
// having given it back to the system.
func keptFreePages() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Once a preview's or a sync run's answer arrives, the screen gives back
// the memory its read held (giveBackMemory, a command off the update
// loop), and keeps the plan or report.
func TestScreensGiveTheirReadBack(t *testing.T) {
	d, p, plan := previewRunning(t)
	readAndDrop()
	d.send(previewDoneMsg{seq: 7, plan: plan, tabs: planTabs(plan)})
	if kept := keptFreePages(); kept > keptBound {
		t.Errorf("after the preview's answer the heap keeps %d MiB of free pages, want them given back", kept>>20)
	}
	if p.plan != plan {
		t.Fatal("the preview's plan was not kept")
	}

	r := d.m.runS()
	r.stage, r.req.seq = runRunning, 9
	rep := &syncer.Report{Outcome: store.OutcomeSuccess, Plan: plan}
	readAndDrop()
	d.send(runDoneMsg{seq: 9, rep: rep})
	if kept := keptFreePages(); kept > keptBound {
		t.Errorf("after the run's answer the heap keeps %d MiB of free pages, want them given back", kept>>20)
	}
	if r.rep != rep {
		t.Fatal("the run's report was not kept")
	}
}

// keptBound is how much free heap a test lets the runtime keep once the
// memory was to be given back: an eighth of the 256 MiB readAndDrop
// leaves, since other goroutines may free some meanwhile.
const keptBound = 32 << 20
