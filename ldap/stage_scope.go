package ldap

import (
	"fmt"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// sampleSize is how many users and groups the sample steps look at.
const sampleSize = 20

// queryFailed turns a failed search into a failed step; setting names what
// to change when the server blamed the request rather than the connection.
func (r *testRun) queryFailed(prefix string, err error, setting string) Step {
	d := Explain(err)
	if connectionLost(err) {
		r.dropConn()
	} else if d.Setting == "" {
		d.Setting = setting
		if d.Hint == "" {
			d.Hint = "check " + setting
		}
	}
	return failed(prefix, d)
}

func (r *testRun) stepUsers() Step {
	filter, err := ScopeFilter(r.scope.UserObjectClass, r.scope.UserFilter)
	if err != nil {
		return Step{Status: StepFailed, Detail: err.Error(),
			Hint: "fix users.filter, e.g. (mail=*) or (&(department=IT)(!(title=intern)))", Setting: "users.filter"}
	}
	n, err := r.countMatches(r.scope.UserBase, filter)
	if err != nil {
		return r.queryFailed("cannot count users", err, "users.filter")
	}
	r.userCount = n
	if n > 0 {
		return Step{Status: StepOK, Detail: fmt.Sprintf("%s users match %s under %s", withCommas(n), filter, r.scope.UserBase)}
	}
	return r.zeroMatches("users", r.scope.UserBase, r.scope.UserObjectClass, r.scope.UserFilter)
}

func (r *testRun) stepGroups() Step {
	filter, err := ScopeFilter(r.scope.GroupObjectClass, r.scope.GroupFilter)
	if err != nil {
		return Step{Status: StepFailed, Detail: err.Error(),
			Hint: "fix groups.filter, e.g. (!(cn=archive*))", Setting: "groups.filter"}
	}
	n, err := r.countMatches(r.scope.GroupBase, filter)
	if err != nil {
		return r.queryFailed("cannot count groups", err, "groups.object_class")
	}
	r.groupCount = n
	if n > 0 {
		return Step{Status: StepOK, Detail: fmt.Sprintf("%s groups match %s under %s", withCommas(n), filter, r.scope.GroupBase)}
	}
	return r.zeroMatches("groups", r.scope.GroupBase, r.scope.GroupObjectClass, r.scope.GroupFilter)
}

// zeroMatches explains why the settings select nobody: the extra filter,
// an empty base, or an object class no entry there has.
func (r *testRun) zeroMatches(kind, base, objectClass, extra string) Step {
	warn := func(detail, hint, setting string) Step {
		if r.anonymous {
			hint += "; you are bound anonymously, and directories often hide entries from anonymous users: set connection.bind_dn"
		}
		return Step{Status: StepWarning, Detail: detail, Hint: hint, Setting: setting}
	}
	ocFilter, _ := ScopeFilter(objectClass, "")
	if strings.TrimSpace(extra) != "" {
		if n, err := r.countMatches(base, ocFilter); err == nil && n > 0 {
			extraFilter, _ := ScopeFilter("", extra)
			return warn(fmt.Sprintf("no %s match: the filter %s removes all %s entries of %s under %s", kind, extraFilter, withCommas(n), ocFilter, base),
				"loosen or clear "+kind+".filter", kind+".filter")
		}
	}
	all, err := r.countMatches(base, "(objectClass=*)")
	if err == nil && all <= 1 {
		return warn(fmt.Sprintf("no %s match: %s has no entries below it", kind, base),
			"point "+kind+".search_base at the entry that holds the "+kind+" (the directory browser shows child counts)", kind+".search_base")
	}
	detail := fmt.Sprintf("no %s match: none of the %s entries under %s has object class %s", kind, withCommas(all), base, objectClass)
	if census := r.objectClassCensus(base); census != "" {
		detail += "; object classes seen there (sample of up to 200 entries): " + census
	}
	return warn(detail, "set "+kind+".object_class to the class the "+kind+" entries have", kind+".object_class")
}

// findings gathers a step's observations; the worst status decides the
// step's status, hint and setting.
type findings struct {
	status  StepStatus
	details []string
	hint    string
	setting string
}

func (f *findings) note(detail string) { f.details = append(f.details, detail) }

func (f *findings) flag(status StepStatus, detail, hint, setting string) {
	f.note(detail)
	if f.status == StepOK || (status == StepFailed && f.status == StepWarning) {
		f.status, f.hint, f.setting = status, hint, setting
	}
}

func (f *findings) step() Step {
	return Step{Status: f.status, Detail: strings.Join(f.details, "; "), Hint: f.hint, Setting: f.setting}
}

func (r *testRun) stepUserSample() Step {
	if r.userCount == 0 {
		return Step{Status: StepNotRun, Detail: "not run: the settings match no users"}
	}
	filter, _ := ScopeFilter(r.scope.UserObjectClass, r.scope.UserFilter)
	r.userAttrs = uniqueFold(append([]string{"objectClass", r.scope.UsernameAttribute, r.scope.UserMemberAttribute},
		append(StableIDAttributes(), mapValues(r.scope.UserAttributes)...)...))
	users, err := r.sampleEntries(r.scope.UserBase, filter, r.userAttrs, sampleSize)
	if err != nil {
		return r.queryFailed("cannot read sample users", err, "users.search_base")
	}
	r.users = users
	f := &findings{status: StepOK}
	if len(users) == 0 {
		f.flag(StepWarning, fmt.Sprintf("%d users were counted but none could be read", r.userCount),
			"grant the account in connection.bind_dn read access to the users", "connection.bind_dn")
		return f.step()
	}
	f.note(fmt.Sprintf("sampled %d users (first: %s)", len(users), users[0].DN))
	r.checkUsername(f, users)
	r.checkUserMembership(f, users)
	return f.step()
}

func (r *testRun) checkUsername(f *findings, users []*goldap.Entry) {
	u := r.scope.UsernameAttribute
	if strings.TrimSpace(u) == "" {
		f.flag(StepFailed, "users.username_attribute is empty", "set users.username_attribute, e.g. uid (OpenLDAP) or sAMAccountName (Active Directory)", "users.username_attribute")
		return
	}
	have := entriesWith(users, u)
	switch {
	case have == 0:
		f.flag(StepFailed, fmt.Sprintf("none of the %d sampled users has %s", len(users), u),
			"set users.username_attribute to an attribute every user has"+r.attributesSeen(users[0].DN), "users.username_attribute")
		return
	case have < len(users):
		f.flag(StepWarning, fmt.Sprintf("%d of %d sampled users lack %s: sync will skip them", len(users)-have, len(users), u),
			"check users.username_attribute, or exclude those entries with users.filter", "users.username_attribute")
	default:
		f.note(fmt.Sprintf("%s on all %d", u, len(users)))
	}
	seen := map[string]string{}
	for _, e := range users {
		v := strings.ToLower(e.GetEqualFoldAttributeValue(u))
		if v == "" {
			continue
		}
		if other, dup := seen[v]; dup {
			f.flag(StepWarning, fmt.Sprintf("%s %q is shared by %s and %s: it is not unique", u, v, other, e.DN),
				"choose a unique attribute for users.username_attribute", "users.username_attribute")
			return
		}
		seen[v] = e.DN
	}
}

func (r *testRun) checkUserMembership(f *findings, users []*goldap.Entry) {
	m := r.scope.UserMemberAttribute
	if strings.TrimSpace(m) == "" {
		f.note("users.member_attribute is empty: membership is read from the groups' " + r.scope.GroupMemberAttribute)
		return
	}
	have := entriesWith(users, m)
	if have > 0 {
		f.note(fmt.Sprintf("%s on %d of %d", m, have, len(users)))
		return
	}
	groupAttr := nonEmptyOr(r.scope.GroupMemberAttribute, "member")
	detail := fmt.Sprintf("none of the %d sampled users has %s", len(users), m)
	if strings.EqualFold(m, "memberOf") {
		if g := r.groupListing(users[0].DN); g != "" {
			detail += fmt.Sprintf(", yet group %s lists %s as a member: the server does not maintain memberOf (the memberOf overlay is not enabled)", g, users[0].DN)
		} else {
			detail += ": the memberOf overlay is probably not enabled on the server (or these users belong to no group)"
		}
		f.flag(StepWarning, detail,
			"enable the memberOf overlay on the server, or clear users.member_attribute so membership is read from the groups' groups.member_attribute ("+groupAttr+")",
			"users.member_attribute")
		return
	}
	f.flag(StepWarning, detail+": the attribute name may be wrong, or these users belong to no group",
		"check users.member_attribute (usually memberOf), or clear it so membership is read from groups.member_attribute ("+groupAttr+")",
		"users.member_attribute")
}

// groupListing returns the DN of a group that lists member through the
// group-side member attribute, or "".
func (r *testRun) groupListing(member string) string {
	if r.scope.GroupBase == "" || r.scope.GroupMemberAttribute == "" {
		return ""
	}
	filter, _ := ScopeFilter(r.scope.GroupObjectClass, "("+r.scope.GroupMemberAttribute+"="+goldap.EscapeFilter(member)+")")
	groups, err := r.sampleEntries(r.scope.GroupBase, filter, []string{"1.1"}, 1)
	if err != nil || len(groups) == 0 {
		return ""
	}
	return groups[0].DN
}

// attributesSeen lists the attribute names one entry shows, for hints.
func (r *testRun) attributesSeen(dn string) string {
	req := goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false, "(objectClass=*)", []string{"*"}, nil)
	var res *goldap.SearchResult
	err := r.conn.do(r.ctx, func() error {
		var err error
		res, err = r.conn.c.Search(req)
		return err
	})
	if err != nil || len(res.Entries) == 0 {
		return ""
	}
	var names []string
	for _, a := range res.Entries[0].Attributes {
		if !strings.EqualFold(a.Name, "userPassword") {
			names = append(names, a.Name)
		}
	}
	return " (" + dn + " has: " + strings.Join(names, ", ") + ")"
}

