package cli

import (
	"bytes"
	"strings"
	"testing"

	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// The referrals a read skipped are listed by the preview.
func TestPrintPlanReferrals(t *testing.T) {
	var b bytes.Buffer
	err := printPlan(&b, &syncer.Plan{Mode: wizard.ModeImport, Referrals: []syncer.Referral{
		{Setting: "users.search_base", Base: "DC=example,DC=test", URL: "ldap://example.test/CN=Configuration,DC=example,DC=test"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "Referrals skipped (not followed, so not synchronized): 1") ||
		!strings.Contains(out, "ldap://example.test/CN=Configuration,DC=example,DC=test (searching DC=example,DC=test, users.search_base)") {
		t.Errorf("preview output:\n%s", out)
	}
}
