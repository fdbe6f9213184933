// Package ziplimit bounds compressed input (压缩输入限制) before it is opened: an XLSX workbook is
// a zip archive, and a small upload can declare gigabytes once expanded (a zip bomb). Check reads
// only the archive's directory and refuses an archive whose entries expand past MaxExpanded in
// all, expand more than MaxRatio times their compressed size, or are too many. An entry that
// holds more or less than it declares is refused too, after expanding each entry once into
// nothing (bounded by the declared sizes just checked).
package ziplimit

import (
	"archive/zip"
	"fmt"
	"io"
	"net/http"

	"pubdata/internal/apperr"
)

// Limits of one archive.
type Limits struct {
	MaxExpanded int64 // bytes of all entries expanded
	MaxRatio    int64 // expanded / compressed size of one entry (entries over 1 MiB expanded)
	MaxEntries  int   // files in the archive
}

// Default limits: 256 MiB expanded, a ratio of 200, 10,000 entries. A real workbook of a
// million rows expands to well under 256 MiB, and sheet XML compresses 5–50 times.
var Default = Limits{MaxExpanded: 256 << 20, MaxRatio: 200, MaxEntries: 10000}

// ratioFloor is the expanded size below which an entry's ratio is not judged: small parts of a
// workbook (styles, empty sheets) compress very well and are harmless.
const ratioFloor = 1 << 20

func (l Limits) withDefaults() Limits {
	if l.MaxExpanded <= 0 {
		l.MaxExpanded = Default.MaxExpanded
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = Default.MaxRatio
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = Default.MaxEntries
	}
	return l
}

// Resolved returns the limits with zero values replaced by the defaults.
func (l Limits) Resolved() Limits { return l.withDefaults() }

// ErrTooLarge is the refusal of an archive that expands past a limit; its message names the
// limit and the setting that raises it.
func errTooLarge(zh, en string) error {
	return apperr.New(http.StatusRequestEntityTooLarge, "input_expands_too_far", zh, en)
}

// ErrNotZip is returned when the input is not a readable zip archive.
var ErrNotZip = apperr.New(http.StatusUnprocessableEntity, "ingest_xlsx", "无法读取该 XLSX 文件（文件已损坏或不是 Excel 2007 以上格式）", "cannot read the XLSX file (damaged, or not an Excel 2007+ workbook)")

// Check inspects the archive in r (size bytes) against l (zero fields: Default).
func Check(r io.ReaderAt, size int64, l Limits) error {
	l = l.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return ErrNotZip.Wrap(err)
	}
	if len(zr.File) > l.MaxEntries {
		return errTooLarge(fmt.Sprintf("压缩文件包含 %d 个文件，超过上限 %d", len(zr.File), l.MaxEntries),
			fmt.Sprintf("the archive holds %d files; the limit is %d", len(zr.File), l.MaxEntries))
	}
	var total uint64
	for _, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		total += u
		if total > uint64(l.MaxExpanded) || u > uint64(l.MaxExpanded) {
			return errTooLarge("文件解压后超过 "+Size(l.MaxExpanded)+" 的上限", "the file expands past the limit of "+Size(l.MaxExpanded))
		}
		if u > ratioFloor && u/max(c, 1) > uint64(l.MaxRatio) {
			return errTooLarge(fmt.Sprintf("文件中的 %s 压缩比超过 %d 倍，疑似压缩炸弹，已拒收", f.Name, l.MaxRatio),
				fmt.Sprintf("%s in the file expands more than %d times its compressed size (a zip bomb?) and is refused", f.Name, l.MaxRatio))
		}
	}
	// The directory is within the limits: now make sure each entry holds what it declares.
	// archive/zip stops reading at the declared size, but a reader that ignores its error (as
	// excelize does) would take a truncated sheet for a whole one and load part of the data.
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return ErrNotZip.Wrap(err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		if err != nil || uint64(n) != f.UncompressedSize64 {
			return errMismatch(f.Name)
		}
	}
	return nil
}

func errMismatch(name string) error {
	return apperr.New(http.StatusUnprocessableEntity, "ingest_xlsx", "文件中的 "+name+" 实际内容与声明的大小不符（文件已损坏或被篡改），已拒收",
		"the content of "+name+" in the file does not match its declared size (damaged or tampered with) and is refused")
}

// Size writes a byte count for people: 256 MiB, 512 KiB, 100 B.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
