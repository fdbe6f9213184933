package open

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"

	"pubdata/internal/csvsafe"
)

// The download's CSV encoder writes the bytes of csvsafe.Writer (the platform's one CSV rule:
// formula neutralisation, encoding/csv quoting) for any record.
func TestCSVWriterMatchesCSVSafe(t *testing.T) {
	cell := rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{"", `\.`, " a", "\u00a0x", "\u3000全角", "=1", "-12.5", "-1-2", "+86", "@x",
		"\tx", "\r", "\n", `"`, `a"b""c`, ",", "a,b", "\x85x", "\xff", "'=x", "\v", "\f"}))
	rapid.Check(t, func(t *rapid.T) {
		recs := rapid.SliceOfN(rapid.SliceOfN(cell, 1, 6), 1, 20).Draw(t, "records")
		var want bytes.Buffer
		w := csvsafe.NewWriter(&want)
		var got []byte
		for _, r := range recs {
			w.Write(r)
			got = appendCSVRecord(got, r)
		}
		w.Flush()
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("got %q, want %q", got, want.Bytes())
		}
	})
}
