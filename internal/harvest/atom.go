package harvest

import (
	"context"
	"encoding/xml"
	"time"

	"pubdata/internal/errs"
	"pubdata/internal/vocab"
)

// Atom (RFC 4287) feeds of changes: for the whole portal and per dataset, newest first, written
// from harvest_changes (opened, updated, withdrawn, reopened, suspended, restored).

// FeedSize is how many changes a feed carries.
const FeedSize = 100

// ChangeKind is the vocabulary of change kinds (labels in internal/vocab).
const ChangeKind = "harvest.change"

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID       string       `xml:"id"`
	Title    string       `xml:"title"`
	Updated  string       `xml:"updated"`
	Links    []atomLink   `xml:"link"`
	Summary  string       `xml:"summary"`
	Category atomCategory `xml:"category"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

// Feed writes the Atom feed of the portal (datasetID "") or of one dataset.
func (s *Service) Feed(ctx context.Context, base, datasetID string) (_ []byte, err error) {
	defer errs.Wrap(&err, "harvest: Feed(%s)", datasetID)
	q := `SELECT c.id, c.dataset_id, c.at, c.kind, c.version, c.title, c.note FROM harvest_changes c`
	args := []any{}
	self := base + "/feeds/datasets.atom"
	title := s.Site.Title + " — 数据集变更 / dataset changes"
	if datasetID != "" {
		ix, err := s.index(ctx)
		if err != nil {
			return nil, err
		}
		d := ix.lookup(datasetID)
		if d == nil {
			return nil, ErrNotFound
		}
		datasetID = d.ds.ID
		q += " WHERE c.dataset_id = $1"
		args = append(args, datasetID)
		self = base + "/feeds/datasets/" + datasetID + ".atom"
		title = d.ds.Title + " — 变更 / changes"
	}
	q += " ORDER BY c.at DESC, c.id DESC LIMIT 100"
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := atomFeed{Lang: "zh-CN", ID: self, Title: title, Links: []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}},
		Author: atomAuthor{s.Site.Publisher}, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	first := true
	for rows.Next() {
		var id, ds, kind, ttl, note string
		var at int64
		var version int
		if err := rows.Scan(&id, &ds, &at, &kind, &version, &ttl, &note); err != nil {
			return nil, err
		}
		upd := time.UnixMilli(at).UTC().Format(time.RFC3339)
		if first {
			f.Updated, first = upd, false
		}
		label := vocab.Label("zh", ChangeKind, kind)
		sum := label + "：" + ttl
		if version > 0 {
			sum += "（目录版本 " + itoa(version) + "）"
		}
		if note != "" {
			sum += "。" + note
		}
		f.Entries = append(f.Entries, atomEntry{ID: "urn:uuid:" + id, Title: "[" + label + "] " + ttl, Updated: upd,
			Links:    []atomLink{{Rel: "alternate", Href: datasetIRI(base, ds)}, {Rel: "related", Href: base + "/api/3/action/package_show?id=" + ds, Type: "application/json"}},
			Summary:  sum,
			Category: atomCategory{Term: kind, Label: label}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