func (r *testRun) stepGroupSample() Step {
	if r.groupCount == 0 {
		return Step{Status: StepNotRun, Detail: "not run: the settings match no groups"}
	}
	filter, _ := ScopeFilter(r.scope.GroupObjectClass, r.scope.GroupFilter)
	name := r.scope.GroupNameAttribute
	groups, err := r.sampleEntries(r.scope.GroupBase, filter, uniqueFold([]string{name}), sampleSize)
	if err != nil {
		return r.queryFailed("cannot read sample groups", err, "groups.search_base")
	}
	f := &findings{status: StepOK}
	if len(groups) == 0 {
		f.flag(StepWarning, fmt.Sprintf("%d groups were counted but none could be read", r.groupCount),
			"grant the account in connection.bind_dn read access to the groups", "connection.bind_dn")
		return f.step()
	}
	f.note(fmt.Sprintf("sampled %d groups (first: %s)", len(groups), groups[0].DN))
	switch have := entriesWith(groups, name); {
	case strings.TrimSpace(name) == "":
		f.flag(StepFailed, "groups.name_attribute is empty", "set groups.name_attribute, usually cn", "groups.name_attribute")
	case have == 0:
		f.flag(StepFailed, fmt.Sprintf("none of the %d sampled groups has %s", len(groups), name),
			"set groups.name_attribute to an attribute every group has (usually cn)"+r.attributesSeen(groups[0].DN), "groups.name_attribute")
	case have < len(groups):
		f.flag(StepWarning, fmt.Sprintf("%d of %d sampled groups lack %s: sync will skip them", len(groups)-have, len(groups), name),
			"check groups.name_attribute", "groups.name_attribute")
	default:
		f.note(fmt.Sprintf("%s on all %d", name, len(groups)))
	}
	r.checkGroupMembers(f, filter)
	return f.step()
}

