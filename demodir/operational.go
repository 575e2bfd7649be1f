package demodir

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math/big"
	"strconv"
)

// Time formats of the timestamps the two flavours write.
const (
	openLDAPTime = "20060102150405Z"
	adTime       = "20060102150405.0Z"
)

// stamp sets the operational attributes a server maintains: entryUUID,
// createTimestamp, creatorsName, modifyTimestamp and modifiersName on the
// OpenLDAP flavour; objectGUID, whenCreated and whenChanged on AD. While
// loading (who == nil) values present in the LDIF are kept.
func (d *directory) stamp(e *entry, who *session, created bool) {
	now := d.now().UTC()
	setIf := func(name, v string, force bool) {
		t := d.sch.attr(name)
		if force || e.get(t) == nil {
			e.set(t, []string{v})
		}
	}
	loading := who == nil
	actor := who.name()
	if actor == "" {
		actor = d.fl.adminDN
	}
	if d.fl.ad {
		if created {
			setIf("objectGUID", string(newUUID()), false)
			setIf("whenCreated", now.Format(adTime), false)
		}
		setIf("whenChanged", now.Format(adTime), !loading)
		return
	}
	if created {
		u := newUUID()
		setIf("entryUUID", fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:]), false)
		setIf("createTimestamp", now.Format(openLDAPTime), false)
		setIf("creatorsName", actor, false)
	}
	setIf("modifyTimestamp", now.Format(openLDAPTime), !loading)
	setIf("modifiersName", actor, !loading)
}

// newUUID returns 16 random bytes shaped as a version 4 UUID.
func newUUID() []byte {
	u := make([]byte, 16)
	_, _ = rand.Read(u)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// Active Directory constants the demo uses.
const (
	uacNormalAccount   = 512
	uacAccountDisabled = 2
	uacDefaultNewUser  = 546 // normal account, disabled, password not required: AD's default
	groupTypeGlobalSec = "-2147483646"
	samTypeUser        = "805306368"
	samTypeGroup       = "268435456"
	adDomainSID        = "S-1-5-21-1004336348-1177238915-682003330"
)

// adDefaults fills what Active Directory sets on a new user or group:
// sAMAccountName, userAccountControl or groupType, sAMAccountType,
// objectSid, objectCategory and instanceType.
func (d *directory) adDefaults(e *entry) result {
	set := func(name string, v string) {
		if t := d.sch.attr(name); e.get(t) == nil {
			e.set(t, []string{v})
		}
	}
	isUser, isGroup := e.hasClass(d.sch, "user"), e.hasClass(d.sch, "group")
	set("instanceType", "4")
	if isUser || isGroup {
		d.seq++ // the RID comes from the sequence; unique per directory
		set("objectSid", string(encodeSID(adDomainSID, 5000+uint32(d.seq))))
		set("sAMAccountName", fmt.Sprintf("$%06X-%d", d.seq, d.seq))
	}
	cat := "CN=Person,CN=Schema,CN=Configuration," + ADBaseDN
	switch {
	case isUser:
		set("userAccountControl", strconv.Itoa(uacDefaultNewUser))
		set("sAMAccountType", samTypeUser)
	case isGroup:
		set("groupType", groupTypeGlobalSec)
		set("sAMAccountType", samTypeGroup)
		cat = "CN=Group,CN=Schema,CN=Configuration," + ADBaseDN
	case e.hasClass(d.sch, "organizationalUnit"):
		cat = "CN=Organizational-Unit,CN=Schema,CN=Configuration," + ADBaseDN
	case e.hasClass(d.sch, "container"):
		cat = "CN=Container,CN=Schema,CN=Configuration," + ADBaseDN
	case e.hasClass(d.sch, "domainDNS"):
		cat = "CN=Domain-DNS,CN=Schema,CN=Configuration," + ADBaseDN
	}
	set("objectCategory", cat)
	return success
}

// encodeSID encodes "S-1-5-21-a-b-c" plus a RID in the binary form AD uses.
func encodeSID(domain string, rid uint32) []byte {
	var subs []uint32
	var rev, auth uint64
	_, _ = fmt.Sscanf(domain, "S-%d-%d-", &rev, &auth)
	var a, b, c, e uint32
	_, _ = fmt.Sscanf(domain, "S-1-5-%d-%d-%d-%d", &e, &a, &b, &c)
	subs = append(subs, e, a, b, c, rid)
	out := []byte{byte(rev), byte(len(subs)), 0, 0, 0, 0, 0, byte(auth)}
	for _, s := range subs {
		out = binary.LittleEndian.AppendUint32(out, s)
	}
	return out
}

// addIntegers adds two decimal integers given as strings.
func addIntegers(x, y string) (string, bool) {
	a, ok1 := new(big.Int).SetString(x, 10)
	b, ok2 := new(big.Int).SetString(y, 10)
	if !ok1 || !ok2 {
		return "", false
	}
	return a.Add(a, b).String(), true
}
