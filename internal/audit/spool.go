package audit

// The embedded backend's audit write-ahead spool (审计预写日志).
//
// Data accesses (gateway calls, downloads) must be on record durably before data leaves, and
// there are very many of them. On SQLite every commit writes WAL frames, fsyncs, and resets the
// page cache of every reading connection, and the database has a single writer: committing
// access records a few at a time made the audit writer the gateway's bottleneck. With the spool,
// Log appends the record to a segment file beside the database and fsyncs it — from then on it
// survives a crash and is replayed at the next start — and answers; a background inserter moves
// spooled records into the hash-chained table in large transactions, each of which also stores
// how far the spool has been consumed (audit_head.spool_seg/spool_off), so a record is inserted
// exactly once. Search, Verify and Close first wait for the inserter, so a reader sees every
// acknowledged record.
//
// The spool belongs to one process: a lock file keeps a second process on the same database
// (a CLI command beside the running server, a second test node) writing directly instead.
// PostgreSQL nodes are stateless and keep no spool; there Log group-commits to the database.

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	segmentSize   = 4 << 20                // segment files are written full of zeros first (see openSegment)
	insertLinger  = 100 * time.Millisecond // the inserter gathers records this long before a transaction
	maxInsert     = 2000                   // records per inserting transaction
	frameHeader   = 8                      // uint32 length, uint32 CRC-32C of the payload
	spoolSuffix   = ".spool"
	closeDeadline = 30 * time.Second
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// prepared is an event with its detail encoded once (the hash and the row both use the text).
type prepared struct {
	ev     Event
	detail string
}

// spoolPos is how far the spool has been consumed: every record before offset off of segment seg
// is in the table.
type spoolPos struct{ seg, off int64 }

type spoolBatch struct {
	recs []prepared
	end  spoolPos
}

type spool struct {
	dir  string
	lock *os.File

	wmu    sync.Mutex // held by the writer while appending, and by close
	f      *os.File
	seg    int64
	off    int64 // end of the last frame
	size   int64 // of the segment file
	closed bool

	closeOnce sync.Once

	ins  chan spoolBatch
	kick chan struct{}
	hold chan struct{} // tests: when set, the inserter waits for it before each transaction
	stop chan struct{}
	gone chan struct{} // closed when the inserter has stopped

	mu      sync.Mutex
	acked   int64         // records durable in the spool
	done    int64         // records committed to the table
	wait    chan struct{} // closed and replaced whenever done advances or an insert fails
	failing error         // the last insert error, until an insert succeeds
	dropSeg int64         // segments below this one are removed
}

// A frame's payload is the event's time (varint, Unix ms) and its text fields, each as a
// uvarint length and the bytes, in frameFields order.
func frameFields(p *prepared) []*string {
	e := &p.ev
	return []*string{&e.ActorID, &e.ActorName, &e.OrgID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Purpose,
		&e.GrantID, &e.Result, &e.ClientIP, &p.detail, &e.Retention}
}

func encodeFrame(p prepared) []byte {
	fields := frameFields(&p)
	n := frameHeader + binary.MaxVarintLen64
	for _, f := range fields {
		n += binary.MaxVarintLen64 + len(*f)
	}
	b := make([]byte, frameHeader, n)
	b = binary.AppendVarint(b, p.ev.At.UnixMilli())
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(*f)))
		b = append(b, *f...)
	}
	payload := b[frameHeader:]
	binary.LittleEndian.PutUint32(b, uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[4:], crc32.Checksum(payload, castagnoli))
	return b
}

var errBadFrame = errors.New("malformed audit spool frame")

func decodeFrame(payload []byte) (prepared, error) {
	var p prepared
	at, n := binary.Varint(payload)
	if n <= 0 {
		return p, errBadFrame
	}
	payload = payload[n:]
	for _, f := range frameFields(&p) {
		l, n := binary.Uvarint(payload)
		if n <= 0 || uint64(len(payload)-n) < l {
			return p, errBadFrame
		}
		*f = string(payload[n : n+int(l)])
		payload = payload[n+int(l):]
	}
	if len(payload) != 0 {
		return p, errBadFrame
	}
	p.ev.At = time.UnixMilli(at)
	if p.detail != "" {
		_ = json.Unmarshal([]byte(p.detail), &p.ev.Detail)
	}
	return p, nil
}

