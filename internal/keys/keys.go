// Package keys encrypts what the platform stores secretly (密钥管理, SEC-1, SEC-8): source
// database passwords, the audit log's signing key and pseudonym secret, and other secrets.
//
// Ciphertexts name the algorithm and the key that sealed them ("e1.<alg>.<kid>.<base64>"), so
// keys rotate without downtime: `pubdata keys rotate` adds a key and makes it the primary; new
// values are sealed under it at once, old values still open under their old key, and a
// background job (keys.reencrypt) re-seals every registered column in batches. Once it reports no
// value under an old key, the old key can be removed from the key file.
//
// Algorithms: AES-256-GCM ("a") by default, SM4-GCM ("s") with the national-cryptography setting
// (GB/T 32907, github.com/emmansun/gmsm). Keys come from a Provider: a key file (FileProvider),
// or — only when no key file is configured — the settings table (DBProvider, a zero-configuration
// fallback that keeps keys beside the data and is reported as such).
package keys

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"

	"pubdata/internal/apperr"
)

// Algorithms.
const (
	AES = "a" // AES-256-GCM
	SM4 = "s" // SM4-GCM (national commercial cryptography)
)

// Key is one key version: 32 random bytes under a short id.
type Key struct {
	ID      string    `json:"id"`
	Secret  []byte    `json:"key"`
	Created time.Time `json:"created"`
}

// Set is what a provider holds: its keys and the id of the primary (the key new values are
// sealed under).
type Set struct {
	Primary string `json:"primary"`
	Keys    []Key  `json:"keys"`
}

// Find returns the key with id.
func (s Set) Find(id string) (Key, bool) {
	for _, k := range s.Keys {
		if k.ID == id {
			return k, true
		}
	}
	return Key{}, false
}

// Provider supplies keys: a key file, or an external key service (KMS, HSM, a cipher machine)
// behind the same two calls.
type Provider interface {
	// Keys returns the current key set.
	Keys(ctx context.Context) (Set, error)
	// Rotate adds a new key and makes it the primary.
	Rotate(ctx context.Context) (Key, error)
	// Name says where the keys are, for operators ("file /etc/pubdata/keys.json").
	Name() string
}

// NewKey makes a random key.
func NewKey(now time.Time) Key {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	id := make([]byte, 4)
	rand.Read(id)
	return Key{ID: hex.EncodeToString(id), Secret: b, Created: now.UTC()}
}

// Errors.
var (
	ErrUnknownKey = apperr.New(http.StatusInternalServerError, "keys_unknown_key",
		"密文所用的密钥不在密钥文件中（密钥被删除过早？），无法解密", "the key that sealed this value is not in the key file (removed too early?); it cannot be opened")
	ErrOpen = apperr.New(http.StatusInternalServerError, "keys_open_failed",
		"密文无法用其密钥解密（密文被改动或密钥错误）", "the value cannot be opened with its key (altered, or the wrong key)")
)

// Ring seals and opens values under a provider's keys. It caches one AEAD per key and
// algorithm, so sealing a field costs one GCM operation.
type Ring struct {
	Provider Provider
	// Fallback providers are consulted to open values whose key the Provider does not hold
	// (the settings-table keys after moving to a key file); new values never use them.
	Fallback []Provider
	// Algo is AES (default) or SM4.
	Algo string

	mu     sync.RWMutex
	set    Set
	loaded bool
	aeads  map[string]cipher.AEAD // alg + kid
	fbLoad bool
}

// NewRing builds a ring over p; national selects SM4-GCM.
func NewRing(p Provider, national bool, fallback ...Provider) *Ring {
	algo := AES
	if national {
		algo = SM4
	}
	return &Ring{Provider: p, Algo: algo, Fallback: fallback}
}

// Reload re-reads the provider (after a rotation on another node).
func (r *Ring) Reload(ctx context.Context) error {
	set, err := r.Provider.Keys(ctx)
	if err != nil {
		return err
	}
	if len(set.Keys) == 0 {
		return fmt.Errorf("keys: %s holds no key", r.Provider.Name())
	}
	if _, ok := set.Find(set.Primary); !ok {
		return fmt.Errorf("keys: %s names primary %q but holds no such key", r.Provider.Name(), set.Primary)
	}
	r.mu.Lock()
	r.set, r.loaded, r.fbLoad = set, true, false
	r.mu.Unlock()
	return nil
}

