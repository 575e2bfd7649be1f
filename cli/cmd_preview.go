package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// runPreview implements "ldapwiz preview [-c FILE] [--json [--indent]]":
// what a sync would change, changing nothing. The JSON is compact (a first
// import's plan runs to tens of megabytes) unless indent. heapPoint, when
// not nil, is syncer.Options.HeapPoint (--memprofile). Exit codes: 0 the
// plan was printed, 1 the directory or store could not be read, 2 bad usage
// or config.
func runPreview(env *cliEnv, path string, asJSON, indent bool, heapPoint func()) int {
	s, _, err := loadValidSettings(path, wizard.ValidateOptions{Getenv: env.getenv})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz preview: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	db, closeDB, err := syncer.OpenStore(ctx, s, true)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz preview: %v\n", err)
		return 1
	}
	defer closeDB()
	gc := newPhaseGC(env)
	plan, err := syncer.Preview(ctx, s, db, syncer.Options{Getenv: env.getenv, Progress: gc.progress(nil), HeapPoint: heapPoint})
	gc.done()
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz preview: %v\n", err)
		return 1
	}
	var guard *syncer.GuardError
	if gerr := syncer.CheckGuards(s, plan, false); gerr != nil && !errors.As(gerr, &guard) {
		fmt.Fprintf(env.stderr, "ldapwiz preview: %v\n", gerr)
		return 1
	}
	if asJSON {
		w := bufio.NewWriterSize(env.stdout, 64<<10)
		out := struct {
			Plan        *syncer.Plan `json:"plan"`
			WouldRefuse string       `json:"would_refuse,omitempty"` // the guard's reason
		}{Plan: plan}
		if guard != nil {
			out.WouldRefuse = guard.Reason
		}
		var err error
		if indent {
			err = syncer.EncodeJSONIndented(w, out, plan)
		} else {
			err = syncer.EncodeJSON(w, out, plan) // action by action: a plan can be large
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz preview: %v\n", err)
			return 1
		}
		return 0
	}
	if err := printPlan(env.stdout, plan); err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz preview: %v\n", err)
		return 1
	}
	if guard != nil {
		fmt.Fprintf(env.stdout, "\n%s\n", guard.Preview())
	}
	return 0
}

// printPlan writes a plan for a person: changes on each side, skipped
// entries with reasons, conflicts with their winner. It writes through a
// buffer: a large plan is hundreds of thousands of lines.
func printPlan(out io.Writer, p *syncer.Plan) error {
	w := bufio.NewWriterSize(out, 64<<10)
	mode := p.Mode + " sync"
	if p.Mode == wizard.ModeTwoWay {
		mode += ", authority " + p.Authority
	}
	fmt.Fprintf(w, "Plan: %s\n", mode)
	if p.Server != "" {
		fmt.Fprintf(w, "Directory server: %s\n", p.Server)
	}
	if p.Read != nil {
		fmt.Fprintf(w, "Directory read: %s\n", p.Read.Line())
	}
	fmt.Fprintf(w, "Read: %d users and %d groups in the directory; %d users and %d groups in the store (%d users, %d groups linked)\n",
		p.DirectoryUsers, p.DirectoryGroups, p.StoreUsers, p.StoreGroups, p.LinkedUsers, p.LinkedGroups)
	fmt.Fprintf(w, "Disabled accounts (users.account_state): %s\n", p.AccountState.Name())
	pr := actionPrinter{w: w}
	for _, side := range []struct{ side, title string }{{syncer.SideLDAP, "Directory"}, {syncer.SideStore, "Store"}} {
		n := p.Count(side.side, "")
		if n == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: %d changes\n", side.title, n)
		for a := range p.Each(side.side, "") {
			pr.print(a)
		}
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintf(w, "\nSkipped: %d\n", len(p.Skipped))
		for _, s := range p.Skipped {
			name := s.Name
			if name == "" {
				name = "-"
			}
			fmt.Fprintf(w, "  %-5s %-24s %s: %s\n", s.Kind, name, s.Reason, s.Detail)
			if s.DN != "" {
				fmt.Fprintf(w, "        %s\n", s.DN)
			}
		}
	}
	if len(p.Referrals) > 0 {
		fmt.Fprintf(w, "\nReferrals skipped (not followed, so not synchronized): %d\n", len(p.Referrals))
		for _, r := range p.Referrals {
			fmt.Fprintf(w, "  %s (searching %s, %s)\n", r.URL, r.Base, r.Setting)
		}
	}
	if len(p.Conflicts) > 0 {
		fmt.Fprintf(w, "\nConflicts: %d\n", len(p.Conflicts))
		for _, c := range p.Conflicts {
			winner := "the directory's value is kept"
			if c.Winner == syncer.SideStore {
				winner = "the store's value is kept"
			}
			fmt.Fprintf(w, "  %-5s %-24s %s: store %q, directory %q: %s\n", c.Kind, c.Name, c.Field, c.StoreValue, c.LDAPValue, winner)
		}
	}
	if p.Changes() == 0 {
		fmt.Fprintln(w, "\nNothing to change: both sides are in sync.")
		return w.Flush()
	}
	fmt.Fprintf(w, "\nTotal: %s\n", summaryLine(p.Summary()))
	if n := p.MembershipChanges(""); n > 0 {
		fmt.Fprintf(w, "Memberships added or removed: %d (those of new groups included)\n", n)
	}
	return w.Flush()
}

