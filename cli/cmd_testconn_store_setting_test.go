package cli

import (
	"context"
	"path/filepath"
	"testing"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// TestStoreStepNamesTheSecretSettingThatFailed: when the PostgreSQL
// password cannot be read, the store step names the source that failed,
// store.password_env or store.password_file, not always the file.
func TestStoreStepNamesTheSecretSettingThatFailed(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*wizard.StoreSettings)
		want string
	}{
		{"an unset variable", func(st *wizard.StoreSettings) { st.PasswordEnv = "LDAPWIZ_NO_SUCH_VARIABLE" }, "store.password_env"},
		{"a missing file", func(st *wizard.StoreSettings) { st.PasswordFile = filepath.Join(t.TempDir(), "absent") }, "store.password_file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := wizard.Default()
			s.Store.URL = "postgres://ldapwiz@127.0.0.1:5432/ldapwiz"
			tc.set(&s.Store)
			step, ok := storeStep(context.Background(), s, func(string) string { return "" })
			if !ok || step.Status != ldap.StepFailed || step.Setting != tc.want {
				t.Fatalf("store step %+v (ok %v); want failed on %s", step, ok, tc.want)
			}
		})
	}
}
