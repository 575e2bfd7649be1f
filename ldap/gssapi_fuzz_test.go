package ldap

import (
	"errors"
	"os"
	"testing"
)

// FuzzCheckKerberos feeds arbitrary krb5.conf and keytab contents to the
// checks of a GSSAPI bind's settings: they may refuse them, never panic,
// and every refusal is a *KerberosError naming a setting.
func FuzzCheckKerberos(f *testing.F) {
	f.Add("[libdefaults]\n default_realm = EXAMPLE.TEST\n[realms]\n EXAMPLE.TEST = {\n  kdc = 127.0.0.1:88\n }\n",
		[]byte{0x05, 0x02, 0, 0, 0, 0x3c, 0, 1, 0, 0x0c, 'E', 'X', 'A', 'M', 'P', 'L', 'E', '.', 'T', 'E', 'S', 'T', 0, 6, 'k', 'r', 'b', 's', 'v', 'c'}, "krbsvc")
	f.Add("", []byte{}, "a@B")
	f.Add("[realms]\n B = {\n kdc = x\n", []byte{0x05, 0x01, 0xff, 0xff, 0xff, 0xff}, "a@B")
	f.Fuzz(func(t *testing.T, conf string, tab []byte, principal string) {
		files := map[string][]byte{"/k5.conf": []byte(conf), "/tab": tab}
		read := func(p string) ([]byte, error) {
			if b, ok := files[p]; ok {
				return b, nil
			}
			return nil, os.ErrNotExist
		}
		err := CheckKerberos(Config{BindMethod: BindGSSAPI, Principal: principal, KeytabFile: "/tab", Krb5Conf: "/k5.conf"}, read)
		var ke *KerberosError
		if err != nil && (!errors.As(err, &ke) || ke.Setting == "") {
			t.Fatalf("not a Kerberos error naming a setting: %v", err)
		}
	})
}
