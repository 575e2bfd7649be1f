package syncer

import (
	"testing"
	"unsafe"
)

// The planner holds a userPair per user, its flags packed together.
func TestUserPairSize(t *testing.T) {
	if n := unsafe.Sizeof(userPair{}); n > 104 {
		t.Errorf("a userPair is %d bytes, want at most 104", n)
	}
}

// A plan holds an applyData per action: what only group and membership
// actions, or only some user actions, need stays out of it.
func TestApplyDataSize(t *testing.T) {
	if n := unsafe.Sizeof(applyData{}); n > 48 {
		t.Errorf("an applyData is %d bytes, want at most 48", n)
	}
}

// A plan holds an Action per change, 100,000 at a first import: what only
// some actions have stays out of it (ActionDetail).
func TestActionSize(t *testing.T) {
	if n := unsafe.Sizeof(Action{}); n > 144 {
		t.Errorf("an Action is %d bytes, want at most 144", n)
	}
}
