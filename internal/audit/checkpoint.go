package audit

// Signed checkpoints of the audit log (审计日志签名检查点, SEC-4).
//
// The hash chain alone detects an edit only if nobody re-hashes: whoever can write the table can
// delete the last records together with the head row, or edit a record and re-hash everything
// after it, and Verify still passes. A checkpoint closes that gap from outside: on a schedule the
// platform signs (Ed25519, or SM2 when the audit hash is SM3) the number of records, the hash of
// the last one and the Merkle root (RFC 6962 shape) over all record hashes. Oversight bodies and
// auditors fetch checkpoints and the public key through the API and keep them; later,
// VerifyCheckpoint proves that the log still holds exactly the checkpointed prefix, and an
// inclusion proof shows that one record is in it without reading the rest of the log.

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/keys"
)

// Checkpoint is a signed statement of the log's state: records 1…Size exist and the last one's
// hash is Head; Root is the Merkle root over the hashes of records 1…Size.
type Checkpoint struct {
	Size      int64     `json:"size"`
	Head      string    `json:"head"`
	Root      string    `json:"root"`
	HashAlgo  string    `json:"hash_algo"` // the Merkle tree's hash: sha256 or sm3
	At        time.Time `json:"at"`
	SigAlgo   string    `json:"sig_algo"`   // ed25519 or sm2
	KeyID     string    `json:"key_id"`     // first 16 hex digits of SHA-256 over the public key
	PublicKey string    `json:"public_key"` // base64 PKIX DER
	Signature string    `json:"signature"`  // base64
}

// message is the exact text that is signed.
func (c *Checkpoint) message() []byte {
	return fmt.Appendf(nil, "pubdata-audit-checkpoint/v1\nhash_algo %s\nsize %d\nhead %s\nroot %s\nat %d\nsig_algo %s\nkey_id %s\n",
		c.HashAlgo, c.Size, c.Head, c.Root, c.At.UnixMilli(), c.SigAlgo, c.KeyID)
}

// Errors of checkpoint checks.
var (
	ErrCheckpointSignature = apperr.New(http.StatusUnprocessableEntity, "audit_checkpoint_signature",
		"检查点签名无效或签名密钥不是本平台的检查点密钥，已拒绝", "the checkpoint's signature is invalid or its key is not this platform's checkpoint key; refused")
	ErrLogRewritten = apperr.New(http.StatusConflict, "audit_log_rewritten",
		"审计日志与上一个签名检查点不一致（记录被删除或改写），拒绝签发新检查点", "the audit log no longer matches the last signed checkpoint (records removed or rewritten); no new checkpoint is signed")
	ErrNoCheckpoint = apperr.New(http.StatusNotFound, "audit_no_checkpoint", "尚无审计检查点", "there is no audit checkpoint yet")
)

// treeHasher is the RFC 6962 Merkle tree hash (0x00 before a leaf, 0x01 before two children)
// over SHA-256 or SM3.
type treeHasher struct{ algo string }

func (h treeHasher) sum(prefix byte, parts ...[]byte) []byte {
	x := newHash(h.algo)
	x.Write([]byte{prefix})
	for _, p := range parts {
		x.Write(p)
	}
	return x.Sum(nil)
}
func (h treeHasher) EmptyRoot() []byte               { return newHash(h.algo).Sum(nil) }
func (h treeHasher) HashLeaf(leaf []byte) []byte     { return h.sum(0, leaf) }
func (h treeHasher) HashChildren(l, r []byte) []byte { return h.sum(1, l, r) }
func (h treeHasher) Size() int                       { return 32 }
func (h treeHasher) factory() *compact.RangeFactory {
	return &compact.RangeFactory{Hash: h.HashChildren}
}
func (h treeHasher) leaf(recordHash string) []byte {
	b, _ := hex.DecodeString(recordHash)
	return h.HashLeaf(b)
}

// sigAlgoFor is the checkpoint signature that goes with an audit hash: SM2 with SM3 (the
// national algorithms together), Ed25519 otherwise.
func sigAlgoFor(hashAlgo string) string {
	if hashAlgo == "sm3" {
		return "sm2"
	}
	return "ed25519"
}
func keyID(der []byte) string                  { s := sha256.Sum256(der); return hex.EncodeToString(s[:8]) }
func b64(b []byte) string                      { return base64.StdEncoding.EncodeToString(b) }
func unb64(s string) ([]byte, error)           { return base64.StdEncoding.DecodeString(s) }
func newTreeRange(h treeHasher) *compact.Range { return h.factory().NewEmptyRange(0) }
func rootHex(r *compact.Range, h treeHasher) string {
	root, _ := r.GetRootHash(nil)
	return rootOr(root, h)
}
func rootOr(root []byte, h treeHasher) string {
	if root == nil {
		root = h.EmptyRoot()
	}
	return hex.EncodeToString(root)
}

