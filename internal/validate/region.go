package validate

// Region code levels returned by RegionCode.
const (
	LevelProvince = 1 // 省级, XX0000
	LevelCity     = 2 // 地级, XXXX00
	LevelCounty   = 3 // 县级, XXXXXX
)

// provinces holds the valid first two digits of GB/T 2260 codes: 11–15 north, 21–23 north-east,
// 31–37 east, 41–46 central-south, 50–54 south-west, 61–65 north-west, 71 Taiwan, 81–82 Hong Kong
// and Macao.
var provinces = func() [100]bool {
	var p [100]bool
	for _, r := range [][2]int{{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}, {71, 71}, {81, 82}} {
		for i := r[0]; i <= r[1]; i++ {
			p[i] = true
		}
	}
	return p
}()

// validProvince reports whether the first two characters of s (ASCII digits) name a province.
func validProvince(s string) bool {
	return len(s) >= 2 && isDigits(s[:2]) && provinces[int(s[0]-'0')*10+int(s[1]-'0')]
}

// RegionCode checks an administrative region code (行政区划代码, GB/T 2260) and returns its level:
// LevelProvince for XX0000, LevelCity for XXXX00, LevelCounty otherwise. The province digits must
// be a known province; the full code table is not consulted (it changes yearly and is data, not
// format). A code with city digits 00 but non-zero county digits is malformed.
func RegionCode(s string) (level int, err error) {
	if len(s) != 6 || !isDigits(s) {
		return 0, newError(CodeRegionFormat, "行政区划代码应为 6 位数字", "region code must be 6 digits")
	}
	if !validProvince(s) {
		return 0, newError(CodeRegionProvince, "行政区划代码的省级代码 %s 不存在",
			"region code has no province %s", s[:2])
	}
	switch {
	case s[2:] == "0000":
		return LevelProvince, nil
	case s[4:] == "00":
		return LevelCity, nil
	case s[2:4] == "00":
		return 0, newError(CodeRegionFormat, "行政区划代码格式无效：地级位为 00 时县级位也应为 00",
			"region code is malformed: county digits must be 00 when city digits are 00")
	}
	return LevelCounty, nil
}

// ParentRegion returns the code of the enclosing region: the city for a county, the province for a
// city, and "" for a province or an invalid code.
func ParentRegion(code string) string {
	level, err := RegionCode(code)
	if err != nil {
		return ""
	}
	switch level {
	case LevelCounty:
		return code[:4] + "00"
	case LevelCity:
		return code[:2] + "0000"
	}
	return ""
}
