package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecodeValuesFast: whatever the fast decoder of link bases accepts,
// json.Unmarshal decodes to the same values.
func FuzzDecodeValuesFast(f *testing.F) {
	for _, v := range []Values{
		{}, {"mail": {"a@example.com"}}, {"cn": {"Émilie", ""}, "sn": {}}, {"x": {"a\"b", "c\\d", "\u2028"}},
	} {
		b, _ := json.Marshal(v)
		f.Add(string(b))
	}
	f.Add(`{"a":["1"],"a":["2"]}`)
	f.Add(`{"a":null}`)
	f.Add(`{ "a":["1"]}`)
	f.Add("{\"a\":[\"\xff\"]}")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := decodeValuesFast(s)
		if !ok {
			return
		}
		var want Values
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatalf("%q decoded fast to %v, but json.Unmarshal refuses it: %v", s, got, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast %#v, json.Unmarshal %#v", s, got, want)
		}
	})
}