// ---- the platform secret and pseudonyms ----

// secretSetting is the settings row holding the generated platform secret when the platform is
// configured without one (app.Config.SecretKey), as for ingest's DSN key.
const secretSetting = "audit.secret_key"

type secrets struct {
	mu     sync.Mutex
	master []byte
	pseudo sync.Pool // keyed hashers for Pseudonym
	key    map[string]*signingKey
}

// master returns the platform secret: SecretKey, else the settings row (generated at first use),
// sealed under the key ring when the service has one (an earlier plain row is sealed in place).
func (s *Service) master(ctx context.Context) ([]byte, error) {
	s.sec.mu.Lock()
	defer s.sec.mu.Unlock()
	if s.sec.master != nil {
		return s.sec.master, nil
	}
	if len(s.SecretKey) > 0 {
		s.sec.master = s.SecretKey
		return s.sec.master, nil
	}
	aad := keys.AAD("settings", "value", secretSetting)
	var v string
	err := s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", secretSetting).Scan(&v)
	if db.IsNoRows(err) {
		b := make([]byte, 32)
		rand.Read(b)
		stored := b64(b)
		if s.Keys != nil {
			if stored, err = s.Keys.SealString(ctx, stored, aad); err != nil {
				return nil, fmt.Errorf("audit secret: %w", err)
			}
		}
		if _, err := s.DB.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", secretSetting, stored); err != nil {
			return nil, err
		}
		err = s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", secretSetting).Scan(&v)
	}
	if err != nil {
		return nil, fmt.Errorf("audit secret: %w", err)
	}
	plain := v
	if keys.Sealed(v) {
		if s.Keys == nil {
			return nil, errors.New("audit secret: sealed under the key ring, but no key ring is configured")
		}
		if plain, err = s.Keys.OpenString(ctx, v, aad); err != nil {
			return nil, fmt.Errorf("audit secret: %w", err)
		}
	} else if s.Keys != nil {
		// A row from before the key ring: seal it where it is (a concurrent node does the same
		// or has done; the update compares the old value).
		if enc, err := s.Keys.SealString(ctx, v, aad); err == nil {
			s.DB.ExecContext(ctx, "UPDATE settings SET value = $1 WHERE key = $2 AND value = $3", enc, secretSetting, v)
		}
	}
	m, err := unb64(plain)
	if err != nil {
		return nil, fmt.Errorf("audit secret: %w", err)
	}
	s.sec.master = m
	return m, nil
}

// SecretColumns are the audit secrets kept in the database, for the key ring's re-encryption:
// the platform secret's settings row and the checkpoint signing keys.
func (s *Service) SecretColumns() []keys.Column {
	return []keys.Column{
		{Table: "settings", ID: "key", Col: "value", Where: "key = '" + secretSetting + "'"},
		{Table: "audit_signing_keys", ID: "algo", Col: "private_key", Legacy: func(ctx context.Context, algo, v string) ([]byte, error) {
			aead, err := s.sealer(ctx)
			if err != nil {
				return nil, err
			}
			b, err := unb64(v)
			if err != nil || len(b) < aead.NonceSize() {
				return nil, errors.New("audit signing key: malformed")
			}
			return aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(algo))
		}},
	}
}

func derive(master []byte, purpose string) []byte {
	k := sha256.Sum256(append([]byte("pubdata/audit/"+purpose+"\x00"), master...))
	return k[:]
}

// LoadSecret reads (or generates) the platform secret now, so that a misconfigured database
// fails at start rather than at the first data access.
func (s *Service) LoadSecret(ctx context.Context) error { _, err := s.master(ctx); return err }

