package workday

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ParseTable reads a holiday table the authority imports: JSON (an array of {date, kind, name})
// or CSV with columns date,kind[,name] (a header line is allowed). kind is off/work, or 休/班.
// Every bad line is reported; nothing is returned unless all lines are good.
func ParseTable(r io.Reader) ([]Day, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var days []Day
	var problems []string
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &days); err != nil {
			return nil, fmt.Errorf("JSON 格式错误 / bad JSON: %v", err)
		}
		for i := range days {
			if msg := checkDay(&days[i]); msg != "" {
				problems = append(problems, fmt.Sprintf("第 %d 项 / item %d: %s", i+1, i+1, msg))
			}
		}
	} else {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		line := 0
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			line++
			if err != nil {
				problems = append(problems, fmt.Sprintf("第 %d 行 / line %d: %v", line, line, err))
				continue
			}
			if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
				continue
			}
			if line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "date") {
				continue
			}
			if len(rec) < 2 {
				problems = append(problems, fmt.Sprintf("第 %d 行 / line %d: 至少需要日期和类型两列 / needs date and kind", line, line))
				continue
			}
			d := Day{Date: strings.TrimSpace(rec[0]), Kind: Kind(strings.TrimSpace(rec[1]))}
			if len(rec) > 2 {
				d.Name = strings.TrimSpace(rec[2])
			}
			if msg := checkDay(&d); msg != "" {
				problems = append(problems, fmt.Sprintf("第 %d 行 / line %d: %s", line, line, msg))
				continue
			}
			days = append(days, d)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("文件中没有日期 / the file lists no days")
	}
	return days, nil
}

func checkDay(d *Day) string {
	if _, err := Parse(d.Date); err != nil {
		return err.Error()
	}
	switch strings.ToLower(string(d.Kind)) {
	case "off", "休", "holiday":
		d.Kind = Off
	case "work", "班", "workday":
		d.Kind = Work
	default:
		return fmt.Sprintf("类型应为 off/work（休/班）/ kind must be off or work: %q", d.Kind)
	}
	return ""
}

// Years lists the distinct years in days.
func Years(days []Day) []int {
	seen := map[int]bool{}
	var out []int
	for _, d := range days {
		var y int
		fmt.Sscanf(d.Date[:4], "%d", &y)
		if !seen[y] {
			seen[y] = true
			out = append(out, y)
		}
	}
	return out
}