// actionPrinter writes planned changes, each with its per-attribute diff,
// appended straight into the writer's buffer (bufio.Writer.AvailableBuffer):
// a preview of 100,000 creates is about 700,000 lines, and formatting them
// one by one with fmt took a fifth of its CPU. The list of values is
// reused from one action to the next.
type actionPrinter struct {
	w     *bufio.Writer
	diffs []syncer.AttrDiff
}

// print writes one planned change. A write error is not lost: the
// bufio.Writer keeps it, and printPlan's Flush returns it.
func (pr *actionPrinter) print(a *syncer.Action) {
	b := append(pr.w.AvailableBuffer(), "  "...)
	b = appendPadded(b, 20, a.Op, " ", string(a.Kind))
	b = append(b, ' ')
	if a.Member() != "" {
		b = appendPadded(b, 28, a.Member(), " in ", a.Name)
	} else {
		b = appendPadded(b, 28, a.Name)
	}
	b = append(b, ' ')
	b = append(b, a.Reason...)
	b = append(b, '\n')
	if a.OldDN() != "" {
		b = append(b, "      dn: "...)
		b = append(b, a.OldDN()...)
		b = append(b, " -> "...)
		b = append(b, a.DN...)
		b = append(b, '\n')
	} else if a.DN != "" && a.Member() == "" {
		b = append(b, "      dn: "...)
		b = append(b, a.DN...)
		b = append(b, '\n')
	}
	if members := a.Members(); len(members) > 0 {
		b = append(b, "      members ("...)
		b = strconv.AppendInt(b, int64(len(members)), 10)
		b = append(b, "): "...)
		for i, m := range members {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, m...)
		}
		b = append(b, '\n')
	}
	pr.diffs = a.AppendAttrDiffs(pr.diffs[:0])
	for _, d := range pr.diffs {
		b = append(b, "      "...)
		b = d.AppendLabel(b)
		b = append(b, ": "...)
		if !a.NewValuesOnly() {
			b = strconv.AppendQuote(b, d.Old)
			b = append(b, " -> "...)
		}
		b = strconv.AppendQuote(b, d.New)
		b = append(b, '\n')
	}
	_, _ = pr.w.Write(b)
}

// appendPadded appends the parts, then spaces up to width characters, as
// fmt's %-*s pads a string (counting runes).
func appendPadded(b []byte, width int, parts ...string) []byte {
	n := 0
	for _, s := range parts {
		b = append(b, s...)
		n += utf8.RuneCountInString(s)
	}
	for ; n < width; n++ {
		b = append(b, ' ')
	}
	return b
}

// summaryLine renders counts like "ldap create: 2, store update: 5".
func summaryLine(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
