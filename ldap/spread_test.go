package ldap

import (
	"context"
	"slices"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
)

func TestAttributeSpreadOverFixture(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConnAs(t, s, s.URL, slapdtest.ReaderDN, slapdtest.ReaderPassword)
	ctx := context.Background()
	users := "(objectClass=inetOrgPerson)"

	// Expected from the fixture itself: cn values shared by several users.
	cnHolders := map[string]int{}
	withoutMail := 0
	for _, u := range s.Fixture.Users {
		cnHolders[strings.ToLower(u.CN)]++
		if u.Mail == "" {
			withoutMail++
		}
	}
	wantRepeats := 0
	for _, u := range s.Fixture.Users {
		if cnHolders[strings.ToLower(u.CN)] > 1 {
			wantRepeats++
		}
	}

	uid, err := c.AttributeSpread(ctx, slapdtest.PeopleDN, users, "userid", 1000) // an alias of uid
	if err != nil {
		t.Fatal(err)
	}
	if uid.Sampled != 300 || uid.Missing != 0 || uid.Repeats != 0 || len(uid.Repeated) != 0 || uid.MultiValued != 0 || uid.Binary {
		t.Errorf("uid: %+v", uid)
	}
	cn, err := c.AttributeSpread(ctx, slapdtest.PeopleDN, users, "cn", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if cn.Repeats != wantRepeats || wantRepeats < 2 || !slices.Contains(cn.Repeated, "user1") || !slices.IsSorted(cn.Repeated) {
		t.Errorf("cn: %+v, want %d entries sharing a value, user1 among them", cn, wantRepeats)
	}
	mail, err := c.AttributeSpread(ctx, slapdtest.PeopleDN, users, "mail", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if mail.Missing != withoutMail || withoutMail == 0 {
		t.Errorf("mail missing on %d, want %d", mail.Missing, withoutMail)
	}
	member, err := c.AttributeSpread(ctx, slapdtest.PeopleDN, users, "memberOf", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if member.MultiValued == 0 || member.Repeats == 0 {
		t.Errorf("memberOf should be multi-valued and shared: %+v", member)
	}
	few, err := c.AttributeSpread(ctx, slapdtest.PeopleDN, users, "uid", 10)
	if err != nil || few.Sampled != 10 {
		t.Errorf("sample of 10: %+v, %v", few, err)
	}
}
