package ldap

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/slapdtest"
)

func TestParseRange(t *testing.T) {
	cases := []struct {
		in   string
		want valueRange
		ok   bool
	}{
		{"member;range=0-1499", valueRange{Base: "member", Low: 0, High: 1499}, true},
		{"member;Range=1500-*", valueRange{Base: "member", Low: 1500, Last: true}, true},
		{"member;range=0-*", valueRange{Base: "member", Last: true}, true},
		{"userCertificate;binary;range=10-19", valueRange{Base: "userCertificate;binary", Low: 10, High: 19}, true},
		{"member;range=3000-2999", valueRange{Base: "member", Low: 3000, High: 2999}, true}, // empty chunk
		{"member", valueRange{}, false},
		{"member;binary", valueRange{}, false},
		{"member;range=", valueRange{}, false},
		{"member;range=a-b", valueRange{}, false},
		{"member;range=5", valueRange{}, false},
		{"member;range=-1-5", valueRange{}, false},
		{"member;range=10-3", valueRange{}, false},
	}
	for _, tc := range cases {
		got, ok := parseRange(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseRange(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// adRanges serves a base search for "attr;range=lo-*" the way Active
// Directory does (MaxValRange values per answer), from the full values.
func adRanges(all [][]byte, maxValRange int, calls *int) rangeFetcher {
	return func(ctx context.Context, dn, request string) (string, [][]byte, error) {
		*calls++
		r, ok := parseRange(request)
		if !ok || !r.Last {
			return "", nil, fmt.Errorf("unexpected request %q", request)
		}
		if r.Low >= len(all) {
			return fmt.Sprintf("%s;range=%d-*", r.Base, r.Low), nil, nil
		}
		end := r.Low + maxValRange
		if end >= len(all) {
			return fmt.Sprintf("%s;range=%d-*", r.Base, r.Low), all[r.Low:], nil
		}
		return fmt.Sprintf("%s;range=%d-%d", r.Base, r.Low, end-1), all[r.Low:end], nil
	}
}

func rangedEntry(dn string, all [][]byte, first int) *goldap.Entry {
	return &goldap.Entry{DN: dn, Attributes: []*goldap.EntryAttribute{
		{Name: "cn", Values: []string{"archive-all"}, ByteValues: [][]byte{[]byte("archive-all")}},
		{Name: fmt.Sprintf("member;range=0-%d", first-1), ByteValues: all[:first]},
	}}
}

// TestRangedReassemblyWithRealValues reads the 2,000 real member values of
// the big fixture group from slapd, then replays them in Active Directory's
// ranged form (OpenLDAP never sends ranges itself) and checks reassembly.
func TestRangedReassemblyWithRealValues(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConn(t, s)
	ctx := context.Background()
	e, err := c.Entry(ctx, slapdtest.BigGroupDN)
	if err != nil {
		t.Fatal(err)
	}
	all := e.Raw("member")
	if len(all) != slapdtest.BigGroupSize {
		t.Fatalf("want %d members, got %d", slapdtest.BigGroupSize, len(all))
	}
	for _, maxVal := range []int{1500, 1000, 7, 2000} {
		calls := 0
		ge := rangedEntry(e.DN, all, min(maxVal, len(all)))
		if maxVal >= len(all) {
			ge.Attributes[1].Name = "member;range=0-*"
		}
		got := fromGoldap(ge)
		if err := reassembleRanges(ctx, got, adRanges(all, maxVal, &calls)); err != nil {
			t.Fatalf("MaxValRange %d: %v", maxVal, err)
		}
		if len(got.Attributes) != 2 || got.Attributes[1].Name != "member" {
			t.Fatalf("MaxValRange %d: attributes %v", maxVal, got.Attributes)
		}
		members := got.Get("MEMBER")
		if len(members) != len(all) {
			t.Fatalf("MaxValRange %d: %d members reassembled, want %d", maxVal, len(members), len(all))
		}
		for i := range all {
			if members[i] != string(all[i]) {
				t.Fatalf("MaxValRange %d: value %d differs", maxVal, i)
			}
		}
		wantCalls := (len(all)+maxVal-1)/maxVal - 1 // one request per chunk after the first
		if maxVal >= len(all) {
			wantCalls = 0
		}
		if calls != wantCalls {
			t.Errorf("MaxValRange %d: %d follow-up requests, want %d", maxVal, calls, wantCalls)
		}
	}
	// The real fetcher against OpenLDAP: it does not know range options and
	// returns no such attribute, which ends the reassembly with what we have.
	ranged := fromGoldap(rangedEntry(e.DN, all, 1500))
	if err := c.completeRanges(ctx, ranged); err != nil {
		t.Fatal(err)
	}
	if n := len(ranged.Attributes[1].Raw()); n != 1500 || ranged.Attributes[1].Name != "member" {
		t.Errorf("OpenLDAP fetch: %s with %d values", ranged.Attributes[1].Name, n)
	}
}

func TestRangedReassemblyEdgeCases(t *testing.T) {
	ctx := context.Background()
	v := func(n int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = []byte(fmt.Sprint("v", i))
		}
		return out
	}
	// A server answering from the wrong offset is an error, not a silent gap.
	ge := fromGoldap(&goldap.Entry{DN: "cn=g", Attributes: []*goldap.EntryAttribute{{Name: "member;range=0-9", ByteValues: v(10)}}})
	err := reassembleRanges(ctx, ge, func(context.Context, string, string) (string, [][]byte, error) {
		return "member;range=20-*", v(3), nil
	})
	if err == nil || !strings.Contains(err.Error(), "changed while it was read") {
		t.Errorf("wrong offset: %v", err)
	}
	// A fetch error names the attribute and the entry.
	ge = fromGoldap(&goldap.Entry{DN: "cn=g", Attributes: []*goldap.EntryAttribute{{Name: "member;range=0-9", ByteValues: v(10)}}})
	boom := errors.New("boom")
	err = reassembleRanges(ctx, ge, func(context.Context, string, string) (string, [][]byte, error) { return "", nil, boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "member of cn=g") {
		t.Errorf("fetch error: %v", err)
	}
	// The remainder sent without a range option is taken as the rest.
	ge = fromGoldap(&goldap.Entry{DN: "cn=g", Attributes: []*goldap.EntryAttribute{{Name: "member;range=0-9", ByteValues: v(10)}}})
	err = reassembleRanges(ctx, ge, func(context.Context, string, string) (string, [][]byte, error) { return "member", v(4), nil })
	if err != nil || len(ge.Attributes) != 1 || len(ge.Attributes[0].Values) != 14 {
		t.Errorf("plain remainder: %v %+v", err, ge.Attributes)
	}
	// No ranged attribute: untouched, no request.
	ge = fromGoldap(&goldap.Entry{DN: "cn=g", Attributes: []*goldap.EntryAttribute{{Name: "member", ByteValues: v(3), Values: []string{"v0", "v1", "v2"}}}})
	err = reassembleRanges(ctx, ge, func(context.Context, string, string) (string, [][]byte, error) {
		t.Error("fetched without a range")
		return "", nil, nil
	})
	if err != nil || ge.Attributes[0].Name != "member" {
		t.Errorf("no range: %v", err)
	}
}