// Pseudonym is how a personal key (an ID number, a credit code, an account) is kept in audit
// details (审计假名): HMAC-SHA-256 (HMAC-SM3 when the audit hash is SM3) under a key derived from
// the platform secret. Unlike a plain hash it cannot be reversed by enumerating the few billion
// possible ID numbers, and a data subject's key still maps to the same value every time.
func (s *Service) Pseudonym(ctx context.Context, v string) (string, error) {
	h, _ := s.sec.pseudo.Get().(hash.Hash)
	if h == nil {
		m, err := s.master(ctx)
		if err != nil {
			return "", err
		}
		algo := s.Algo
		h = hmac.New(func() hash.Hash { return newHash(algo) }, derive(m, "pseudonym"))
	}
	h.Reset()
	h.Write([]byte(v))
	out := hex.EncodeToString(h.Sum(nil))
	s.sec.pseudo.Put(h)
	return out, nil
}

// ---- the signing key ----

type signingKey struct {
	algo   string // ed25519 or sm2
	id     string
	pubDER []byte
	priv   crypto.Signer
}

func (k *signingKey) sign(msg []byte) ([]byte, error) {
	if k.algo == "sm2" {
		return k.priv.Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, nil))
	}
	return k.priv.Sign(rand.Reader, msg, crypto.Hash(0))
}

// sealer is AES-256-GCM under a key derived from the platform secret.
func (s *Service) sealer(ctx context.Context) (cipher.AEAD, error) {
	m, err := s.master(ctx)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(derive(m, "signing-key"))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// signingKey returns the checkpoint key for algo, generating and storing it at first use.
func (s *Service) signingKey(ctx context.Context, algo string) (*signingKey, error) {
	s.sec.mu.Lock()
	k := s.sec.key[algo]
	s.sec.mu.Unlock()
	if k != nil {
		return k, nil
	}
	aead, err := s.sealer(ctx)
	if err != nil {
		return nil, err
	}
	var id, pub, sealed string
	err = s.DB.QueryRowContext(ctx, "SELECT key_id, public_key, private_key FROM audit_signing_keys WHERE algo = $1", algo).Scan(&id, &pub, &sealed)
	if db.IsNoRows(err) {
		var priv any
		var pubKey any
		if algo == "sm2" {
			p, gerr := sm2.GenerateKey(rand.Reader)
			if gerr != nil {
				return nil, gerr
			}
			priv, pubKey = p, &p.PublicKey
		} else {
			pk, p, gerr := ed25519.GenerateKey(rand.Reader)
			if gerr != nil {
				return nil, gerr
			}
			priv, pubKey = p, pk
		}
		der, merr := smx509.MarshalPKCS8PrivateKey(priv)
		if merr != nil {
			return nil, merr
		}
		pubDER, merr := smx509.MarshalPKIXPublicKey(pubKey)
		if merr != nil {
			return nil, merr
		}
		var enc string
		if s.Keys != nil {
			if enc, err = s.Keys.Seal(ctx, der, keys.AAD("audit_signing_keys", "private_key", algo)); err != nil {
				return nil, err
			}
		} else {
			nonce := make([]byte, aead.NonceSize())
			rand.Read(nonce)
			enc = b64(aead.Seal(nonce, nonce, der, []byte(algo)))
		}
		if _, err := s.DB.ExecContext(ctx, `INSERT INTO audit_signing_keys (algo, key_id, public_key, private_key, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (algo) DO NOTHING`, algo, keyID(pubDER), b64(pubDER), enc, s.Now().UnixMilli()); err != nil {
			return nil, err
		}
		err = s.DB.QueryRowContext(ctx, "SELECT key_id, public_key, private_key FROM audit_signing_keys WHERE algo = $1", algo).Scan(&id, &pub, &sealed)
	}
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	var der []byte
	if keys.Sealed(sealed) && s.Keys != nil {
		der, err = s.Keys.Open(ctx, sealed, keys.AAD("audit_signing_keys", "private_key", algo))
	} else {
		b, uerr := unb64(sealed)
		if uerr != nil || len(b) < aead.NonceSize() {
			return nil, errors.New("audit signing key: malformed")
		}
		der, err = aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(algo))
	}
	if err != nil {
		return nil, fmt.Errorf("audit signing key cannot be opened with the platform secret: %w", err)
	}
	priv, err := smx509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, errors.New("audit signing key: not a signer")
	}
	pubDER, err := unb64(pub)
	if err != nil {
		return nil, err
	}
	k = &signingKey{algo: algo, id: id, pubDER: pubDER, priv: signer}
	s.sec.mu.Lock()
	if s.sec.key == nil {
		s.sec.key = map[string]*signingKey{}
	}
	s.sec.key[algo] = k
	s.sec.mu.Unlock()
	return k, nil
}

