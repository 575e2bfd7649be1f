package ui

import (
	"reflect"
	"testing"

	"ldapwiz/wizard"
)

// Every connection setting that changes which server is asked or who binds
// there changes dirTarget, so an answer from before is not reused; the
// others do not, so an answer is not asked again for nothing. A setting
// added to wizard.Connection fails this test until it is placed.
func TestDirTargetCoversWhereAndWho(t *testing.T) {
	same := map[string]bool{"Timeout": true, "PageSize": true, "ActiveDirectory": true}
	base := wizard.Default()
	v := reflect.ValueOf(&base.Connection).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		s := wizard.Default()
		f := reflect.ValueOf(&s.Connection).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "-changed")
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		default:
			t.Fatalf("connection.%s: a %s; teach this test to change it", name, f.Kind())
		}
		if changed := dirTarget(s) != dirTarget(base); changed == same[name] {
			t.Errorf("changing connection.%s changes dirTarget: %v, want %v", name, changed, !same[name])
		}
	}
}
