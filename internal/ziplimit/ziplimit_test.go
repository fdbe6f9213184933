package ziplimit

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"pubdata/internal/apperr"
)

// archive builds a zip of the named entries, each of n zero bytes (which deflate ~1000:1).
func archive(t *testing.T, sizes map[string]int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, n := range sizes {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(w, zeros{}, int64(n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func code(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Each bound of issue #9 item 10, on the archive's directory: total expanded size, ratio of one
// entry, number of entries; an entry that holds more than it declares; something not a zip. The
// refusal of a bomb reads the directory only: the memory it takes does not grow with what the
// archive declares.
func TestCheckBounds(t *testing.T) {
	small := archive(t, map[string]int{"a.xml": 1000, "b.xml": 2000})
	if err := Check(bytes.NewReader(small), int64(len(small)), Limits{}); err != nil {
		t.Fatalf("a small archive: %v", err)
	}
	bomb := archive(t, map[string]int{"sheet.xml": 64 << 20}) // 64 MiB of zeros in ~64 KiB
	for name, c := range map[string]struct {
		data []byte
		lim  Limits
		want string
	}{
		"expanded size": {bomb, Limits{MaxExpanded: 32 << 20, MaxRatio: 1 << 20}, "32 MiB"},
		"ratio":         {bomb, Limits{MaxExpanded: 1 << 30, MaxRatio: 200}, "200"},
		"entries":       {archive(t, map[string]int{"1": 1, "2": 1, "3": 1}), Limits{MaxEntries: 2}, "3"},
	} {
		var err error
		alloc := allocated(func() { err = Check(bytes.NewReader(c.data), int64(len(c.data)), c.lim) })
		if code(err) != "input_expands_too_far" || apperr.As(err).Status != 413 || !strings.Contains(apperr.As(err).ZH, c.want) {
			t.Errorf("%s: %v, want 413 input_expands_too_far naming %s", name, err, c.want)
		}
		if alloc > 1<<20 {
			t.Errorf("%s: refusing took %d KiB of memory", name, alloc>>10)
		}
	}
	if err := Check(strings.NewReader("PK\x03\x04garbage"), 13, Limits{}); !errors.Is(err, ErrNotZip) && code(err) != "ingest_xlsx" {
		t.Errorf("not a zip: %v", err)
	}
	// An entry whose directory declares less than it holds.
	var out bytes.Buffer
	zr, _ := zip.NewReader(bytes.NewReader(small), int64(len(small)))
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		raw, _ := f.OpenRaw()
		h := f.FileHeader
		h.UncompressedSize64 = 10
		w, _ := zw.CreateRaw(&h)
		io.Copy(w, raw)
	}
	zw.Close()
	if err := Check(bytes.NewReader(out.Bytes()), int64(out.Len()), Limits{}); code(err) != "ingest_xlsx" || !strings.Contains(apperr.As(err).ZH, "声明的大小不符") {
		t.Errorf("an entry holding more than it declares: %v", err)
	}
	if got := fmt.Sprint(Size(256<<20), " ", Size(512<<10), " ", Size(100)); got != "256 MiB 512 KiB 100 B" {
		t.Errorf("Size: %s", got)
	}
}

func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}
