package validate

import "testing"

func TestRegionCode(t *testing.T) {
	tests := []struct {
		code   string
		level  int
		err    string
		parent string
	}{
		{"110000", LevelProvince, "", ""},
		{"110100", LevelCity, "", "110000"},
		{"110105", LevelCounty, "", "110100"},
		{"150102", LevelCounty, "", "150100"},
		{"429004", LevelCounty, "", "429000"}, // 仙桃, 省直辖县级
		{"441900", LevelCity, "", "440000"},   // 东莞, no counties
		{"710000", LevelProvince, "", ""},
		{"820000", LevelProvince, "", ""},
		{"", 0, CodeRegionFormat, ""},
		{"11010", 0, CodeRegionFormat, ""},
		{"1101050", 0, CodeRegionFormat, ""},
		{"11010A", 0, CodeRegionFormat, ""},
		{"110005", 0, CodeRegionFormat, ""},
		{"000000", 0, CodeRegionProvince, ""},
		{"160000", 0, CodeRegionProvince, ""},
		{"900000", 0, CodeRegionProvince, ""},
	}
	for _, tt := range tests {
		level, err := RegionCode(tt.code)
		if level != tt.level || errCode(err) != tt.err {
			t.Errorf("RegionCode(%q) = %d, %v; want %d, %q", tt.code, level, err, tt.level, tt.err)
		}
		if got := ParentRegion(tt.code); got != tt.parent {
			t.Errorf("ParentRegion(%q) = %q, want %q", tt.code, got, tt.parent)
		}
	}
}
