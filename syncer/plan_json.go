package syncer

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// actionsMarker is how a plan without actions encodes its actions field.
// No field before it holds that text unescaped: the plan's mode,
// authority and server come first, and a quote inside a string is escaped.
var actionsMarker = []byte(`"actions":[]`)

// EncodeJSON writes v, a value that holds plan (a struct with a *Plan
// field), exactly as json.Encoder.Encode writes it without indentation,
// but one action at a time, each with its AttrDiffs as its diffs: the
// text of a plan with 100,000 actions is never built whole in memory. v
// must hold plan once, before any other field that could encode as an
// empty actions list. A nil plan, or one without actions, is encoded as
// json.Encoder does.
func EncodeJSON(w io.Writer, v any, plan *Plan) error {
	if plan == nil || plan.Actions == nil {
		return json.NewEncoder(w).Encode(v)
	}
	actions := plan.Actions
	plan.Actions = []Action{}
	head, err := json.Marshal(v)
	plan.Actions = actions
	if err != nil {
		return err
	}
	i := bytes.Index(head, actionsMarker)
	if i < 0 {
		return errors.New("encode the plan: no actions field in its encoding")
	}
	split := i + len(actionsMarker) - 1 // just before the closing bracket
	if _, err := w.Write(head[:split]); err != nil {
		return err
	}
	var buf []byte
	var diffs []AttrDiff // reused: listing a create's values allocates nothing
	for k := range actions {
		buf = buf[:0]
		if k > 0 {
			buf = append(buf, ',')
		}
		a := &actions[k]
		diffs = a.AppendAttrDiffs(diffs[:0])
		buf = appendActionJSON(buf, a, diffs)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	if _, err := w.Write(head[split:]); err != nil {
		return err
	}
	_, err = w.Write([]byte{'\n'})
	return err
}

// EncodeJSONIndented is EncodeJSON indented as json.Encoder writes it with
// SetIndent("", "  ").
func EncodeJSONIndented(w io.Writer, v any, plan *Plan) error {
	return writeIndented(w, func(w io.Writer) error { return EncodeJSON(w, v, plan) })
}