// readSegment returns the records of a segment file from offset from on, each with the offset
// just after it. It stops at a torn or corrupt frame (a crash during an append that was never
// acknowledged) and reports how many bytes it left.
func readSegment(path string, from int64) (recs []prepared, ends []int64, dropped int64, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, 0, err
	}
	off := from
	for off < int64(len(b)) {
		if int64(len(b))-off < frameHeader {
			break
		}
		n := int64(binary.LittleEndian.Uint32(b[off:]))
		sum := binary.LittleEndian.Uint32(b[off+4:])
		if n == 0 {
			break // the zeros after the last frame
		}
		if off+frameHeader+n > int64(len(b)) {
			break
		}
		payload := b[off+frameHeader : off+frameHeader+n]
		if crc32.Checksum(payload, castagnoli) != sum {
			break
		}
		p, err := decodeFrame(payload)
		if err != nil {
			break
		}
		off += frameHeader + n
		recs = append(recs, p)
		ends = append(ends, off)
	}
	for _, c := range b[off:] {
		if c != 0 {
			dropped++
		}
	}
	return recs, ends, dropped, nil
}

func (sp *spool) segPath(seg int64) string {
	return filepath.Join(sp.dir, fmt.Sprintf("%016d%s", seg, spoolSuffix))
}

// segments lists the segment numbers in the directory, ascending.
func (sp *spool) segments() ([]int64, error) {
	ents, err := os.ReadDir(sp.dir)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), spoolSuffix)
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(name, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// openSegment starts segment seg of at least size bytes. The file is first written full of
// zeros and made durable: appends then overwrite allocated blocks, so each one's fdatasync
// flushes data only, not the file system's metadata journal — about a third less time per
// fsync, and the gateway pays one for every group of calls. A zero frame header marks the end.
func (sp *spool) openSegment(seg int64, size int) error {
	path := sp.segPath(seg)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	zeros := make([]byte, 1<<20)
	for n := 0; n < size && err == nil; n += len(zeros) {
		_, err = f.Write(zeros[:min(len(zeros), size-n)])
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(sp.dir)
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	sp.f, sp.seg, sp.off, sp.size = f, seg, 0, int64(size)
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// append writes frames (carrying the given number of records) after the last ones and makes
// them durable. After a failed write or fsync the spool closes (what the file holds is then
// uncertain) and the service writes to the database directly; the caller's batch goes there too.
func (sp *spool) append(frames []byte, records int, sync func(*os.File) error) (spoolPos, error) {
	sp.wmu.Lock()
	defer sp.wmu.Unlock()
	if sp.closed {
		return spoolPos{}, errSpoolClosed
	}
	if sp.off+int64(len(frames))+frameHeader > sp.size {
		old := sp.f
		if err := sp.openSegment(sp.seg+1, max(segmentSize, len(frames)+frameHeader)); err != nil {
			return spoolPos{}, sp.fail(err)
		}
		old.Close()
	}
	if _, err := sp.f.WriteAt(frames, sp.off); err != nil {
		return spoolPos{}, sp.fail(err)
	}
	if err := sync(sp.f); err != nil {
		return spoolPos{}, sp.fail(err)
	}
	sp.off += int64(len(frames))
	// Counted while appends are excluded, so that Close, which excludes them first, waits for
	// every record acknowledged before it.
	sp.mu.Lock()
	sp.acked += int64(records)
	sp.mu.Unlock()
	return spoolPos{sp.seg, sp.off}, nil
}

func (sp *spool) fail(err error) error {
	sp.closed = true
	slog.Error("审计预写日志写入失败，改为直接写入数据库 / the audit spool failed; writing to the database directly", "err", err)
	return fmt.Errorf("%w: %v", errSpoolClosed, err)
}

var errSpoolClosed = errors.New("audit spool closed")

// EnableSpool turns on the write-ahead spool in dir (created if missing): records left there by
// a previous run are inserted first. When another process holds the spool, the service keeps
// writing directly and EnableSpool returns nil.
func (s *Service) EnableSpool(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("audit spool: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("audit spool: %w", err)
	}
	if ok, err := tryLock(lock); err != nil || !ok {
		lock.Close()
		if err != nil {
			// A file system without advisory locks: without a lock two processes could both
			// replay one spool, so none is used.
			slog.Warn("无法锁定审计预写日志目录，直接写入数据库 / cannot lock the audit spool directory; writing directly", "dir", dir, "err", err)
			return nil
		}
		slog.Debug("审计预写日志由另一进程使用，本进程直接写入数据库 / audit spool is held by another process; this one writes directly", "dir", dir)
		return nil
	}
	sp := &spool{dir: dir, lock: lock, ins: make(chan spoolBatch, 256), kick: make(chan struct{}, 1),
		stop: make(chan struct{}), gone: make(chan struct{}), wait: make(chan struct{})}
	err = s.claimSpool(ctx, sp)
	var next int64
	if err == nil {
		next, err = s.replay(ctx, sp)
	}
	if err == nil {
		err = sp.openSegment(next, segmentSize)
	}
	if err != nil {
		lock.Close()
		return fmt.Errorf("audit spool: %w", err)
	}
	sp.dropSeg = next
	s.sp.Store(sp)
	go s.inserter(sp)
	return nil
}

// claimSpool makes sure the spool directory belongs to this database: both carry the same
// random identity (audit_head.spool_id and the directory's DB-ID file). Segments left by another
// database (the database file was replaced, the directory copied from elsewhere) are never
// inserted into this chain: they are moved aside to orphaned-<time>/ for an administrator.
func (s *Service) claimSpool(ctx context.Context, sp *spool) error {
	var dbID string
	if err := s.DB.QueryRowContext(ctx, "SELECT spool_id FROM audit_head WHERE id = 1").Scan(&dbID); err != nil {
		return err
	}
	if dbID == "" {
		dbID = fmt.Sprintf("%016x%016x", rand.Uint64(), rand.Uint64())
		if _, err := s.DB.ExecContext(ctx, "UPDATE audit_head SET spool_id = $1 WHERE id = 1", dbID); err != nil {
			return err
		}
	}
	idFile := filepath.Join(sp.dir, "DB-ID")
	b, err := os.ReadFile(idFile)
	switch {
	case err == nil && strings.TrimSpace(string(b)) == dbID:
		return nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	if segs, _ := sp.segments(); len(segs) > 0 {
		aside := filepath.Join(sp.dir, "orphaned-"+time.Now().Format("20060102-150405"))
		if err := os.MkdirAll(aside, 0o750); err != nil {
			return err
		}
		for _, seg := range segs {
			if err := os.Rename(sp.segPath(seg), filepath.Join(aside, filepath.Base(sp.segPath(seg)))); err != nil {
				return err
			}
		}
		slog.Warn("审计预写日志目录属于另一个数据库，其中的记录未写入本数据库，已移至一旁 / the audit spool directory belongs to another database; its records were not inserted here and were moved aside",
			"dir", aside, "segments", len(segs))
	}
	if err := os.WriteFile(idFile, []byte(dbID+"\n"), 0o600); err != nil {
		return err
	}
	return syncDir(sp.dir)
}

// replay inserts what earlier runs spooled but did not insert, removes their segments and
// returns the number of the next segment.
func (s *Service) replay(ctx context.Context, sp *spool) (int64, error) {
	var head spoolPos
	if err := s.DB.QueryRowContext(ctx, "SELECT spool_seg, spool_off FROM audit_head WHERE id = 1").Scan(&head.seg, &head.off); err != nil {
		return 0, err
	}
	segs, err := sp.segments()
	if err != nil {
		return 0, err
	}
	next := head.seg + 1
	total := 0
	for _, seg := range segs {
		next = max(next, seg+1)
		if seg < head.seg {
			continue
		}
		from := int64(0)
		if seg == head.seg {
			from = head.off
		}
		recs, ends, dropped, err := readSegment(sp.segPath(seg), from)
		if err != nil {
			return 0, err
		}
		if dropped > 0 {
			slog.Warn("审计预写日志末尾有未完成的写入，已忽略（从未确认）/ audit spool ends in an unfinished append, ignored (it was never acknowledged)", "segment", seg, "bytes", dropped)
		}
		for i := 0; i < len(recs); i += maxInsert {
			j := min(i+maxInsert, len(recs))
			pos := spoolPos{seg, ends[j-1]}
			if err := s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.appendRecords(ctx, tx, recs[i:j], &pos) }); err != nil {
				return 0, fmt.Errorf("replaying the audit spool: %w", err)
			}
		}
		total += len(recs)
	}
	if total > 0 {
		slog.Info("已将上次运行的审计预写日志写入审计日志 / inserted the audit records spooled by the previous run", "records", total)
	}
	for _, seg := range segs {
		if err := os.Remove(sp.segPath(seg)); err != nil {
			return 0, err
		}
	}
	return next, nil
}

// SetSpoolSync replaces the fsync (fdatasync) that makes each spool append durable before Log
// answers; nil restores it. It is a seam for tests: one that makes the fsync fail (Log must then
// answer only once the record is in the database, or fail), and one that skips it (which a
// durability test must catch). Production code never calls it.
func (s *Service) SetSpoolSync(fn func(f *os.File) error) {
	if fn == nil {
		s.fsync.Store(nil)
		return
	}
	s.fsync.Store(&fn)
}

// logSpooled is the writer's path for one batch when the spool is on.
func (s *Service) logSpooled(sp *spool, batch []*pending) error {
	var n int
	for _, p := range batch {
		if p.frame == nil {
			p.frame = encodeFrame(p.rec)
		}
		n += len(p.frame)
	}
	buf := make([]byte, 0, n)
	recs := make([]prepared, len(batch))
	for i, p := range batch {
		buf = append(buf, p.frame...)
		recs[i] = p.rec
	}
	sync := datasync
	if f := s.fsync.Load(); f != nil {
		sync = *f
	}
	end, err := sp.append(buf, len(recs), sync)
	if err != nil {
		return err
	}
	select {
	case sp.ins <- spoolBatch{recs: recs, end: end}:
	case <-sp.gone: // closing: the records wait in the spool for the next start
	}
	return nil
}

// inserter moves spooled records into the table, many per transaction.
func (s *Service) inserter(sp *spool) {
	defer close(sp.gone)
	for {
		var first spoolBatch
		select {
		case first = <-sp.ins:
		case <-sp.stop:
			return
		}
		recs, end := first.recs, first.end
		linger := time.NewTimer(insertLinger)
	gather:
		for len(recs) < maxInsert {
			select {
			case b := <-sp.ins:
				recs, end = append(recs, b.recs...), b.end
			case <-sp.kick:
				for len(recs) < maxInsert {
					select {
					case b := <-sp.ins:
						recs, end = append(recs, b.recs...), b.end
						continue
					default:
					}
					break
				}
				break gather
			case <-linger.C:
				break gather
			case <-sp.stop:
				break gather
			}
		}
		linger.Stop()
		if sp.hold != nil {
			select {
			case <-sp.hold:
			case <-sp.stop:
				return
			}
		}
		backoff := 50 * time.Millisecond
		for {
			err := s.DB.Tx(context.Background(), func(tx *sql.Tx) error {
				return s.appendRecords(context.Background(), tx, recs, &end)
			})
			sp.mu.Lock()
			sp.failing = err
			if err == nil {
				sp.done += int64(len(recs))
			}
			close(sp.wait)
			sp.wait = make(chan struct{})
			sp.mu.Unlock()
			if err == nil {
				break
			}
			// The records stay durable in the spool; keep trying (the database may be busy or
			// its disk full). If this process stops first, the next start inserts them.
			slog.Error("审计记录写入数据库失败，稍后重试 / inserting spooled audit records failed; retrying", "records", len(recs), "err", err)
			select {
			case <-time.After(backoff):
			case <-sp.stop:
				return
			}
			backoff = min(backoff*2, 5*time.Second)
		}
		for ; sp.dropSeg < end.seg; sp.dropSeg++ {
			_ = os.Remove(sp.segPath(sp.dropSeg))
		}
	}
}

// Flush waits until every record acknowledged so far is in the table. It returns the inserter's
// error if inserting is failing.
func (s *Service) Flush(ctx context.Context) error {
	sp := s.sp.Load()
	if sp == nil {
		return nil
	}
	sp.mu.Lock()
	target := sp.acked
	sp.mu.Unlock()
	for {
		sp.mu.Lock()
		done, wait, failing := sp.done, sp.wait, sp.failing
		sp.mu.Unlock()
		if done >= target {
			return nil
		}
		if failing != nil {
			return failing
		}
		select {
		case sp.kick <- struct{}{}:
		default:
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		case <-sp.gone:
			return errSpoolClosed
		}
	}
}

// Close inserts what is spooled, stops the inserter and releases the spool; later Log calls
// write directly. The database stays open.
func (s *Service) Close() error {
	sp := s.sp.Load()
	if sp == nil {
		return nil
	}
	var err error
	sp.closeOnce.Do(func() {
		sp.wmu.Lock()
		sp.closed = true // no more appends: what is acknowledged now is all there will be
		sp.wmu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), closeDeadline)
		defer cancel()
		err = s.Flush(ctx)
		close(sp.stop)
		<-sp.gone
		sp.mu.Lock()
		complete := sp.done == sp.acked
		sp.mu.Unlock()
		sp.f.Close()
		if complete && err == nil {
			if segs, lerr := sp.segments(); lerr == nil {
				for _, seg := range segs {
					_ = os.Remove(sp.segPath(seg))
				}
			}
		}
		sp.lock.Close() // releases the lock
	})
	return err
}
