package keys

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"pubdata/internal/db"
)

// FileProvider keeps keys in a JSON file readable by the platform's account only (0600):
//
//	{"primary": "9f2c4a1b", "keys": [{"id": "9f2c4a1b", "key": "<base64 32 bytes>", "created": "…"}]}
//
// Every node of a cluster reads the same file (a mounted secret). Rotate writes the file
// atomically (a temporary file renamed over it).
type FileProvider struct {
	Path string
	Now  func() time.Time
	mu   sync.Mutex
}

// Name says where the keys are.
func (f *FileProvider) Name() string { return "file " + f.Path }

// Keys reads the file.
func (f *FileProvider) Keys(ctx context.Context) (Set, error) {
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return Set{}, fmt.Errorf("keys: %w", err)
	}
	var s Set
	if err := json.Unmarshal(b, &s); err != nil {
		return Set{}, fmt.Errorf("keys: %s: %w", f.Path, err)
	}
	for _, k := range s.Keys {
		if len(k.Secret) != 32 || k.ID == "" {
			return Set{}, fmt.Errorf("keys: %s: key %q must be 32 bytes (base64) with an id", f.Path, k.ID)
		}
	}
	return s, nil
}

// Ensure creates the file with one key when it does not exist.
func (f *FileProvider) Ensure(ctx context.Context) (created bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := os.Stat(f.Path); err == nil {
		return false, nil
	} else if !os.IsNotExist(err) {
		return false, err
	}
	k := NewKey(f.now())
	return true, f.write(Set{Primary: k.ID, Keys: []Key{k}})
}

func (f *FileProvider) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// Rotate adds a key and makes it the primary.
func (f *FileProvider) Rotate(ctx context.Context) (Key, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.Keys(ctx)
	if err != nil {
		return Key{}, err
	}
	k := NewKey(f.now())
	s.Keys = append(s.Keys, k)
	s.Primary = k.ID
	return k, f.write(s)
}

// Retire removes a key that is no longer primary (after re-encryption has moved every value).
func (f *FileProvider) Retire(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.Keys(ctx)
	if err != nil {
		return err
	}
	if id == s.Primary {
		return fmt.Errorf("keys: %s is the primary key", id)
	}
	out := s.Keys[:0]
	for _, k := range s.Keys {
		if k.ID != id {
			out = append(out, k)
		}
	}
	s.Keys = out
	return f.write(s)
}

func (f *FileProvider) write(s Set) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".keys-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.Path)
}

// DBProvider keeps keys in the settings table (row "keys.ring"): the zero-configuration fallback
// when no key file is set. The keys then sit beside the data they protect (and in its backups),
// so production sets a key file; the platform warns at start.
type DBProvider struct {
	DB  *db.DB
	Now func() time.Time
}

const dbSetting = "keys.ring"

// Name says where the keys are.
func (p *DBProvider) Name() string { return "database settings " + dbSetting }

// Keys reads the settings row, creating a first key when there is none.
func (p *DBProvider) Keys(ctx context.Context) (Set, error) {
	var raw string
	err := p.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", dbSetting).Scan(&raw)
	if db.IsNoRows(err) {
		now := time.Now()
		if p.Now != nil {
			now = p.Now()
		}
		k := NewKey(now)
		b, _ := json.Marshal(Set{Primary: k.ID, Keys: []Key{k}})
		if _, err := p.DB.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", dbSetting, string(b)); err != nil {
			return Set{}, err
		}
		err = p.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", dbSetting).Scan(&raw)
	}
	if err != nil {
		return Set{}, fmt.Errorf("keys: %w", err)
	}
	var s Set
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return Set{}, fmt.Errorf("keys: settings %s: %w", dbSetting, err)
	}
	return s, nil
}

// Rotate adds a key in the settings row and makes it the primary.
func (p *DBProvider) Rotate(ctx context.Context) (Key, error) {
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	var k Key
	err := p.DB.Tx(ctx, func(tx *sql.Tx) error {
		var raw string
		if err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", dbSetting).Scan(&raw); err != nil {
			return err
		}
		var s Set
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return err
		}
		k = NewKey(now)
		s.Keys = append(s.Keys, k)
		s.Primary = k.ID
		b, _ := json.Marshal(s)
		_, err := tx.ExecContext(ctx, "UPDATE settings SET value = $1 WHERE key = $2", string(b), dbSetting)
		return err
	})
	return k, err
}