// PublicKey is a published checkpoint key.
type PublicKey struct {
	Algo      string    `json:"algo"`
	KeyID     string    `json:"key_id"`
	PublicKey string    `json:"public_key"` // base64 PKIX DER
	PEM       string    `json:"pem"`
	CreatedAt time.Time `json:"created_at"`
}

// PublicKeys lists the platform's checkpoint keys (at most one per algorithm), creating the one
// of the current algorithm if it does not exist yet.
func (s *Service) PublicKeys(ctx context.Context) ([]PublicKey, error) {
	if _, err := s.signingKey(ctx, sigAlgoFor(s.Algo)); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT algo, key_id, public_key, created_at FROM audit_signing_keys ORDER BY algo LIMIT 16")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PublicKey
	for rows.Next() {
		var k PublicKey
		var at int64
		if err := rows.Scan(&k.Algo, &k.KeyID, &k.PublicKey, &at); err != nil {
			return nil, err
		}
		k.CreatedAt = time.UnixMilli(at)
		k.PEM = PublicKeyPEM(k.PublicKey)
		out = append(out, k)
	}
	return out, rows.Err()
}

// PublicKeyPEM renders a base64 DER public key as PEM.
func PublicKeyPEM(derB64 string) string {
	var b []byte
	b = append(b, "-----BEGIN PUBLIC KEY-----\n"...)
	for i := 0; i < len(derB64); i += 64 {
		b = append(b, derB64[i:min(i+64, len(derB64))]...)
		b = append(b, '\n')
	}
	return string(append(b, "-----END PUBLIC KEY-----\n"...))
}

// CheckSignature verifies a checkpoint's signature with the public key it names, and that the key
// is one of trusted (base64 DER public keys: the platform's published keys, or a key the auditor
// pinned). A checkpoint whose fields were changed after signing, or that was signed with another
// key, is refused with ErrCheckpointSignature.
func CheckSignature(cp Checkpoint, trusted []string) error {
	known := false
	for _, t := range trusted {
		known = known || t == cp.PublicKey
	}
	if !known {
		return ErrCheckpointSignature
	}
	der, err := unb64(cp.PublicKey)
	if err != nil || keyID(der) != cp.KeyID {
		return ErrCheckpointSignature
	}
	sig, err := unb64(cp.Signature)
	if err != nil {
		return ErrCheckpointSignature
	}
	pub, err := smx509.ParsePKIXPublicKey(der)
	if err != nil {
		return ErrCheckpointSignature
	}
	ok := false
	switch k := pub.(type) {
	case ed25519.PublicKey:
		ok = cp.SigAlgo == "ed25519" && ed25519.Verify(k, cp.message(), sig)
	case *ecdsa.PublicKey:
		ok = cp.SigAlgo == "sm2" && sm2.IsSM2PublicKey(k) && sm2.VerifyASN1WithSM2(k, nil, cp.message(), sig)
	}
	if !ok {
		return ErrCheckpointSignature
	}
	return nil
}

// trustedKeys are the platform's published checkpoint keys.
func (s *Service) trustedKeys(ctx context.Context) ([]string, error) {
	ks, err := s.PublicKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.PublicKey
	}
	return out, nil
}

// ---- making checkpoints ----

