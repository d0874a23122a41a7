package kalshi

import (
	"reflect"
	"strings"
	"testing"
)

// TestWireStructsShareNoJSONName: a JSON name that two fields of a wire
// struct share, through the groups it embeds, makes encoding/json drop
// both (at the same depth) or the deeper one (otherwise), silently: the
// field would never be read. decode_groups.go forbids it; this enforces it
// for every struct the one-pass decoders read.
func TestWireStructsShareNoJSONName(t *testing.T) {
	for _, v := range []any{orderIn{}, fillIn{}, marketIn{}, queueIn{}, replyIn{}, userOrderIn{}, fillPushIn{}, tickerIn{}, frameIn{}} {
		typ := reflect.TypeOf(v)
		seen := map[string]string{}
		jsonFields(typ, typ.Name(), func(name, path string) {
			if other, ok := seen[name]; ok {
				t.Errorf("%s: %q is both %s and %s", typ.Name(), name, other, path)
			}
			seen[name] = path
		})
		if len(seen) == 0 {
			t.Errorf("%s: no JSON fields found", typ.Name())
		}
	}
}

// jsonFields calls f with the JSON name and the Go path of every field
// encoding/json would consider in typ, descending into embedded structs
// without a name of their own, as encoding/json does.
func jsonFields(typ reflect.Type, path string, f func(name, path string)) {
	for i := range typ.NumField() {
		sf := typ.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			jsonFields(sf.Type, path+"."+sf.Name, f)
			continue
		}
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f(name, path+"."+sf.Name)
	}
}
