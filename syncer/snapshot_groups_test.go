package syncer

import "testing"

// A group's DN, name and ids are copied out of its entry's text, so that
// the text is held only by the member values a sync drops once planned.
func TestGroupOwnStrings(t *testing.T) {
	text := "cn=g,dc=x" + "g" + "id-1" + "id-2" + "uid=a,dc=x" + "uid=b,dc=x"
	g := DirGroup{DN: text[:9], Name: text[9:10], StableID: text[10:14], OtherIDs: []string{text[14:18]},
		Members: []string{text[18:28], text[28:]}}
	others := g.OtherIDs
	g.ownStrings()
	if g.DN != "cn=g,dc=x" || g.Name != "g" || g.StableID != "id-1" || len(g.OtherIDs) != 1 || g.OtherIDs[0] != "id-2" {
		t.Fatalf("ownStrings changed the group: %+v", g)
	}
	for _, v := range []string{g.DN, g.Name, g.StableID, g.OtherIDs[0]} {
		if _, in := offsetIn(text, v); in {
			t.Errorf("%q still lies in the entry's text", v)
		}
	}
	if &others[0] == &g.OtherIDs[0] {
		t.Error("OtherIDs is still the entry's list")
	}
	none := DirGroup{DN: text[:9], Name: text[9:10], StableID: text[10:14], OtherIDs: []string{}}
	if none.ownStrings(); none.OtherIDs != nil {
		t.Errorf("no other ids: OtherIDs = %#v, want nil", none.OtherIDs)
	}
	s := &DirSnapshot{Groups: []DirGroup{g}}
	s.dropGroupMembers()
	if s.Groups[0].Members != nil {
		t.Error("dropGroupMembers kept the members")
	}
}