// walk calls fn for records from+1 … to in order, checking as Verify does that each one follows
// the previous (prev is the hash of record from, "" for the start). It stops at the first record
// that does not verify and returns it as a VerifyResult with OK false; n is how many records
// were walked and verified.
func (s *Service) walk(ctx context.Context, from, to int64, prev string, fn func(r *Record)) (n int64, bad *VerifyResult, err error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, org_id, action, object_type, object_id, purpose,
		grant_id, result, client_ip, detail, retention, algo, prev_hash, hash FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq`, from, to)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	expect := from + 1
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return n, nil, err
		}
		switch {
		case r.Seq != expect:
			return n, &VerifyResult{Count: expect - 1, BadSeq: expect, Reason: fmt.Sprintf("第 %d 条记录缺失或顺序被改动 / record %d is missing or out of order (found %d)", expect, expect, r.Seq)}, nil
		case r.PrevHash != prev:
			return n, &VerifyResult{Count: expect - 1, BadSeq: r.Seq, Reason: fmt.Sprintf("第 %d 条记录的前序哈希不符，链条被改动 / record %d does not follow the previous record (chain broken)", r.Seq, r.Seq)}, nil
		case chainHash(&r) != r.Hash:
			return n, &VerifyResult{Count: expect - 1, BadSeq: r.Seq, Reason: fmt.Sprintf("第 %d 条记录内容被篡改 / record %d was altered", r.Seq, r.Seq)}, nil
		}
		fn(&r)
		prev = r.Hash
		expect++
		n++
	}
	return n, nil, rows.Err()
}

// Checkpoints lists signed checkpoints, newest first (at most limit, 1…1000).
func (s *Service) Checkpoints(ctx context.Context, limit int) ([]Checkpoint, error) {
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT body FROM audit_checkpoints ORDER BY size DESC LIMIT %d", limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Checkpoint{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var cp Checkpoint
		if err := json.Unmarshal([]byte(body), &cp); err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, rows.Err()
}

// LatestCheckpoint is the newest signed checkpoint, or ErrNoCheckpoint.
func (s *Service) LatestCheckpoint(ctx context.Context) (Checkpoint, error) {
	cps, err := s.Checkpoints(ctx, 1)
	if err != nil {
		return Checkpoint{}, err
	}
	if len(cps) == 0 {
		return Checkpoint{}, ErrNoCheckpoint
	}
	return cps[0], nil
}

// checkpointAt is the stored checkpoint of exactly size records.
func (s *Service) checkpointAt(ctx context.Context, size int64) (Checkpoint, error) {
	var body string
	err := s.DB.QueryRowContext(ctx, "SELECT body FROM audit_checkpoints WHERE size = $1", size).Scan(&body)
	if db.IsNoRows(err) {
		return Checkpoint{}, ErrNoCheckpoint
	}
	if err != nil {
		return Checkpoint{}, err
	}
	var cp Checkpoint
	return cp, json.Unmarshal([]byte(body), &cp)
}

// MakeCheckpoint signs a checkpoint of the log as it is now and stores it; made reports whether a
// new one was signed (none is when the log has not grown since the last one, or is empty). It
// continues the previous checkpoint's Merkle range, so it reads only the records added since —
// and it first checks that the log still ends the previous checkpoint's prefix with the same hash
// and that every new record follows it: a rewritten log gets no new signature (ErrLogRewritten).
func (s *Service) MakeCheckpoint(ctx context.Context) (cp Checkpoint, made bool, err error) {
	s.flushForRead(ctx)
	var size int64
	var head string
	if err := s.DB.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&size, &head); err != nil {
		return cp, false, err
	}
	h := treeHasher{s.Algo}
	rng := newTreeRange(h)
	var from int64
	prevHash := ""
	var last struct {
		size       int64
		body, tree string
	}
	err = s.DB.QueryRowContext(ctx, "SELECT size, body, tree FROM audit_checkpoints ORDER BY size DESC LIMIT 1").Scan(&last.size, &last.body, &last.tree)
	switch {
	case db.IsNoRows(err):
	case err != nil:
		return cp, false, err
	default:
		var prev Checkpoint
		if err := json.Unmarshal([]byte(last.body), &prev); err != nil {
			return cp, false, err
		}
		if size == prev.Size && head == prev.Head {
			return prev, false, nil
		}
		var got string
		if err := s.DB.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE seq = $1", prev.Size).Scan(&got); err != nil && !db.IsNoRows(err) {
			return cp, false, err
		}
		if size < prev.Size || got != prev.Head {
			slog.Error("审计日志与上一个签名检查点不一致 / the audit log does not match its last signed checkpoint", "checkpoint_size", prev.Size, "log_size", size)
			return cp, false, ErrLogRewritten
		}
		from, prevHash = prev.Size, prev.Head
		if prev.HashAlgo == s.Algo {
			var hs []string
			if err := json.Unmarshal([]byte(last.tree), &hs); err != nil {
				return cp, false, err
			}
			nodes := make([][]byte, len(hs))
			for i, x := range hs {
				nodes[i], _ = hex.DecodeString(x)
			}
			if rng, err = h.factory().NewRange(0, uint64(prev.Size), nodes); err != nil {
				return cp, false, err
			}
		} else {
			// The audit hash changed since: the tree is rebuilt over the whole log in the new hash
			// (the prefix is still vouched for by the previous checkpoint's head).
			if _, bad, err := s.walk(ctx, 0, prev.Size, "", func(r *Record) { rng.Append(h.leaf(r.Hash), nil) }); err != nil || bad != nil {
				if err == nil {
					err = ErrLogRewritten
				}
				return cp, false, err
			}
		}
	}
	if size == 0 {
		return cp, false, nil
	}
	n, bad, err := s.walk(ctx, from, size, prevHash, func(r *Record) { rng.Append(h.leaf(r.Hash), nil) })
	if err != nil {
		return cp, false, err
	}
	if bad != nil || from+n != size {
		slog.Error("审计日志哈希链被破坏，未签发检查点 / the audit chain is broken; no checkpoint signed", "from", from, "size", size)
		return cp, false, ErrLogRewritten
	}
	key, err := s.signingKey(ctx, sigAlgoFor(s.Algo))
	if err != nil {
		return cp, false, err
	}
	cp = Checkpoint{Size: size, Head: head, Root: rootHex(rng, h), HashAlgo: s.Algo, At: time.UnixMilli(s.Now().UnixMilli()).UTC(),
		SigAlgo: key.algo, KeyID: key.id, PublicKey: b64(key.pubDER)}
	sig, err := key.sign(cp.message())
	if err != nil {
		return cp, false, err
	}
	cp.Signature = b64(sig)
	tree := make([]string, len(rng.Hashes()))
	for i, x := range rng.Hashes() {
		tree[i] = hex.EncodeToString(x)
	}
	body, _ := json.Marshal(cp)
	treeJSON, _ := json.Marshal(tree)
	if _, err := s.DB.ExecContext(ctx, "INSERT INTO audit_checkpoints (size, at, body, tree) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING",
		cp.Size, cp.At.UnixMilli(), string(body), string(treeJSON)); err != nil {
		return cp, false, err
	}
	return cp, true, nil
}

// ---- checking the log against a checkpoint ----

// CheckpointResult reports VerifyCheckpoint: whether the log still holds the checkpointed
// prefix unchanged (Prefix), and the plain chain check of the whole log (Log).
type CheckpointResult struct {
	Size   int64        `json:"size"` // records the checkpoint covers
	OK     bool         `json:"ok"`   // the prefix holds and the whole chain verifies
	Prefix bool         `json:"prefix_ok"`
	BadSeq int64        `json:"bad_seq,omitempty"`
	Reason string       `json:"reason,omitempty"`
	Log    VerifyResult `json:"log"`
}

// VerifyCheckpoint checks the checkpoint's signature against trusted public keys (base64 DER;
// nil means the platform's own published keys) and then proves that the log still holds the
// checkpointed prefix: records 1…Size exist, each follows the previous, the last one's hash is
// the checkpoint's head and their Merkle root is its root. Deleting records (with the head row),
// editing and re-hashing, or editing alone are all caught as long as they touch the prefix. A bad
// signature is an error (ErrCheckpointSignature), not a result.
func (s *Service) VerifyCheckpoint(ctx context.Context, cp Checkpoint, trusted []string) (CheckpointResult, error) {
	if trusted == nil {
		var err error
		if trusted, err = s.trustedKeys(ctx); err != nil {
			return CheckpointResult{}, err
		}
	}
	if err := CheckSignature(cp, trusted); err != nil {
		return CheckpointResult{}, err
	}
	log, err := s.Verify(ctx)
	if err != nil {
		return CheckpointResult{}, err
	}
	res := CheckpointResult{Size: cp.Size, Log: log}
	h := treeHasher{cp.HashAlgo}
	rng := newTreeRange(h)
	last := ""
	n, bad, err := s.walk(ctx, 0, cp.Size, "", func(r *Record) { rng.Append(h.leaf(r.Hash), nil); last = r.Hash })
	if err != nil {
		return res, err
	}
	switch {
	case bad != nil:
		res.BadSeq, res.Reason = bad.BadSeq, bad.Reason
	case n < cp.Size:
		res.BadSeq = n + 1
		res.Reason = fmt.Sprintf("日志只剩 %d 条记录，检查点证明曾有 %d 条：第 %d 条及以后被删除 / the log holds %d records but the checkpoint proves %d: records from %d on were removed",
			n, cp.Size, n+1, n, cp.Size, n+1)
	case last != cp.Head || rootHex(rng, h) != cp.Root:
		res.BadSeq = cp.Size
		res.Reason = fmt.Sprintf("前 %d 条记录与签名检查点不符：记录被改写并重新计算了哈希 / records 1–%d differ from the signed checkpoint: they were rewritten and re-hashed", cp.Size, cp.Size)
	default:
		res.Prefix = true
	}
	res.OK = res.Prefix && log.OK
	if res.Prefix && !log.OK {
		res.BadSeq, res.Reason = log.BadSeq, log.Reason
	}
	return res, nil
}

// ---- inclusion proofs ----

// InclusionProof shows that one record is the record at its position in the log a checkpoint
// covers: the record (DetailJSON is the detail text exactly as hashed), the checkpoint's size and
// the Merkle audit path from the record's leaf to the checkpoint's root (hex).
type InclusionProof struct {
	Record     Record   `json:"record"`
	DetailJSON string   `json:"detail_json"`
	Size       int64    `json:"size"`
	HashAlgo   string   `json:"hash_algo"`
	Path       []string `json:"path"`
}

// Prove builds the inclusion proof of record seq in the checkpoint of size records (0: the
// latest checkpoint). It reads the hashes of the checkpoint's records once, in order.
func (s *Service) Prove(ctx context.Context, seq, size int64) (InclusionProof, Checkpoint, error) {
	var cp Checkpoint
	var err error
	if size == 0 {
		cp, err = s.LatestCheckpoint(ctx)
	} else {
		cp, err = s.checkpointAt(ctx, size)
	}
	if err != nil {
		return InclusionProof{}, cp, err
	}
	if seq < 1 || seq > cp.Size {
		return InclusionProof{}, cp, apperr.Invalid.With(apperr.Field("seq", fmt.Sprintf("记录序号须在 1–%d 之间（检查点覆盖的范围）", cp.Size), fmt.Sprintf("seq must be within 1–%d (the checkpoint's range)", cp.Size)))
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, org_id, action, object_type, object_id, purpose,
		grant_id, result, client_ip, detail, retention, algo, prev_hash, hash FROM audit_log WHERE seq = $1`, seq)
	if err != nil {
		return InclusionProof{}, cp, err
	}
	var rec Record
	found := false
	for rows.Next() {
		if rec, err = scan(rows); err != nil {
			rows.Close()
			return InclusionProof{}, cp, err
		}
		found = true
	}
	rows.Close()
	if !found {
		return InclusionProof{}, cp, apperr.NotFound
	}
	nodes, err := proof.Inclusion(uint64(seq-1), uint64(cp.Size))
	if err != nil {
		return InclusionProof{}, cp, err
	}
	path, err := s.proofPath(ctx, treeHasher{cp.HashAlgo}, nodes)
	if err != nil {
		return InclusionProof{}, cp, err
	}
	return InclusionProof{Record: rec, DetailJSON: rec.DetailJSON, Size: cp.Size, HashAlgo: cp.HashAlgo, Path: path}, cp, nil
}

