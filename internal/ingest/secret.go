package ingest

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"pubdata/internal/db"
)

// sealer encrypts stored secrets (source database DSNs) with AES-256-GCM.
type sealer struct{ aead cipher.AEAD }

// secretSetting is the settings row holding the generated key when the platform is configured
// without one: shared by every node of a cluster through the database. Production deployments
// set app.Config.SecretKey instead, so the key is not stored beside the ciphertexts.
const secretSetting = "ingest.secret_key"

// getSealer builds the DSN sealer once: from SecretKey, else from the settings row.
func (s *Service) getSealer(ctx context.Context) (*sealer, error) {
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	if s.sealer != nil {
		return s.sealer, nil
	}
	master := s.SecretKey
	if len(master) == 0 {
		var v string
		err := s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", secretSetting).Scan(&v)
		if db.IsNoRows(err) {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return nil, err
			}
			if _, err := s.DB.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
				secretSetting, base64.StdEncoding.EncodeToString(b)); err != nil {
				return nil, err
			}
			err = s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", secretSetting).Scan(&v)
		}
		if err != nil {
			return nil, err
		}
		if master, err = base64.StdEncoding.DecodeString(v); err != nil {
			return nil, err
		}
	}
	k := sha256.Sum256(append([]byte("pubdata/ingest/dsn\x00"), master...))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	s.sealer = &sealer{aead: aead}
	return s.sealer, nil
}

func (x *sealer) seal(plain, aad string) (string, error) {
	nonce := make([]byte, x.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(x.aead.Seal(nonce, nonce, []byte(plain), []byte(aad))), nil
}

func (x *sealer) open(enc, aad string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", err
	}
	n := x.aead.NonceSize()
	if len(b) < n {
		return "", errors.New("ciphertext too short")
	}
	p, err := x.aead.Open(nil, b[:n], b[n:], []byte(aad))
	return string(p), err
}
