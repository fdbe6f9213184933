// Command pubdata runs the public data platform (公共数据平台) and its operator tools.
//
//	pubdata serve --demo            start on http://127.0.0.1:8080 with an embedded SQLite database
//	pubdata migrate                 apply database migrations
//	pubdata demo                    load the demo region
//	pubdata audit verify [--checkpoint FILE]  check the audit log (against a signed checkpoint)
//	pubdata audit checkpoint -o FILE          sign and export a checkpoint of the audit log
//	pubdata calendar add|import|list
//	pubdata user create|list
//	pubdata validate id-number|credit-code VALUE…
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
)

// global flags
var (
	flagData      string
	flagDB        string
	flagAuditAlgo string
	flagKeyFile   string
	flagCrypto    string
)

func openApp(ctx context.Context) (*app.App, error) {
	if flagCrypto == "" {
		flagCrypto = os.Getenv("PUBDATA_CRYPTO")
	}
	if flagCrypto != "" && flagCrypto != "standard" && flagCrypto != "national" {
		return nil, fmt.Errorf("--crypto 只能是 standard 或 national / --crypto must be standard or national, not %q", flagCrypto)
	}
	if flagAuditAlgo == "" {
		flagAuditAlgo = "sha256"
		if flagCrypto == "national" {
			flagAuditAlgo = "sm3"
		}
	}
	if flagAuditAlgo != "sha256" && flagAuditAlgo != "sm3" {
		return nil, fmt.Errorf("--audit-algo 只能是 sha256 或 sm3 / --audit-algo must be sha256 or sm3, not %q", flagAuditAlgo)
	}
	dsn := flagDB
	if dsn == "" {
		dsn = os.Getenv("PUBDATA_DB")
	}
	return app.Open(ctx, app.Config{DSN: dsn, DataDir: flagData, AuditAlgo: flagAuditAlgo, KeyFile: flagKeyFile, National: flagCrypto == "national"})
}

func main() {
	root := &cobra.Command{
		Use:           "pubdata",
		Short:         "pubdata — 公共数据平台 / public data platform",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&flagData, "data", "pubdata-data", "数据目录 / data directory (SQLite file, uploads)")
	root.PersistentFlags().StringVar(&flagDB, "db", "", "数据库 / database: postgres://… (default: SQLite in --data; env PUBDATA_DB)")
	root.PersistentFlags().StringVar(&flagAuditAlgo, "audit-algo", "", "审计哈希算法 / audit hash: sha256 (default) or sm3 (default with --crypto national)")
	root.PersistentFlags().StringVar(&flagKeyFile, "key-file", "", "密钥文件，加密存储的秘密（或 PUBDATA_KEY_FILE；不存在时创建）/ key file sealing stored secrets (or PUBDATA_KEY_FILE; created when missing)")
	root.PersistentFlags().StringVar(&flagCrypto, "crypto", "", "密码算法：standard（AES-256-GCM、Ed25519、age）或 national（SM4-GCM、SM2、SM3；或 PUBDATA_CRYPTO）/ cryptography: standard or national (or PUBDATA_CRYPTO)")
	root.AddCommand(serveCmd(), migrateCmd(), demoCmd(), auditCmd(), calendarCmd(), userCmd(), validateCmd())
	for _, f := range extraCommands {
		root.AddCommand(f())
	}
	if err := root.Execute(); err != nil {
		var e *apperr.Error
		if errors.As(err, &e) {
			fmt.Fprintf(os.Stderr, "错误 / error [%s]: %s / %s\n", e.Code, e.ZH, e.EN)
			for _, f := range e.Fields {
				if f.Line > 0 {
					fmt.Fprintf(os.Stderr, "  第 %d 行 / line %d: %s: %s / %s\n", f.Line, f.Line, f.Field, f.ZH, f.EN)
				} else {
					fmt.Fprintf(os.Stderr, "  %s: %s / %s\n", f.Field, f.ZH, f.EN)
				}
			}
		} else {
			fmt.Fprintf(os.Stderr, "错误 / error: %v\n", err)
		}
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		os.Exit(1)
	}
}

// extraCommands are added by each capability from its own file (catalog, ingest, …).
var extraCommands []func() *cobra.Command

type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }
