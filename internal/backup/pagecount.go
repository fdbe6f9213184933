package backup

import (
	"encoding/binary"
	"fmt"
)

// pageCounter reads the b-tree page headers of a SQLite database as its pages stream past (in
// any order), so the row count of every table comes from the same pass that copies the pages.
//
// The format (https://www.sqlite.org/fileformat2.html#b_tree_pages): a b-tree page starts with a
// type byte (0x0D table leaf, 0x05 table interior, 0x0A index leaf, 0x02 index interior; at byte
// 100 on page 1), its cell count at bytes 3–4 and, on interior pages, the right-most child at
// bytes 8–11 followed by the cell pointer array, each cell starting with its left child's page
// number. A rowid table's rows are the cells of its leaf pages; a WITHOUT ROWID table is an
// index b-tree whose interior cells hold rows too. Only pages reachable from a table's root are
// counted, so overflow and freelist pages, whatever their first byte, never count.
type pageCounter struct {
	pageSize int
	kind     []byte   // by page number: the b-tree type byte (0 when not yet seen)
	cells    []uint16 // by page number: cell count
	children map[uint32][]uint32
	seen     []bool // pages already counted (a page belongs to one b-tree only)
}

const (
	pgIndexInterior = 0x02
	pgTableInterior = 0x05
	pgIndexLeaf     = 0x0A
	pgTableLeaf     = 0x0D
)

func newPageCounter(pageSize int, pages int64) *pageCounter {
	return &pageCounter{pageSize: pageSize, kind: make([]byte, pages+1), cells: make([]uint16, pages+1), children: map[uint32][]uint32{}, seen: make([]bool, pages+1)}
}

// page records page pgno's header; data is read only during the call.
func (c *pageCounter) page(pgno uint32, data []byte) {
	if int(pgno) >= len(c.kind) {
		return
	}
	h := 0
	if pgno == 1 {
		h = 100
	}
	if len(data) < h+12 {
		return
	}
	t := data[h]
	switch t {
	case pgTableLeaf, pgIndexLeaf:
	case pgTableInterior, pgIndexInterior:
		n := int(binary.BigEndian.Uint16(data[h+3:]))
		if h+12+2*n > len(data) {
			return // not a b-tree page after all (an overflow or freelist page)
		}
		ch := make([]uint32, 0, n+1)
		for i := range n {
			off := int(binary.BigEndian.Uint16(data[h+12+2*i:]))
			if off+4 > len(data) {
				return
			}
			ch = append(ch, binary.BigEndian.Uint32(data[off:]))
		}
		ch = append(ch, binary.BigEndian.Uint32(data[h+8:]))
		c.children[pgno] = ch
	default:
		return
	}
	c.kind[pgno] = t
	c.cells[pgno] = binary.BigEndian.Uint16(data[h+3:])
}

// rows counts the rows of the table whose b-tree has its root at page root.
func (c *pageCounter) rows(root uint32) (int64, error) {
	if root == 0 || int(root) >= len(c.kind) {
		return 0, fmt.Errorf("root page %d outside the database", root)
	}
	var leaf, interior byte
	switch c.kind[root] {
	case pgTableLeaf, pgTableInterior:
		leaf, interior = pgTableLeaf, pgTableInterior
	case pgIndexLeaf, pgIndexInterior:
		leaf, interior = pgIndexLeaf, pgIndexInterior
	default:
		return 0, fmt.Errorf("page %d is not a b-tree root", root)
	}
	var n int64
	stack := []uint32{root}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p == 0 || int(p) >= len(c.kind) || c.seen[p] {
			return 0, fmt.Errorf("b-tree of page %d is damaged at page %d", root, p)
		}
		c.seen[p] = true
		switch c.kind[p] {
		case leaf:
			n += int64(c.cells[p])
		case interior:
			if interior == pgIndexInterior { // index interior cells are rows too
				n += int64(c.cells[p])
			}
			stack = append(stack, c.children[p]...)
		default:
			return 0, fmt.Errorf("b-tree of page %d reaches page %d, which is not one of its pages", root, p)
		}
	}
	return n, nil
}