// checkGroupMembers counts the groups that carry the member attribute at
// all (a presence filter: cheap even for groups with thousands of members).
func (r *testRun) checkGroupMembers(f *findings, filter string) {
	m := r.scope.GroupMemberAttribute
	if strings.TrimSpace(m) == "" {
		f.flag(StepWarning, "groups.member_attribute is empty: group membership cannot be read",
			"set groups.member_attribute: member (groupOfNames), uniqueMember (groupOfUniqueNames) or memberUid (posixGroup)", "groups.member_attribute")
		return
	}
	withMembers, err := r.countMatches(r.scope.GroupBase, "(&"+filter+"("+m+"=*))")
	switch {
	case err != nil:
		f.note("could not count groups with " + m + ": " + Explain(err).Problem)
	case withMembers == 0:
		f.flag(StepWarning, fmt.Sprintf("none of the %d groups has %s: they are empty, or membership is kept in another attribute", r.groupCount, m),
			"check groups.member_attribute: member (groupOfNames), uniqueMember (groupOfUniqueNames) or memberUid (posixGroup)", "groups.member_attribute")
	default:
		f.note(fmt.Sprintf("%s on %s of %s groups", m, withCommas(withMembers), withCommas(r.groupCount)))
	}
}

// stepAccess checks that the bind account sees what sync needs on users:
// a stable id and the mapped attributes. userPassword is not needed.
func (r *testRun) stepAccess() Step {
	users := r.users
	if len(users) == 0 {
		return Step{Status: StepNotRun, Detail: "not run: no sample users could be read"}
	}
	f := &findings{status: StepOK}
	id := ""
	for _, a := range StableIDAttributes() {
		if entriesWith(users, a) > 0 {
			id = a
			break
		}
	}
	if id == "" {
		f.flag(StepFailed, fmt.Sprintf("no stable id (entryUUID, objectGUID or nsUniqueId) is readable on the %d sampled users; sync links users by it", len(users)),
			"grant the account in connection.bind_dn read access to entryUUID (OpenLDAP), objectGUID (Active Directory) or nsUniqueId (389 Directory Server)", "connection.bind_dn")
	} else {
		f.note(fmt.Sprintf("stable id %s readable on %d of %d", id, entriesWith(users, id), len(users)))
		// Entries that disagree on which ids they carry (389 DS: entryUUID
		// only on entries added over LDAP) are fine for sync, which pairs a
		// link with any id an entry carries; say so, since it looks odd.
		for _, a := range StableIDAttributes() {
			if n := entriesWith(users, a); a != id && n > 0 && n < len(users) {
				f.flag(StepWarning, fmt.Sprintf("the sampled users disagree on their ids: %s on %d of %d, %s on %d", a, n, len(users), id, entriesWith(users, id)),
					"nothing to change: links follow "+id+" and match any id an entry carries; on 389 Directory Server the entryUUID fix-up task gives every entry the same ids", "")
			}
		}
	}
	for _, key := range sortedKeys(r.scope.UserAttributes) {
		attr := r.scope.UserAttributes[key]
		if strings.TrimSpace(attr) == "" {
			continue
		}
		if n := entriesWith(users, attr); n > 0 {
			f.note(fmt.Sprintf("%s on %d of %d", attr, n, len(users)))
		} else {
			f.flag(StepWarning, fmt.Sprintf("no sampled user shows %s (%s): no one has it, or the bind account may not read it", attr, key),
				"check "+key+", and that the account in connection.bind_dn may read "+attr, key)
		}
	}
	f.note("userPassword is not needed (passwords only go from the store to the directory)")
	return f.step()
}
