package backup

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"filippo.io/age"
	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm4"
	"github.com/emmansun/gmsm/smx509"

	"pubdata/internal/apperr"
)

// Backups are encrypted to a recipient public key; the private half (the identity) is kept
// offline, so a server that is broken into cannot read its old backups.
//
//   - standard: age (filippo.io/age) X25519 recipients: "age1…" public key, "AGE-SECRET-KEY-1…"
//     identity (age-keygen, or `pubdata backup keygen`).
//   - national: SM2 public key (PEM) wraps a random SM4 key; the data is SM4-GCM in 64 KiB chunks
//     with a counter nonce whose last byte marks the final chunk, so a truncated or reordered
//     file does not decrypt (the STREAM construction, as in age).

// Encryption names.
const (
	EncAge = "age-x25519"
	EncSM  = "sm2-sm4gcm"
)

// Errors.
var (
	ErrWrongKey = apperr.New(http.StatusUnprocessableEntity, "backup_wrong_key",
		"私钥与该备份的加密公钥不匹配，无法解密；请使用备份时配置的接收方公钥所对应的离线私钥",
		"the private key does not match the public key this backup was encrypted to; use the offline private key of the recipient configured when it was made")
	ErrCorrupt = apperr.New(http.StatusUnprocessableEntity, "backup_corrupt",
		"备份文件已损坏或被改动（与清单的哈希不符，或解密校验失败），拒绝恢复",
		"the backup file is damaged or altered (its hash differs from the manifest's, or decryption failed its check); not restored")
	ErrNoRecipient = apperr.New(http.StatusBadRequest, "backup_no_recipient",
		"未配置备份接收方公钥（--recipient 或 PUBDATA_BACKUP_RECIPIENT）：备份默认加密，不写出明文",
		"no backup recipient public key is configured (--recipient or PUBDATA_BACKUP_RECIPIENT): backups are encrypted by default and never written in the clear")
	ErrBadKey = apperr.New(http.StatusBadRequest, "backup_bad_key",
		"无法读取密钥：应为 age 密钥（age1… / AGE-SECRET-KEY-1…）或国密 SM2 PEM 密钥",
		"cannot read the key: expected an age key (age1… / AGE-SECRET-KEY-1…) or an SM2 PEM key")
)

// ReadKeyText returns a key given inline or as a file path.
func ReadKeyText(v string) (string, error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "age1") || strings.HasPrefix(v, "AGE-SECRET-KEY-1") || strings.HasPrefix(v, "-----BEGIN") {
		return v, nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	// An age identity file may hold comments ("# public key: age1…").
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n"), nil
}

// encryptionOf says which scheme a recipient key selects.
func encryptionOf(recipient string) string {
	if strings.HasPrefix(strings.TrimSpace(recipient), "-----BEGIN") {
		return EncSM
	}
	return EncAge
}

// encryptTo wraps w so what is written is encrypted to the recipient.
func encryptTo(w io.Writer, recipient string) (io.WriteCloser, error) {
	if encryptionOf(recipient) == EncSM {
		pub, err := parseSM2Public(recipient)
		if err != nil {
			return nil, err
		}
		return newSMWriter(w, pub)
	}
	r, err := age.ParseX25519Recipient(strings.TrimSpace(recipient))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	return age.Encrypt(w, r)
}

// decryptWith opens an encrypted backup stream with an identity; a non-matching identity is
// ErrWrongKey.
func decryptWith(r io.Reader, identity, enc string) (io.Reader, error) {
	if enc == EncSM {
		priv, err := parseSM2Private(identity)
		if err != nil {
			return nil, err
		}
		return newSMReader(r, priv)
	}
	if strings.HasPrefix(strings.TrimSpace(identity), "-----BEGIN") {
		return nil, ErrWrongKey // an SM2 key for an age backup
	}
	ids, err := age.ParseIdentities(strings.NewReader(identity))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	out, err := age.Decrypt(r, ids...)
	var nm *age.NoIdentityMatchError
	if errors.As(err, &nm) {
		return nil, ErrWrongKey
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return out, nil
}

// GenerateKeyPair makes a recipient (public) and identity (private) pair.
func GenerateKeyPair(national bool) (recipient, identity string, err error) {
	if !national {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return "", "", err
		}
		return id.Recipient().String(), id.String(), nil
	}
	k, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	der, err := smx509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	pubDER, err := smx509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func parseSM2Public(s string) (*ecdsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if b == nil {
		return nil, ErrBadKey
	}
	pub, err := smx509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, ErrBadKey
	}
	return k, nil
}

