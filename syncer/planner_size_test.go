package syncer

import (
	"testing"
	"unsafe"
)

// The planner holds a userPair per user, its flags packed together.
func TestUserPairSize(t *testing.T) {
	if n := unsafe.Sizeof(userPair{}); n > 128 {
		t.Errorf("a userPair is %d bytes, want at most 128", n)
	}
}

// A plan holds an applyData per action: what only group and membership
// actions need stays out of it.
func TestApplyDataSize(t *testing.T) {
	if n := unsafe.Sizeof(applyData{}); n > 64 {
		t.Errorf("an applyData is %d bytes, want at most 64", n)
	}
}
