package syncer

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"time"

	"ldapwiz/store"
)

// TestReportWriteJSONIsTheEncodersText: WriteJSON, which streams the plan's
// actions through an indenting writer, writes byte for byte what
// json.Encoder with a two-space indent writes, with and without a plan and
// actions, strings full of JSON punctuation included.
func TestReportWriteJSONIsTheEncodersText(t *testing.T) {
	tricky := "a \"quoted\" {b}, [c]: d\\ <e> & é\n\t"
	plan := &Plan{Mode: "two-way", Authority: "ldap", Server: "ldap://x", Skipped: []Skip{{Kind: store.KindUser, Name: tricky, Reason: "r"}}}
	for i := 0; i < 3; i++ {
		plan.Actions = append(plan.Actions, Action{Side: SideStore, Op: OpCreate, Kind: store.KindUser, Name: tricky, DN: "uid=x,dc=y",
			Diffs:  []AttrDiff{{Field: FieldEmail, Attr: "mail", New: tricky}, {Field: FieldPhone, Attr: "telephoneNumber", Old: "1", New: "2"}},
			Reason: "new", Done: i%2 == 0}.With(ActionDetail{Members: []string{}}))
	}
	started := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for name, rep := range map[string]*Report{
		"actions":     {RunID: 7, Mode: "two-way", Authority: "ldap", StartedAt: started, Outcome: "success", Error: `"actions":[] ` + tricky, Plan: plan},
		"no actions":  {Mode: "import", StartedAt: started, Outcome: "refused", Plan: &Plan{Mode: "import", Actions: []Action{}}},
		"nil actions": {Mode: "import", Outcome: "refused", Plan: &Plan{Mode: "import"}},
		"no plan":     {Mode: "import", Outcome: "failed", Error: "no directory"},
	} {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(&got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: WriteJSON wrote\n%s\nwant\n%s", name, got.String(), want.String())
		}
	}
}

// FuzzIndentWriter: any JSON value written through an indentWriter, in
// pieces, comes out as json.Indent indents it.
func FuzzIndentWriter(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,2,{"b":"c,d:[e]"}],"f":{}}`, ` [ {"x" : "\"y\\"} , [ ] ] ` + "\n", `"s"`, `12 `} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, src string, cut uint8) {
		if !json.Valid([]byte(src)) {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(src), "", "  "); err != nil {
			return
		}
		var got bytes.Buffer
		err := writeIndented(&got, func(w io.Writer) error {
			step := int(cut%16) + 1
			for i := 0; i < len(src); i += step {
				if _, err := w.Write([]byte(src[i:min(i+step, len(src))])); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || got.String() != want.String() {
			t.Fatalf("indented %q as %q (%v), want %q", src, got.String(), err, want.String())
		}
	})
}
