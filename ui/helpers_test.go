package ui

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ldapwiz/config"
	"ldapwiz/wizard"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// driver feeds messages to a Model the way a Program does and runs the
// commands it returns, synchronously, following their answers.
type driver struct {
	t    testing.TB
	m    *Model
	quit bool
}

// newDriver builds a model at w x h and runs its Init.
func newDriver(t testing.TB, opts Options, w, h int) *driver {
	t.Helper()
	if opts.Path == "" {
		opts.Path = filepath.Join(t.TempDir(), "ldapwiz.toml")
	}
	if opts.Settings.Connection.URL == "" && !opts.Exists {
		opts.Settings = wizard.Default()
	}
	d := &driver{t: t, m: New(opts)}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(d.m.Init())
	return d
}

// send delivers a message and runs what it asks for.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// run executes a command and feeds its message back, depth-first. Spinner
// ticks are not followed (they would never end).
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	d.runWith(cmd, d.send)
}

// runWith executes a command and hands its messages to deliver.
func (d *driver) runWith(cmd tea.Cmd, deliver func(tea.Msg)) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(60 * time.Second):
		d.t.Fatalf("a command did not answer within 60s")
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.runWith(c, deliver)
		}
	case tea.QuitMsg:
		d.quit = true
	case spinner.TickMsg:
	default:
		if seq, ok := sequenceCmds(msg); ok {
			for _, c := range seq {
				d.runWith(c, deliver)
			}
			return
		}
		deliver(msg)
	}
}

// sequenceCmds unpacks the message of tea.Sequence (an unexported slice of commands).
func sequenceCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// keys types each key: names like "tab", "enter", "ctrl+s", or plain text
// typed one rune at a time when prefixed with "type:".
func (d *driver) keys(ks ...string) {
	d.t.Helper()
	for _, k := range ks {
		if text, ok := strings.CutPrefix(k, "type:"); ok {
			for _, r := range text {
				d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		d.send(keyMsg(k))
	}
}

// replace focuses the field editing a setting, clears it (ctrl+u) and
// pastes value, as a person pasting would.
func (d *driver) replace(settingKey, value string) {
	d.t.Helper()
	f := d.m.formOf(d.m.Screen())
	if f == nil || !f.focusKey(settingKey, d.m.Settings()) {
		d.t.Fatalf("no field %s on screen %s", settingKey, d.m.Screen())
	}
	d.keys("end", "ctrl+u")
	d.send(tea.PasteMsg{Content: value})
}

// keyMsg builds the key press a terminal would send for a key name.
func keyMsg(name string) tea.KeyPressMsg {
	var mod tea.KeyMod
	for {
		if rest, ok := strings.CutPrefix(name, "ctrl+"); ok {
			mod |= tea.ModCtrl
			name = rest
			continue
		}
		if rest, ok := strings.CutPrefix(name, "shift+"); ok {
			mod |= tea.ModShift
			name = rest
			continue
		}
		break
	}
	codes := map[string]rune{
		"tab": tea.KeyTab, "enter": tea.KeyEnter, "esc": tea.KeyEscape, "space": tea.KeySpace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"backspace": tea.KeyBackspace, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "f1": tea.KeyF1,
		"home": tea.KeyHome, "end": tea.KeyEnd,
	}
	if c, ok := codes[name]; ok {
		k := tea.KeyPressMsg{Code: c, Mod: mod}
		if c == tea.KeySpace && mod == 0 {
			k.Text = " "
		}
		return k
	}
	r := []rune(name)[0]
	if mod != 0 {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: name}
}

// screen returns the frame as plain text.
func (d *driver) screen() string { return ansi.Strip(d.m.Render()) }

// contains fails unless the frame shows every string.
func (d *driver) contains(want ...string) {
	d.t.Helper()
	s := d.screen()
	for _, w := range want {
		if !strings.Contains(s, w) {
			d.t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

// lacks fails if the frame shows any of the strings.
func (d *driver) lacks(bad ...string) {
	d.t.Helper()
	s := d.screen()
	for _, b := range bad {
		if strings.Contains(s, b) {
			d.t.Fatalf("screen shows %q:\n%s", b, s)
		}
	}
}

// golden compares the frame with testdata/NAME.golden (rewritten with -update).
func (d *driver) golden(name string) {
	d.t.Helper()
	got := d.screen()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			d.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		d.t.Fatalf("no golden file %s (run go test ./ui -update): %v", path, err)
	}
	if string(want) != got {
		d.t.Fatalf("view differs from %s (run go test ./ui -update after checking):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// gotoScreen presses ctrl+n / ctrl+p until the screen is on show.
func (d *driver) gotoScreen(sc wizard.Screen) {
	d.t.Helper()
	for range len(flow) * 2 {
		if d.m.Screen() == sc {
			return
		}
		idx := 0
		for i, f := range flow {
			if f == sc {
				idx = i
			}
		}
		if idx > d.m.screen {
			d.keys("ctrl+n")
		} else {
			d.keys("ctrl+p")
		}
	}
	d.t.Fatalf("could not reach screen %s", sc)
}

// decodeForTest reads a saved config back.
func decodeForTest(data []byte, s *wizard.Settings) error {
	return config.DecodeTOML("saved.toml", data, s)
}