// proofPath computes the hashes of a proof's nodes from the record hashes in the table (each
// node is a perfect subtree; together they read each record at most once) and returns the path.
func (s *Service) proofPath(ctx context.Context, h treeHasher, nodes proof.Nodes) ([]string, error) {
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		begin, end := id.Coverage()
		rng := h.factory().NewEmptyRange(begin)
		if err := s.hashes(ctx, int64(begin), int64(end), func(x string) { rng.Append(h.leaf(x), nil) }); err != nil {
			return nil, err
		}
		if rng.End() != end || len(rng.Hashes()) != 1 {
			return nil, ErrLogRewritten // records are missing
		}
		hashes[i] = rng.Hashes()[0]
	}
	raw, err := nodes.Rehash(hashes, h.HashChildren)
	if err != nil {
		return nil, err
	}
	path := make([]string, len(raw))
	for i, x := range raw {
		path[i] = hex.EncodeToString(x)
	}
	return path, nil
}

// ConsistencyProof shows that the log of a later checkpoint (To) only appended to the log of an
// earlier one of size From: RFC 6962 consistency proof between their Merkle roots. An oversight
// body that kept an old checkpoint checks each new one against it without reading the log; a
// log rewritten in between — even if the platform was then made to sign it — fails.
type ConsistencyProof struct {
	From int64      `json:"from"`
	To   Checkpoint `json:"to"`
	Path []string   `json:"path"`
}

