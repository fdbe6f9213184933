package mask

import "strings"

// maxDivisionRunes bounds one administrative-division name including its suffix
// (克孜勒苏柯尔克孜自治州 has 11 runes). Longer runs are not taken as divisions.
const maxDivisionRunes = 11

// streetRunes never occur in the division names we keep; a candidate division containing one is
// street-level text (e.g. a residential compound 某某小区) and parsing stops there. A few real
// districts (鼓楼区, 路桥区) are lost to this and masked too: the error is on the safe side.
var streetRunes = "路街巷弄号村组楼栋幢室"

// streetWords are multi-rune endings of street-level places that look like districts.
var streetWords = []string{"小区", "社区", "园区", "校区", "厂区", "景区", "片区", "街道"}

// divisionEnds returns the rune offsets at which the leading administrative divisions of an
// address end: up to three (province 省/自治区/市, prefecture 市/自治州/地区/盟, county
// 区/县/旗/市), stopping after the first county-level one (区, 县, 旗).
//
//	北京市朝阳区建国路88号          → [3 6]
//	内蒙古自治区呼和浩特市新城区…    → [6 11 14]
func divisionEnds(rs []rune) []int {
	var ends []int
	start := 0
	for len(ends) < 3 {
		end, county := nextDivision(rs, start)
		if end < 0 {
			break
		}
		comp := string(rs[start:end])
		if strings.ContainsAny(comp, streetRunes) || hasAnySuffix(comp, streetWords) {
			break
		}
		ends = append(ends, end)
		start = end
		if county {
			break
		}
	}
	return ends
}

// nextDivision finds the end of the division starting at start: the first position, at least two
// runes in, where a division suffix ends. county reports a county-level suffix.
func nextDivision(rs []rune, start int) (end int, county bool) {
	for e := start + 2; e <= len(rs) && e-start <= maxDivisionRunes; e++ {
		if e < len(rs) && strings.ContainsRune("路街巷弄", rs[e]) {
			continue // 红旗街, 市府路: the suffix rune is part of a street name
		}
		comp := string(rs[start:e])
		switch rs[e-1] {
		case '省', '市', '盟':
			return e, false
		case '县', '旗':
			return e, true
		case '州':
			if strings.HasSuffix(comp, "自治州") { // bare 州 is part of a city name: 杭州市
				return e, false
			}
		case '区':
			if hasAnySuffix(comp, []string{"特别行政区", "自治区", "地区"}) {
				return e, false
			}
			return e, true
		}
	}
	return -1, false
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// address keeps the leading administrative divisions (down to district/county) and masks the rest
// rune by rune. If the divisions make up the whole value the last one is masked too, so the value
// never comes back unchanged; if none is recognized it keeps min(fallback, half the runes).
func address(rs []rune, fallback int, mc rune) string {
	head := 0
	ends := divisionEnds(rs)
	for i := len(ends) - 1; i >= 0; i-- {
		if ends[i] < len(rs) {
			head = ends[i]
			break
		}
	}
	if head == 0 {
		head = min(fallback, len(rs)/2)
	}
	return partial(rs, head, 0, mc)
}
