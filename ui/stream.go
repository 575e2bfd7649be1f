package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// stream.go: the one way work running on its own goroutine reports as it
// goes (the connection test's steps, the preview's and the run's progress).
// The worker emits events onto a buffered channel and returns its final
// message; a command that re-issues itself reads the channel. A read takes
// every event waiting when the stream coalesces (progress: only the newest
// counts), so a fast worker never floods the update loop; otherwise each
// event is its own message (the test's steps appear one by one). A slow
// loop slows the worker only while the buffer is full. No send can
// block forever: an event is dropped once the request is cancelled, and
// the final message once the session has ended.

// streamBuffer is how many events may wait before the worker waits.
const streamBuffer = 64

// streamOwner says whose events a stream carries.
type streamOwner int

// The streams of the wizard.
const (
	ownerTest streamOwner = iota + 1
	ownerPreview
	ownerRun
)

// streamItem is an event, or the worker's final message.
type streamItem struct {
	ev  any
	end tea.Msg
}

// streamMsg delivers the events waiting on a stream, oldest first, to the
// owner of request seq; next reads on.
type streamMsg struct {
	owner    streamOwner
	seq      int
	coalesce bool
	evs      []any
	ch       <-chan streamItem
}

// startStream runs work on its own goroutine. emit hands it an event
// (waiting for room unless ctx is cancelled); what work returns is
// delivered after every event, unless the session ended first. coalesce
// delivers the events waiting together.
func startStream(session, ctx context.Context, owner streamOwner, seq int, coalesce bool, work func(emit func(any)) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan streamItem, streamBuffer)
		go func() {
			defer close(ch)
			end := work(func(ev any) {
				select {
				case ch <- streamItem{ev: ev}:
				case <-ctx.Done():
				}
			})
			select {
			case ch <- streamItem{end: end}:
			case <-session.Done():
			}
		}()
		return readStream(streamMsg{owner: owner, seq: seq, coalesce: coalesce, ch: ch})()
	}
}

// readStream waits for the next item of the stream at: the event (or the
// events waiting, when it coalesces), or the final message as is.
func readStream(at streamMsg) tea.Cmd {
	ch := at.ch
	return func() tea.Msg {
		it, ok := <-ch
		if !ok {
			return nil
		}
		if it.end != nil {
			return it.end
		}
		msg := at
		msg.evs = []any{it.ev}
		for msg.coalesce {
			select {
			case it, ok := <-ch:
				switch {
				case !ok:
					return msg
				case it.end != nil:
					return it.end // the final message sums up the events before it
				}
				msg.evs = append(msg.evs, it.ev)
			default:
				return msg
			}
		}
		return msg
	}
}

// next reads on.
func (msg streamMsg) next() tea.Cmd { return readStream(msg) }

// drain reads a stale stream to its end, dropping everything, so that its
// worker finishes instead of waiting for room.
func (msg streamMsg) drain() tea.Cmd {
	return func() tea.Msg {
		for range msg.ch {
		}
		return nil
	}
}
