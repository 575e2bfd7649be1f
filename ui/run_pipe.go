package ui

import (
	"context"
	"ldapwiz/syncer"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// run_pipe.go: how the sync engine's progress reaches the update loop. The
// engine calls its Progress callback on its own goroutine; the callback puts
// the event on a channel, and a command that re-issues itself reads it
// (components have no *tea.Program to Send to). Events coalesce: a read
// takes every event waiting and delivers the newest, so a fast engine never
// floods the loop, and a slow loop slows the engine down only as far as the
// buffer is full (never past a cancel).

// pipeItem is what the engine's goroutine sends: an event, or the final
// message (the preview's plan, the run's report) just before it closes.
type pipeItem struct {
	ev  *syncer.Event
	end tea.Msg
}

// pipeOwner says whose progress a message carries.
type pipeOwner int

const (
	ownerPreview pipeOwner = iota + 1
	ownerRun
)

// progressMsg delivers the newest event of request seq, with the channel to
// read the next from.
type progressMsg struct {
	owner pipeOwner
	seq   int
	ev    syncer.Event
	ch    <-chan pipeItem
}

// pipeBuffer is how many events may wait before the engine waits for the UI.
const pipeBuffer = 64

// sendEvent is the engine's Progress callback body: it waits for room in
// the buffer, unless the run is cancelled.
func sendEvent(ctx context.Context, ch chan<- pipeItem, ev syncer.Event) {
	select {
	case ch <- pipeItem{ev: &ev}:
	case <-ctx.Done():
	}
}

// readPipe waits for the next item: every event waiting is read and the
// newest delivered; the end message is delivered as is.
func readPipe(owner pipeOwner, seq int, ch <-chan pipeItem) tea.Cmd {
	return func() tea.Msg {
		it, ok := <-ch
		if !ok {
			return nil
		}
		if it.end != nil {
			return it.end
		}
		last := *it.ev
		for {
			select {
			case it, ok := <-ch:
				if !ok {
					return progressMsg{owner: owner, seq: seq, ev: last, ch: ch}
				}
				if it.end != nil {
					return it.end
				}
				last = *it.ev
			default:
				return progressMsg{owner: owner, seq: seq, ev: last, ch: ch}
			}
		}
	}
}

// drainPipe reads a channel to its end, dropping everything: the engine of
// an older (cancelled) request finishes instead of waiting on its sends.
func drainPipe(ch <-chan pipeItem) tea.Cmd {
	return func() tea.Msg {
		for range ch {
		}
		return nil
	}
}

// onProgress records an event for its owner and reads the next one; events
// of an older request are dropped and its channel drained.
func (m *Model) onProgress(msg progressMsg) tea.Cmd {
	switch msg.owner {
	case ownerPreview:
		if msg.seq != m.preview.seq || !m.preview.running {
			return drainPipe(msg.ch)
		}
		m.preview.ev = msg.ev
	case ownerRun:
		if msg.seq != m.run.seq || m.run.stage != runRunning {
			return drainPipe(msg.ch)
		}
		m.run.ev = msg.ev
		m.run.phases[msg.ev.Phase] = true
	}
	return readPipe(msg.owner, msg.seq, msg.ch)
}

// onSpinTick advances whichever spinner the tick belongs to: the
// connection test's, the preview's, the run's or the test e-mail's.
func (m *Model) onSpinTick(msg spinner.TickMsg) tea.Cmd {
	var cmds []tea.Cmd
	var cmd tea.Cmd
	if m.test.running {
		m.test.spin, cmd = m.test.spin.Update(msg)
		cmds = append(cmds, cmd)
	}
	if m.preview.running {
		m.preview.spin, cmd = m.preview.spin.Update(msg)
		cmds = append(cmds, cmd)
	}
	if m.run.stage == runRunning {
		m.run.spin, cmd = m.run.spin.Update(msg)
		cmds = append(cmds, cmd)
	}
	if m.mail.sending {
		m.mail.spin, cmd = m.mail.spin.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}
