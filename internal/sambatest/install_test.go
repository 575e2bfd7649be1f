package sambatest

import (
	"slices"
	"testing"
)

func TestEnsureInstalled(t *testing.T) {
	EnsureInstalled(t)
	if m := missingPackages(packages()); len(m) > 0 {
		t.Fatalf("still missing after EnsureInstalled: %v", m)
	}
}

func TestMissingPackagesNamesUnknownOnes(t *testing.T) {
	got := missingPackages([]string{"samba", "ldapwiz-no-such-package"})
	if !slices.Equal(got, []string{"ldapwiz-no-such-package"}) {
		t.Fatalf("missingPackages = %v, want only the unknown package", got)
	}
}
