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
	"pubdata/internal/keys"
)

// sealer is the earlier scheme for stored DSNs (AES-256-GCM under a key derived from
// SecretKey or the settings row): it only opens values stored before the key ring (internal/keys)
// until the keys.reencrypt job has re-sealed them.
type sealer struct{ aead cipher.AEAD }

// DSNColumn is the stored-secret column of source DSNs, for the key ring's re-encryption.
func (s *Service) DSNColumn() keys.Column {
	return keys.Column{Table: "ingest_sources", ID: "id", Col: "dsn_enc", Legacy: func(ctx context.Context, id, v string) ([]byte, error) {
		sl, err := s.getSealer(ctx)
		if err != nil {
			return nil, err
		}
		p, err := sl.open(v, id)
		return []byte(p), err
	}}
}

// SecretColumns are the stored secrets of aggregation: source DSNs and the earlier scheme's key.
func (s *Service) SecretColumns() []keys.Column {
	return []keys.Column{
		{Table: "settings", ID: "key", Col: "value", Where: "key = '" + secretSetting + "'"},
		s.DSNColumn(),
	}
}

// sealDSN encrypts a source DSN under the key ring (or the earlier scheme when the service runs
// without one, as in a few unit tests).
func (s *Service) sealDSN(ctx context.Context, id, dsn string) (string, error) {
	if s.Keys != nil {
		return s.Keys.SealString(ctx, dsn, keys.AAD("ingest_sources", "dsn_enc", id))
	}
	sl, err := s.getSealer(ctx)
	if err != nil {
		return "", err
	}
	return sl.seal(dsn, id)
}

// openDSN decrypts a stored source DSN, whichever scheme sealed it.
func (s *Service) openDSN(ctx context.Context, id, enc string) (string, error) {
	if s.Keys != nil {
		p, err := s.Keys.OpenValue(ctx, s.DSNColumn(), id, enc)
		return string(p), err
	}
	sl, err := s.getSealer(ctx)
	if err != nil {
		return "", err
	}
	return sl.open(enc, id)
}

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
		if keys.Sealed(v) && s.Keys != nil {
			if v, err = s.Keys.OpenString(ctx, v, keys.AAD("settings", "value", secretSetting)); err != nil {
				return nil, err
			}
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