func parseSM2Private(s string) (*sm2.PrivateKey, error) {
	b, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if b == nil {
		// An age identity given for an SM2 backup: a wrong key, not an unreadable one.
		if strings.HasPrefix(strings.TrimSpace(s), "AGE-SECRET-KEY-1") {
			return nil, ErrWrongKey
		}
		return nil, ErrBadKey
	}
	k, err := smx509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	p, ok := k.(*sm2.PrivateKey)
	if !ok {
		return nil, ErrWrongKey
	}
	return p, nil
}

const (
	smMagic = "PUBDATA-SM2-SM4GCM/1\n"
	smChunk = 64 << 10
)

type smWriter struct {
	w     io.Writer
	aead  cipher.AEAD
	buf   []byte
	out   []byte
	count uint64
}

func newSMWriter(w io.Writer, pub *ecdsa.PublicKey) (io.WriteCloser, error) {
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	wrapped, err := sm2.EncryptASN1(rand.Reader, pub, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	block, _ := sm4.NewCipher(key)
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	hdr := make([]byte, 0, len(smMagic)+2+len(wrapped))
	hdr = append(hdr, smMagic...)
	hdr = binary.BigEndian.AppendUint16(hdr, uint16(len(wrapped)))
	hdr = append(hdr, wrapped...)
	if _, err := w.Write(hdr); err != nil {
		return nil, err
	}
	return &smWriter{w: w, aead: aead, buf: make([]byte, 0, smChunk), out: make([]byte, 0, smChunk+64)}, nil
}

func (s *smWriter) nonce(last bool) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint64(n[3:11], s.count)
	if last {
		n[11] = 1
	}
	return n
}

func (s *smWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		if len(s.buf) == smChunk {
			if err := s.flush(false); err != nil {
				return 0, err
			}
		}
		n := copy(s.buf[len(s.buf):smChunk], p)
		s.buf = s.buf[:len(s.buf)+n]
		p = p[n:]
	}
	return total, nil
}

func (s *smWriter) flush(last bool) error {
	s.out = s.aead.Seal(s.out[:0], s.nonce(last), s.buf, nil)
	s.count++
	s.buf = s.buf[:0]
	_, err := s.w.Write(s.out)
	return err
}

func (s *smWriter) Close() error { return s.flush(true) }

type smReader struct {
	r     *bufio.Reader
	aead  cipher.AEAD
	plain []byte
	count uint64
	done  bool
	in    []byte
}

func newSMReader(r io.Reader, priv *sm2.PrivateKey) (io.Reader, error) {
	br := bufio.NewReaderSize(r, smChunk+64)
	hdr := make([]byte, len(smMagic)+2)
	if _, err := io.ReadFull(br, hdr); err != nil || !bytes.Equal(hdr[:len(smMagic)], []byte(smMagic)) {
		if err == nil && bytes.HasPrefix(hdr, []byte("age-encr")) {
			return nil, ErrWrongKey
		}
		return nil, ErrCorrupt
	}
	wrapped := make([]byte, binary.BigEndian.Uint16(hdr[len(smMagic):]))
	if _, err := io.ReadFull(br, wrapped); err != nil {
		return nil, ErrCorrupt
	}
	key, err := sm2.Decrypt(priv, wrapped)
	if err != nil {
		return nil, ErrWrongKey
	}
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, ErrWrongKey
	}
	aead, _ := cipher.NewGCM(block)
	return &smReader{r: br, aead: aead, in: make([]byte, smChunk+aead.Overhead())}, nil
}

func (s *smReader) Read(p []byte) (int, error) {
	for len(s.plain) == 0 {
		if s.done {
			return 0, io.EOF
		}
		n, err := io.ReadFull(s.r, s.in)
		if err != nil && err != io.ErrUnexpectedEOF {
			return 0, ErrCorrupt
		}
		// A full chunk is the last one only when nothing follows it.
		last := n < len(s.in)
		if !last {
			if _, perr := s.r.Peek(1); perr == io.EOF {
				last = true
			}
		}
		w := &smWriter{count: s.count}
		pt, oerr := s.aead.Open(s.plain[:0], w.nonce(last), s.in[:n], nil)
		if oerr != nil {
			return 0, ErrCorrupt
		}
		s.count++
		s.plain, s.done = pt, last
	}
	n := copy(p, s.plain)
	s.plain = s.plain[n:]
	return n, nil
}
