package vocab

import "testing"

// Every row of every table has both labels, and every kind names its masking rule, load-time
// check and a default sensitivity in range: a row added without them fails here.
func TestTablesComplete(t *testing.T) {
	seen := map[Kind]bool{}
	for _, d := range Kinds {
		if d.Code == "" || d.ZH == "" || d.EN == "" {
			t.Errorf("kind %q: code and zh/en labels are required", d.Code)
		}
		if d.Mask == "" || d.Check == "" {
			t.Errorf("kind %q: masking rule and load-time check are required (use MaskNone/CheckNone)", d.Code)
		}
		if d.Sensitivity < 1 || d.Sensitivity > TopLevel {
			t.Errorf("kind %q: default sensitivity %d outside 1–%d", d.Code, d.Sensitivity, TopLevel)
		}
		if d.Personal && (d.OpenSafe || d.Mask == MaskNone || d.Sensitivity < 2) {
			t.Errorf("kind %q: personal kinds are masked by default (level ≥ 2, a masking rule) and not open-safe", d.Code)
		}
		if seen[d.Code] {
			t.Errorf("kind %q listed twice", d.Code)
		}
		seen[d.Code] = true
	}
	for _, d := range Grades {
		if d.Code == "" || d.ZH == "" || d.EN == "" {
			t.Errorf("grade %q: labels are required", d.Code)
		}
	}
	for _, d := range Levels {
		if d.ZH == "" || d.EN == "" {
			t.Errorf("level %d: labels are required", d.Level)
		}
	}
	for _, d := range ShareTypes {
		if d.Code == "" || d.ZH == "" || d.EN == "" {
			t.Errorf("share type %q: labels are required", d.Code)
		}
	}
	for _, d := range OpenTypes {
		if d.Code == "" || d.ZH == "" || d.EN == "" {
			t.Errorf("open type %q: labels are required", d.Code)
		}
	}
}

func TestLookupsFailClosed(t *testing.T) {
	k := Kind("no_such_kind")
	if !k.Personal() || k.DefaultSensitivity() != TopLevel || k.OpenSafe() || k.MaskRule() != MaskRedact {
		t.Errorf("unknown kind must be treated as personal, top level, not open-safe, redacted")
	}
	if !Grade("secret").Protected() {
		t.Errorf("unknown grade must be protected")
	}
	if KindPhone.Label("zh-CN") != "电话号码" || KindPhone.Label("en") != "Phone" {
		t.Errorf("labels: %q %q", KindPhone.Label("zh-CN"), KindPhone.Label("en"))
	}
	if ShareNone.Rank() <= ShareConditional.Rank() || OpenUnconditional.Rank() != 0 || ShareType("x").Rank() != -1 {
		t.Errorf("ranks out of order")
	}
	if GradeGeneral.Protected() || !GradeCore.Protected() || !GradeImportant.Protected() {
		t.Errorf("protected grades")
	}
}
