package sambatest

import (
	"testing"

	"ldapwiz/internal/harness"
)

func TestEnsureInstalled(t *testing.T) {
	EnsureInstalled(t)
	if m := harness.MissingPackages(packages()); len(m) > 0 {
		t.Fatalf("still missing after EnsureInstalled: %v", m)
	}
}
