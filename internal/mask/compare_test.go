package mask

import (
	"testing"

	"pubdata/internal/vocab"
)

func TestNoLooser(t *testing.T) {
	id := Rule{Method: MethodPartial, KeepHead: 6, KeepTail: 4}
	cases := []struct {
		name string
		r    Rule
		base Rule
		want bool
	}{
		{"same", id, id, true},
		{"keeps fewer", Rule{Method: MethodPartial, KeepHead: 1, KeepTail: 2}, id, true},
		{"keeps more head", Rule{Method: MethodPartial, KeepHead: 8, KeepTail: 4}, id, false},
		{"keeps more tail", Rule{Method: MethodPartial, KeepHead: 6, KeepTail: 5}, id, false},
		{"clear", Rule{Method: MethodKeep}, id, false},
		{"redact", Rule{Method: MethodRedact}, id, true},
		{"hash below partial", Rule{Method: MethodHash}, id, true},
		{"partial below hash", id, Rule{Method: MethodHash}, false},
		{"anything below redact", Rule{Method: MethodHash}, Rule{Method: MethodRedact}, false},
		{"surname vs partial 1", Rule{Method: MethodPartial, KeepHead: 1}, Rule{Method: MethodSurname}, true},
		{"partial 2 vs surname", Rule{Method: MethodPartial, KeepHead: 2}, Rule{Method: MethodSurname}, false},
		{"email keeps fewer", Rule{Method: MethodEmail}, Rule{Method: MethodEmail, KeepHead: 1}, true},
		{"email keeps more", Rule{Method: MethodEmail, KeepHead: 3}, Rule{Method: MethodEmail, KeepHead: 1}, false},
		{"incomparable", Rule{Method: MethodSurname}, Rule{Method: MethodEmail, KeepHead: 1}, false},
	}
	for _, c := range cases {
		if got := NoLooser(c.r, c.base); got != c.want {
			t.Errorf("%s: NoLooser(%+v, %+v) = %v, want %v", c.name, c.r, c.base, got, c.want)
		}
	}
}

func TestTightenNeverLoosens(t *testing.T) {
	base := DefaultRules()
	got := base.Tighten([]Rule{
		{Kind: vocab.KindCitizenID, Method: MethodPartial, KeepHead: 1, KeepTail: 2}, // stricter: taken
		{Kind: vocab.KindPhone, Method: MethodKeep},                                  // looser: ignored
		{Kind: vocab.KindDate, Method: MethodRedact},                                 // unmasked kind: taken
	})
	if v := got.Value(vocab.KindCitizenID, "15010219850607123X"); v != "1***************3X" {
		t.Errorf("citizen id = %q", v)
	}
	if v := got.Value(vocab.KindPhone, "13812345678"); v != "138****5678" {
		t.Errorf("phone = %q (a looser entry rule must not apply)", v)
	}
	if v := got.Value(vocab.KindDate, "2026-01-01"); v != "***" {
		t.Errorf("date = %q", v)
	}
	if v := base.Value(vocab.KindCitizenID, "15010219850607123X"); v != "150102********123X" {
		t.Errorf("Tighten changed its receiver: %q", v)
	}
}