// ProveConsistency builds the consistency proof from size from (any earlier checkpoint's size)
// to the stored checkpoint of size to (0: the latest).
func (s *Service) ProveConsistency(ctx context.Context, from, to int64) (ConsistencyProof, error) {
	var cp Checkpoint
	var err error
	if to == 0 {
		cp, err = s.LatestCheckpoint(ctx)
	} else {
		cp, err = s.checkpointAt(ctx, to)
	}
	if err != nil {
		return ConsistencyProof{}, err
	}
	if from < 1 || from > cp.Size {
		return ConsistencyProof{}, apperr.Invalid.With(apperr.Field("from", fmt.Sprintf("起始大小须在 1–%d 之间", cp.Size), fmt.Sprintf("from must be within 1–%d", cp.Size)))
	}
	nodes, err := proof.Consistency(uint64(from), uint64(cp.Size))
	if err != nil {
		return ConsistencyProof{}, err
	}
	path, err := s.proofPath(ctx, treeHasher{cp.HashAlgo}, nodes)
	if err != nil {
		return ConsistencyProof{}, err
	}
	return ConsistencyProof{From: from, To: cp, Path: path}, nil
}

// VerifyConsistency checks that newer extends older (both signatures checked by the caller with
// CheckSignature) by the proof p.
func VerifyConsistency(older, newer Checkpoint, p ConsistencyProof) error {
	if p.From != older.Size || p.To.Size != newer.Size || p.To.Root != newer.Root {
		return errors.New("the proof is not for these checkpoints")
	}
	if older.HashAlgo != newer.HashAlgo {
		return errors.New("the checkpoints use different hashes")
	}
	h := treeHasher{newer.HashAlgo}
	path := make([][]byte, len(p.Path))
	for i, x := range p.Path {
		b, err := hex.DecodeString(x)
		if err != nil {
			return errors.New("malformed proof")
		}
		path[i] = b
	}
	r1, err1 := hex.DecodeString(older.Root)
	r2, err2 := hex.DecodeString(newer.Root)
	if err1 != nil || err2 != nil {
		return errors.New("malformed checkpoint root")
	}
	return proof.VerifyConsistency(h, uint64(older.Size), uint64(newer.Size), path, r1, r2)
}

