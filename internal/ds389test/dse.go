package ds389test

import (
	"fmt"
	"os"
	"strings"
)

// dse is the server's configuration file dse.ldif, unfolded, as a list of
// entries, each a list of "attr: value" lines (the first is the dn line).
// ns-slapd reads unfolded lines as well as folded ones.
type dse struct {
	entries [][]string
}

// readDSE reads and unfolds an LDIF file.
func readDSE(path string) (*dse, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d := &dse{}
	var cur []string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, " ") && len(cur) > 0:
			cur[len(cur)-1] += line[1:]
		case line == "":
			if len(cur) > 0 {
				d.entries = append(d.entries, cur)
				cur = nil
			}
		default:
			cur = append(cur, line)
		}
	}
	if len(cur) > 0 {
		d.entries = append(d.entries, cur)
	}
	return d, nil
}

// write writes the entries back, unfolded.
func (d *dse) write(path string) error {
	var b strings.Builder
	for _, e := range d.entries {
		for _, l := range e {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// replaceAll replaces old by new in every line (paths, when an instance
// is copied to another directory).
func (d *dse) replaceAll(old, new string) {
	for _, e := range d.entries {
		for i := range e {
			e[i] = strings.ReplaceAll(e[i], old, new)
		}
	}
}

// entry returns the index of the entry named dn (compared case-insensitively,
// as written), or -1.
func (d *dse) entry(dn string) int {
	for i, e := range d.entries {
		if strings.EqualFold(e[0], "dn: "+dn) {
			return i
		}
	}
	return -1
}

// set replaces every value of attr in entry dn by values (none: removes the
// attribute). The entry must exist.
func (d *dse) set(dn, attr string, values ...string) error {
	i := d.entry(dn)
	if i < 0 {
		return fmt.Errorf("dse.ldif has no entry %s", dn)
	}
	var kept []string
	for _, l := range d.entries[i] {
		name, _, _ := strings.Cut(l, ":")
		if !strings.EqualFold(name, attr) {
			kept = append(kept, l)
		}
	}
	for _, v := range values {
		kept = append(kept, attr+": "+v)
	}
	d.entries[i] = kept
	return nil
}

// get returns the values of attr in entry dn (plain values only).
func (d *dse) get(dn, attr string) []string {
	i := d.entry(dn)
	if i < 0 {
		return nil
	}
	var out []string
	for _, l := range d.entries[i] {
		name, v, _ := strings.Cut(l, ": ")
		if strings.EqualFold(name, attr) {
			out = append(out, v)
		}
	}
	return out
}

// dseSetting is one attribute of one configuration entry, with its values.
type dseSetting struct {
	dn, attr string
	values   []string
}

// editDSE sets each of settings in the dse.ldif of layout l and writes it
// back.
func editDSE(l layout, settings []dseSetting) error {
	d, err := readDSE(l.dseFile())
	if err != nil {
		return err
	}
	for _, c := range settings {
		if err := d.set(c.dn, c.attr, c.values...); err != nil {
			return err
		}
	}
	return d.write(l.dseFile())
}