func (r *Ring) current(ctx context.Context) (Set, error) {
	r.mu.RLock()
	set, ok := r.set, r.loaded
	r.mu.RUnlock()
	if ok {
		return set, nil
	}
	if err := r.Reload(ctx); err != nil {
		return Set{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.set, nil
}

// Primary is the id of the key new values are sealed under.
func (r *Ring) Primary(ctx context.Context) (string, error) {
	set, err := r.current(ctx)
	return set.Primary, err
}

// Prefix is how every value sealed under the primary key and current algorithm begins: values
// without it are due for re-encryption.
func (r *Ring) Prefix(ctx context.Context) (string, error) {
	p, err := r.Primary(ctx)
	if err != nil {
		return "", err
	}
	return "e1." + r.algo() + "." + p + ".", nil
}

func (r *Ring) algo() string {
	if r.Algo == SM4 {
		return SM4
	}
	return AES
}

// aead returns the cached AEAD for (alg, kid), building it from the key on first use.
func (r *Ring) aead(ctx context.Context, alg, kid string) (cipher.AEAD, error) {
	r.mu.RLock()
	a := r.aeads[alg+kid]
	r.mu.RUnlock()
	if a != nil {
		return a, nil
	}
	k, err := r.find(ctx, kid)
	if err != nil {
		return nil, err
	}
	a, err = newAEAD(alg, k.Secret)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.aeads == nil {
		r.aeads = map[string]cipher.AEAD{}
	}
	r.aeads[alg+kid] = a
	r.mu.Unlock()
	return a, nil
}

func (r *Ring) find(ctx context.Context, kid string) (Key, error) {
	set, err := r.current(ctx)
	if err != nil {
		return Key{}, err
	}
	if k, ok := set.Find(kid); ok {
		return k, nil
	}
	// Another node may have rotated: read the provider again, then the fallbacks.
	if err := r.Reload(ctx); err == nil {
		r.mu.RLock()
		k, ok := r.set.Find(kid)
		r.mu.RUnlock()
		if ok {
			return k, nil
		}
	}
	for _, fb := range r.Fallback {
		set, err := fb.Keys(ctx)
		if err != nil {
			continue
		}
		if k, ok := set.Find(kid); ok {
			return k, nil
		}
	}
	return Key{}, ErrUnknownKey
}

// newAEAD makes AES-256-GCM over the key, or SM4-GCM over a 128-bit key derived from it with SM3.
func newAEAD(alg string, secret []byte) (cipher.AEAD, error) {
	switch alg {
	case AES:
		k := sha256.Sum256(append([]byte("pubdata/keys/aes256gcm\x00"), secret...))
		b, err := aes.NewCipher(k[:])
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(b)
	case SM4:
		h := sm3.New()
		h.Write([]byte("pubdata/keys/sm4gcm\x00"))
		h.Write(secret)
		k := h.Sum(nil)[:16]
		b, err := sm4.NewCipher(k)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(b)
	}
	return nil, fmt.Errorf("keys: unknown algorithm %q", alg)
}

// Seal encrypts plain under the primary key. aad binds the ciphertext to where it is stored
// (table, column, row id): a value copied to another row does not open.
func (r *Ring) Seal(ctx context.Context, plain []byte, aad string) (string, error) {
	set, err := r.current(ctx)
	if err != nil {
		return "", err
	}
	alg := r.algo()
	a, err := r.aead(ctx, alg, set.Primary)
	if err != nil {
		return "", err
	}
	buf := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	buf = a.Seal(buf, buf, plain, []byte(aad))
	var b strings.Builder
	b.Grow(8 + len(set.Primary) + base64.RawStdEncoding.EncodedLen(len(buf)))
	b.WriteString("e1.")
	b.WriteString(alg)
	b.WriteByte('.')
	b.WriteString(set.Primary)
	b.WriteByte('.')
	b.WriteString(base64.RawStdEncoding.EncodeToString(buf))
	return b.String(), nil
}

// SealDeterministic encrypts plain under the primary key with a nonce derived from the value
// itself (an HMAC of aad and plain under a key derived from the secret, SIV-style): the same
// value in the same place seals to the same ciphertext under the same key. That lets stored data
// values be found by equality (a filter seals its value under each key of the ring) and compared
// when a load re-delivers them, at the cost of revealing which stored values are equal. The
// result opens with Open like any sealed value.
func (r *Ring) SealDeterministic(ctx context.Context, plain []byte, aad string) (string, error) {
	set, err := r.current(ctx)
	if err != nil {
		return "", err
	}
	return r.sealDet(ctx, set.Primary, plain, aad)
}

func (r *Ring) sealDet(ctx context.Context, kid string, plain []byte, aad string) (string, error) {
	alg := r.algo()
	a, err := r.aead(ctx, alg, kid)
	if err != nil {
		return "", err
	}
	k, err := r.find(ctx, kid)
	if err != nil {
		return "", err
	}
	mk := sha256.Sum256(append([]byte("pubdata/keys/det-nonce\x00"), k.Secret...))
	m := hmac.New(sha256.New, mk[:])
	m.Write([]byte(aad))
	m.Write([]byte{0})
	m.Write(plain)
	buf := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	copy(buf, m.Sum(nil))
	buf = a.Seal(buf, buf, plain, []byte(aad))
	return "e1." + alg + "." + kid + "." + base64.RawStdEncoding.EncodeToString(buf), nil
}

// SealEveryKey is SealDeterministic of plain under every key the ring holds (the primary
// first): the forms a stored value may take while a rotation's re-encryption is under way.
func (r *Ring) SealEveryKey(ctx context.Context, plain []byte, aad string) ([]string, error) {
	set, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set.Keys))
	v, err := r.sealDet(ctx, set.Primary, plain, aad)
	if err != nil {
		return nil, err
	}
	out = append(out, v)
	for _, k := range set.Keys {
		if k.ID == set.Primary {
			continue
		}
		if v, err := r.sealDet(ctx, k.ID, plain, aad); err == nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// SealString is Seal of a string.
func (r *Ring) SealString(ctx context.Context, plain, aad string) (string, error) {
	return r.Seal(ctx, []byte(plain), aad)
}

// Sealed reports whether v is a ring ciphertext (else it is a legacy or plain value).
func Sealed(v string) bool { return strings.HasPrefix(v, "e1.") }

// KeyOf returns the key id and algorithm of a ring ciphertext.
func KeyOf(v string) (alg, kid string, ok bool) {
	if !Sealed(v) {
		return "", "", false
	}
	parts := strings.SplitN(v, ".", 4)
	if len(parts) != 4 {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// Open decrypts a value sealed by Seal with the same aad.
func (r *Ring) Open(ctx context.Context, v, aad string) ([]byte, error) {
	parts := strings.SplitN(v, ".", 4)
	if len(parts) != 4 || parts[0] != "e1" {
		return nil, errors.New("keys: not a sealed value")
	}
	a, err := r.aead(ctx, parts[1], parts[2])
	if err != nil {
		return nil, err
	}
	b, err := base64.RawStdEncoding.DecodeString(parts[3])
	if err != nil || len(b) < a.NonceSize() {
		return nil, ErrOpen
	}
	p, err := a.Open(nil, b[:a.NonceSize()], b[a.NonceSize():], []byte(aad))
	if err != nil {
		return nil, ErrOpen
	}
	return p, nil
}

// OpenString is Open returning a string.
func (r *Ring) OpenString(ctx context.Context, v, aad string) (string, error) {
	p, err := r.Open(ctx, v, aad)
	return string(p), err
}

// Rotate adds a key to the provider, makes it primary and reloads.
func (r *Ring) Rotate(ctx context.Context) (Key, error) {
	k, err := r.Provider.Rotate(ctx)
	if err != nil {
		return Key{}, err
	}
	return k, r.Reload(ctx)
}
