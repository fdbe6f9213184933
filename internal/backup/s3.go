package backup

import (
	"context"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"pubdata/internal/errs"
)

// S3 is the off-site copy: any S3-compatible object store (MinIO, Ceph, a cloud's object
// storage). Files are already encrypted when they get there.
type S3 struct {
	Endpoint  string // host:port
	Bucket    string
	Prefix    string // object key prefix, e.g. "pubdata/"
	AccessKey string
	SecretKey string
	Insecure  bool // plain HTTP (a test server, a private network)
	client    *minio.Client
}

// S3FromEnv reads PUBDATA_BACKUP_S3_{ENDPOINT,BUCKET,PREFIX,ACCESS_KEY,SECRET_KEY,INSECURE};
// nil when no endpoint is set.
func S3FromEnv() *S3 {
	ep := os.Getenv("PUBDATA_BACKUP_S3_ENDPOINT")
	if ep == "" {
		return nil
	}
	return &S3{Endpoint: ep, Bucket: os.Getenv("PUBDATA_BACKUP_S3_BUCKET"), Prefix: os.Getenv("PUBDATA_BACKUP_S3_PREFIX"),
		AccessKey: os.Getenv("PUBDATA_BACKUP_S3_ACCESS_KEY"), SecretKey: os.Getenv("PUBDATA_BACKUP_S3_SECRET_KEY"),
		Insecure: os.Getenv("PUBDATA_BACKUP_S3_INSECURE") == "1"}
}

func (s *S3) cl() (*minio.Client, error) {
	if s.client != nil {
		return s.client, nil
	}
	if s.Bucket == "" {
		return nil, fmt.Errorf("off-site storage: no bucket (PUBDATA_BACKUP_S3_BUCKET)")
	}
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), Secure: !s.Insecure})
	if err != nil {
		return nil, err
	}
	s.client = c
	return c, nil
}

func (s *S3) key(name string) string { return path.Join(strings.Trim(s.Prefix, "/"), name) }

// Put uploads a local file under name.
func (s *S3) Put(ctx context.Context, file, name string) (err error) {
	defer errs.Wrap(&err, "backup: S3.Put")
	c, err := s.cl()
	if err != nil {
		return err
	}
	_, err = c.FPutObject(ctx, s.Bucket, s.key(name), file, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return err
}

// Get downloads name into a local file.
func (s *S3) Get(ctx context.Context, name, file string) (err error) {
	defer errs.Wrap(&err, "backup: S3.Get")
	c, err := s.cl()
	if err != nil {
		return err
	}
	err = c.FGetObject(ctx, s.Bucket, s.key(name), file, minio.GetObjectOptions{})
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return ErrNoBackup
	}
	return err
}

// Remove deletes name.
func (s *S3) Remove(ctx context.Context, name string) (err error) {
	defer errs.Wrap(&err, "backup: S3.Remove")
	c, err := s.cl()
	if err != nil {
		return err
	}
	return c.RemoveObject(ctx, s.Bucket, s.key(name), minio.RemoveObjectOptions{})
}

// List lists the object names under the prefix.
func (s *S3) List(ctx context.Context) (_ []string, err error) {
	defer errs.Wrap(&err, "backup: S3.List")
	c, err := s.cl()
	if err != nil {
		return nil, err
	}
	var out []string
	p := strings.Trim(s.Prefix, "/")
	if p != "" {
		p += "/"
	}
	for o := range c.ListObjects(ctx, s.Bucket, minio.ListObjectsOptions{Prefix: p, Recursive: true}) {
		if o.Err != nil {
			return nil, o.Err
		}
		out = append(out, strings.TrimPrefix(o.Key, p))
	}
	return out, nil
}
