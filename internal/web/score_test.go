package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
	"pubdata/internal/workday"
)

var (
	reportScore  = regexp.MustCompile(`<dd id="score"><strong>([0-9.]+)</strong>`)
	currentScore = regexp.MustCompile(`<dd id="current-score"><strong>([0-9.]+)</strong>`)
	currentTime  = regexp.MustCompile(`<dd id="current-timeliness">([0-9.]+)</dd>`)
)

func scoreIn(t *testing.T, re *regexp.Regexp, body, what string) float64 {
	t.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no score on the page", what)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// One definition of the quality score (AGG-5, QUA-2): a load's quality report (API and page)
// and the entry's quality page show the same number right after the load, although the entry
// already held rows with open problems; and while the entry then stays late for its daily update
// frequency, its timeliness and total fall day by day without any new load (the entry page, the
// agency overview and the daily snapshot), while the report keeps the score as of its load.
func TestOneScoreOnReportAndEntryPage(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		oc := s.login("officer")

		u, err := a.Identity.UserByName(t.Context(), "officer")
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Identity.Principal(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		birth, _ := workday.Parse("1980-05-12")
		good := validate.MakeCitizenID("150102", birth, 917)
		body := "citizen_id,name,sex,birth_date,address,phone,region_code\n" +
			fmt.Sprintf("%s,居民子,男,1980-05-12,内蒙古自治区呼和浩特市新城区中山路1号,13900001111,150102\n", good) +
			"150102198005129999,居民丑,男,1980-05-12,内蒙古自治区呼和浩特市新城区中山路2号,13900001112,150102\n"
		res, err := a.Ingest.Load(t.Context(), p, ingest.LoadRequest{EntryID: demo.EntryPopulation, Mode: ingest.ModeUpsert, Partial: true,
			FileName: "upd.csv", Body: strings.NewReader(body)})
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		stored, ok := a.Quality.LoadScore(t.Context(), demo.EntryPopulation, res.Load.Version)
		if !ok {
			t.Fatal("the load was not scored")
		}

		// The API's load report.
		w := s.get("/api/v1/ingest/loads/"+res.Load.ID, oc)
		if w.Code != http.StatusOK {
			t.Fatalf("load API: %d %s", w.Code, w.Body)
		}
		var api struct {
			Load   struct{ Score float64 }
			Report struct {
				Score      float64
				Dimensions []struct {
					Name  string
					Score float64
				}
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &api); err != nil {
			t.Fatal(err)
		}
		// The report page and the entry page.
		w = s.get("/ingest/loads/"+res.Load.ID, oc)
		if w.Code != http.StatusOK {
			t.Fatalf("report page: %d", w.Code)
		}
		page := scoreIn(t, reportScore, w.Body.String(), "report page")
		w = s.get("/quality/entries/"+demo.EntryPopulation, oc)
		if w.Code != http.StatusOK {
			t.Fatalf("entry page: %d", w.Code)
		}
		entry := scoreIn(t, currentScore, w.Body.String(), "entry page")
		before := scoreIn(t, currentTime, w.Body.String(), "entry page timeliness")
		if api.Report.Score != stored.Total || api.Load.Score != stored.Total || page != stored.Total || entry != stored.Total {
			t.Fatalf("one score, many numbers: API report %v, API load %v, report page %v, entry page %v, stored %v",
				api.Report.Score, api.Load.Score, page, entry, stored.Total)
		}
		for _, dm := range api.Report.Dimensions {
			if dm.Score != stored.Dim(dm.Name) {
				t.Errorf("dimension %s: report %v, entry %v", dm.Name, dm.Score, stored.Dim(dm.Name))
			}
		}
		if stored.Availability >= 100 {
			t.Errorf("a load with a rejected row scores %+v", stored)
		}
		if before != stored.Timeliness {
			t.Errorf("entry page timeliness %v, stored %v", before, stored.Timeliness)
		}
		orgBefore := orgScore(t, a, demo.OrgPublicSec)

		// Six days without a load: the daily entry is late; its score falls without a new load.
		clock.Advance(6 * 24 * time.Hour)
		oc = s.login("officer")
		w = s.get("/quality/entries/"+demo.EntryPopulation, oc)
		late := scoreIn(t, currentScore, w.Body.String(), "entry page (late)")
		lateT := scoreIn(t, currentTime, w.Body.String(), "entry page timeliness (late)")
		if lateT >= before || lateT > 60 || late >= entry {
			t.Fatalf("late entry: timeliness %v → %v, total %v → %v", before, lateT, entry, late)
		}
		clock.Advance(4 * 24 * time.Hour)
		oc = s.login("officer")
		ac := s.login("admin")
		w = s.get("/quality/entries/"+demo.EntryPopulation, oc)
		if later := scoreIn(t, currentTime, w.Body.String(), "entry page (later)"); later >= lateT {
			t.Errorf("timeliness does not keep falling while late: %v then %v", lateT, later)
		}
		if got, _ := a.Quality.LatestScore(t.Context(), demo.EntryPopulation); got >= late {
			t.Errorf("the public score %v does not fall with lateness (entry page %v at day 6)", got, late)
		}
		if o := orgScore(t, a, demo.OrgPublicSec); o >= orgBefore {
			t.Errorf("agency score %v, before lateness %v", o, orgBefore)
		}
		if err := a.Quality.SnapshotDaily(t.Context(), clock.Now()); err != nil {
			t.Fatal(err)
		}
		var snap float64
		if err := d.QueryRowContext(t.Context(), "SELECT timeliness FROM quality_daily_scores WHERE scope = 'entry' AND subject_id = $1 AND day = $2",
			demo.EntryPopulation, workday.Format(clock.Now())).Scan(&snap); err != nil || snap >= lateT {
			t.Errorf("daily snapshot timeliness %v (%v), the entry page said %v four days earlier", snap, err, lateT)
		}
		var hist float64
		if err := d.QueryRowContext(t.Context(), "SELECT total FROM quality_org_scores WHERE org_id = $1 ORDER BY at DESC, id DESC LIMIT 1",
			demo.OrgPublicSec).Scan(&hist); err != nil || hist >= orgBefore {
			t.Errorf("the agency's score history (dashboard, assessment) ends at %v (%v), before lateness %v", hist, err, orgBefore)
		}
		// The load's report still shows the score as of its load.
		w = s.get("/ingest/loads/"+res.Load.ID, ac)
		if got := scoreIn(t, reportScore, w.Body.String(), "report page (later)"); got != stored.Total {
			t.Errorf("the report changed: %v, was %v", got, stored.Total)
		}
	})
}

// orgScore is an agency's score on the authority's quality overview.
func orgScore(t *testing.T, a *app.App, org string) float64 {
	t.Helper()
	u, err := a.Identity.UserByName(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Identity.Principal(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := a.Quality.Summaries(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sm {
		if s.OrgID == org {
			return s.Score
		}
	}
	t.Fatalf("agency %s not on the overview", org)
	return 0
}
