package ldap

import (
	"context"
	"testing"

	"ldapwiz/internal/slapdtest"
)

func TestAttributeStatsOverFixture(t *testing.T) {
	s := slapdtest.Start(t)
	c := dataConnAs(t, s, s.URL, slapdtest.ReaderDN, slapdtest.ReaderPassword)
	st, err := c.AttributeStats(context.Background(), slapdtest.PeopleDN, "(objectClass=inetOrgPerson)", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sampled != 300 {
		t.Fatalf("sampled %d, want 300 (paged past the reader's size limit)", st.Sampled)
	}
	for i := 1; i < len(st.Attributes); i++ {
		if st.Attributes[i-1].Count < st.Attributes[i].Count {
			t.Errorf("not sorted by count: %s %d before %s %d", st.Attributes[i-1].Name, st.Attributes[i-1].Count,
				st.Attributes[i].Name, st.Attributes[i].Count)
		}
	}
	uid := st.Find("UID")
	if uid == nil || uid.Count != 300 || !uid.Unique || uid.MultiValued || len(uid.Examples) != 3 {
		t.Errorf("uid: %+v", uid)
	}
	mail := st.Find("mail")
	withMail := 0
	for _, u := range s.Fixture.Users {
		if u.Mail != "" {
			withMail++
		}
	}
	if mail == nil || mail.Count != withMail || mail.Count == 300 || !mail.Unique {
		t.Errorf("mail: %+v, want count %d", mail, withMail)
	}
	if cn := st.Find("cn"); cn == nil || cn.Count != 300 || cn.Unique {
		t.Errorf("cn should not be unique (cn=user1 twice): %+v", cn)
	}
	if mo := st.Find("memberOf"); mo == nil || mo.Count != 300 || !mo.MultiValued || mo.Unique {
		t.Errorf("memberOf (operational, asked for by name): %+v", mo)
	}
	if id := st.Find("entryUUID"); id == nil || id.Count != 300 || !id.Unique {
		t.Errorf("entryUUID: %+v", id)
	}
	if up := st.Find("userPassword"); up != nil {
		t.Errorf("the reader must not see userPassword: %+v", up)
	}

	small, err := c.AttributeStats(context.Background(), slapdtest.PeopleDN, "(objectClass=inetOrgPerson)", 25)
	if err != nil || small.Sampled != 25 {
		t.Fatalf("sample of 25: %+v, %v", small, err)
	}
	if n, err := c.Count(context.Background(), s.BaseDN, "(objectClass=groupOfNames)"); err != nil || n != len(s.Fixture.Groups) {
		t.Errorf("Count groups = %d, %v; want %d", n, err, len(s.Fixture.Groups))
	}
	if n, err := c.Count(context.Background(), s.BaseDN, "(uid=nobody-has-this)"); err != nil || n != 0 {
		t.Errorf("Count none = %d, %v", n, err)
	}
}
