package ldap

import (
	"errors"
	"strings"
	"testing"

	"github.com/jcmturner/gokrb5/v8/iana/errorcode"
	"github.com/jcmturner/gokrb5/v8/krberror"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/types"
)

// TestKDCErrorsSayWhatKerberosNeeds: the KDC's answers that no test
// server can be made to give on demand (clock skew, a revoked account)
// are explained, wrapped as gokrb5 wraps them, with the setting to fix.
func TestKDCErrorsSayWhatKerberosNeeds(t *testing.T) {
	cfg := Config{Principal: "svc@EXAMPLE.TEST", Krb5Conf: "/nonexistent/krb5.conf"}
	kdc := func(code int32) error {
		e := messages.NewKRBError(types.PrincipalName{}, "EXAMPLE.TEST", code, "")
		return krberror.Errorf(e, krberror.KDCError, "AS Exchange Error: kerberos error response from KDC")
	}
	for _, tc := range []struct {
		err     error
		login   bool
		setting string
		says    string
	}{
		{kdc(errorcode.KRB_AP_ERR_SKEW), true, "connection.krb5_conf", "clocks"},
		{kdc(errorcode.KDC_ERR_CLIENT_REVOKED), true, "connection.principal", "disabled, locked or expired"},
		{kdc(errorcode.KDC_ERR_C_PRINCIPAL_UNKNOWN), true, "connection.principal", "knows no principal svc@EXAMPLE.TEST"},
		{kdc(errorcode.KDC_ERR_PREAUTH_FAILED), true, "connection.keytab_file", "not the current key"},
		{kdc(errorcode.KDC_ERR_S_PRINCIPAL_UNKNOWN), false, "connection.url", "no SPN for this host name"},
		{kdc(errorcode.KDC_ERR_WRONG_REALM), true, "connection.principal", "realm EXAMPLE.TEST"},
	} {
		err := kdcError(cfg, tc.err, "EXAMPLE.TEST", "ldap/dc1.example.test", tc.login)
		var ke *KerberosError
		if !errors.As(err, &ke) || ke.Setting != tc.setting || !strings.Contains(ke.Error(), tc.says) {
			t.Errorf("%v: got %v (%s), want %s saying %q", tc.err, err, ke.Setting, tc.setting, tc.says)
		}
	}
}
