package wizard

import "strings"

// users checks the [users] settings.
func (c *checker) users() {
	u := c.s.Users
	c.searchBase("users.search_base", u.SearchBase, "ou=people,dc=example,dc=com")
	c.name("users.object_class", "object class", u.ObjectClass, true)
	for i, oc := range u.AdditionalObjectClasses {
		if oc == "" {
			c.errorf("users.additional_object_classes", "Entry %d of additional_object_classes is empty; remove it.", i+1)
			continue
		}
		c.name("users.additional_object_classes", "object class", oc, true)
	}
	c.name("users.username_attribute", "attribute", u.UsernameAttribute, true)
	c.name("users.rdn_attribute", "attribute", u.RDNAttribute, false)
	c.name("users.member_attribute", "attribute", u.MemberAttribute, false)
	c.filter("users.filter", u.Filter)
	attrs := []struct{ setting, value string }{
		{"users.attributes.email", u.Attributes.Email},
		{"users.attributes.first_name", u.Attributes.FirstName},
		{"users.attributes.last_name", u.Attributes.LastName},
		{"users.attributes.phone", u.Attributes.Phone},
	}
	for _, a := range attrs {
		c.name(a.setting, "attribute", a.value, false)
	}
	if c.s.Connection.ActiveDirectory && strings.EqualFold(strings.TrimSpace(u.UsernameAttribute), "uid") {
		c.warnf("users.username_attribute", "On Active Directory the logon name is sAMAccountName; uid is usually empty there. Set username_attribute = \"sAMAccountName\".")
	}
	if c.s.Enrollment.AutoInvite && strings.TrimSpace(u.Attributes.Email) == "" {
		c.errorf("users.attributes.email", "enrollment.auto_invite e-mails each new user, but no e-mail attribute is mapped; set users.attributes.email (usually mail).")
	}
}

// groups checks the [groups] settings.
func (c *checker) groups() {
	g := c.s.Groups
	c.searchBase("groups.search_base", g.SearchBase, "ou=groups,dc=example,dc=com")
	c.name("groups.object_class", "object class", g.ObjectClass, true)
	c.name("groups.name_attribute", "attribute", g.NameAttribute, true)
	c.name("groups.member_attribute", "attribute", g.MemberAttribute, true)
	c.filter("groups.filter", g.Filter)
	if g.FlattenNested && strings.TrimSpace(g.MemberAttribute) == "" {
		c.warnf("groups.flatten_nested", "flatten_nested follows groups nested in groups through groups.member_attribute, which is empty; set it (usually member), or turn flatten_nested off (a memberOf that lists parent groups, as on Active Directory and 389 DS, needs no flattening).")
	}
	seen := map[string]bool{}
	for i, name := range g.SyncOnly {
		n := strings.TrimSpace(name)
		if n == "" {
			c.errorf("groups.sync_only", "Entry %d of sync_only is empty; remove it or write a group name.", i+1)
			continue
		}
		key := strings.ToLower(n)
		if seen[key] {
			c.warnf("groups.sync_only", "Group %s is listed more than once in sync_only (names are compared without case); remove the duplicate.", Echo(n))
			continue
		}
		seen[key] = true
		if strings.Contains(n, "=") && strings.Contains(n, ",") {
			c.warnf("groups.sync_only", "%s looks like a DN; sync_only takes group names (the %s value), e.g. %s.", Echo(n), g.NameAttribute, Echo(firstRDNValue(n)))
		}
	}
}

// filter checks an optional extra LDAP filter setting (users.filter,
// groups.filter).
func (c *checker) filter(setting, v string) {
	if strings.TrimSpace(v) == "" {
		return
	}
	if msg := filterProblem(v); msg != "" {
		c.errorf(setting, "The filter %s", msg)
	}
}

// searchBase checks a required search base DN.
func (c *checker) searchBase(setting, v, example string) {
	v = strings.TrimSpace(v)
	if v == "" {
		c.errorf(setting, "The search base is empty; set the DN under which to search, e.g. %s.", example)
		return
	}
	if msg := dnProblem(v); msg != "" {
		c.errorf(setting, "The search base %s", msg)
	}
}

// name checks an attribute or object class name; required ones must be set.
func (c *checker) name(setting, kind, v string, required bool) {
	if v == "" {
		if required {
			c.errorf(setting, "No %s is set; this setting is required.", kind)
		}
		return
	}
	if msg := nameProblem(kind, v); msg != "" {
		c.errorf(setting, "%s", msg)
	}
}

// firstRDNValue returns the value of the first RDN of a DN-looking string,
// for suggestions only.
func firstRDNValue(dn string) string {
	first, _, _ := strings.Cut(dn, ",")
	_, v, ok := strings.Cut(first, "=")
	if !ok {
		return dn
	}
	return strings.TrimSpace(v)
}