// hashes calls fn with the hashes of the records at leaf indexes begin … end-1 (seq begin+1 …).
func (s *Service) hashes(ctx context.Context, begin, end int64, fn func(string)) error {
	rows, err := s.DB.QueryContext(ctx, "SELECT hash FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq", begin, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			return err
		}
		fn(x)
	}
	return rows.Err()
}

// VerifyInclusion checks an inclusion proof against a checkpoint (whose signature the caller
// has checked with CheckSignature): the record's hash is recomputed from its fields, so an
// altered record — or a proof for another checkpoint — fails.
func VerifyInclusion(cp Checkpoint, p InclusionProof) error {
	r := p.Record
	r.DetailJSON = p.DetailJSON
	var detail map[string]any
	if p.DetailJSON != "" {
		if err := json.Unmarshal([]byte(p.DetailJSON), &detail); err != nil {
			return errors.New("record detail is malformed")
		}
	}
	if len(detail) != len(r.Detail) || (len(detail) > 0 && !reflect.DeepEqual(detail, r.Detail)) {
		return errors.New("record detail differs from the hashed detail text")
	}
	if chainHash(&r) != r.Hash {
		return errors.New("the record's fields do not hash to its hash: it was altered")
	}
	if p.Size != cp.Size || p.HashAlgo != cp.HashAlgo || r.Seq < 1 || r.Seq > cp.Size {
		return errors.New("the proof is not for this checkpoint")
	}
	h := treeHasher{cp.HashAlgo}
	path := make([][]byte, len(p.Path))
	for i, x := range p.Path {
		b, err := hex.DecodeString(x)
		if err != nil {
			return errors.New("malformed proof")
		}
		path[i] = b
	}
	root, err := hex.DecodeString(cp.Root)
	if err != nil {
		return errors.New("malformed checkpoint root")
	}
	return proof.VerifyInclusion(h, uint64(r.Seq-1), uint64(cp.Size), h.leaf(r.Hash), path, root)
}

// ensure the interface is met.
var _ interface {
	EmptyRoot() []byte
	HashLeaf([]byte) []byte
	HashChildren(l, r []byte) []byte
	Size() int
} = treeHasher{}
