package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"pubdata/internal/backup"
	"pubdata/internal/db"
)

func init() { extraCommands = append(extraCommands, backupCmd, restoreCmd) }

// progressBar shows long work on stderr, one bar per stage.
func progressBar() backup.Progress {
	var bar *progressbar.ProgressBar
	stage := ""
	return func(st string, done, total int64) {
		if st != stage {
			if bar != nil {
				bar.Finish()
				fmt.Fprintln(os.Stderr)
			}
			stage = st
			label := map[string]string{"snapshot": "快照 / snapshot", "encrypt": "加密写出 / encrypt", "dump": "pg_dump", "offsite": "异地副本 / off-site", "restore": "恢复 / restore"}[st]
			if total <= 0 {
				total = -1
			}
			bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowBytes(true),
				progressbar.OptionSetDescription(label), progressbar.OptionThrottle(200*time.Millisecond))
		}
		bar.Set64(done)
	}
}

func backupCmd() *cobra.Command {
	var dir, recipient string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "立即备份数据库：一致性快照，加密给接收方公钥，写入本地并（配置时）异地 / back up the database now: a consistent snapshot encrypted to the recipient key, written locally and (when configured) off-site",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := applyBackupFlags(a.Backup, dir, recipient); err != nil {
				return err
			}
			m, err := a.Backup.Create(cmd.Context(), "cli", progressBar())
			fmt.Fprintln(os.Stderr)
			if err != nil {
				return err
			}
			fmt.Printf("备份完成 / backup done: %s\n  文件 / file: %s (%d bytes, sha256 %s)\n  清单 / manifest: %s\n  表 / tables: %d, 用时 / took %s\n",
				m.ID, filepath.Join(a.Backup.Dir, m.File), m.Size, m.SHA256, filepath.Join(a.Backup.Dir, m.ID+".manifest.json"), len(m.Tables),
				time.Duration(m.DurationMS)*time.Millisecond)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "备份目录（默认 PUBDATA_BACKUP_DIR 或 <data>/backups）/ backup directory (default PUBDATA_BACKUP_DIR or <data>/backups)")
	cmd.Flags().StringVar(&recipient, "recipient", "", "接收方公钥或其文件：age1…（标准）或 SM2 PEM（国密）；默认 PUBDATA_BACKUP_RECIPIENT / recipient public key or its file")
	var national bool
	keygen := &cobra.Command{
		Use:   "keygen PRIVATE-KEY-FILE",
		Short: "生成备份密钥对：私钥写入文件（离线保管），公钥打印到标准输出 / make a backup key pair: the private key goes to the file (keep it offline), the public key to stdout",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rcpt, ident, err := backup.GenerateKeyPair(national || flagCrypto == "national")
			if err != nil {
				return err
			}
			f, err := os.OpenFile(args[0], os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(f, "%s\n", ident); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Println(rcpt)
			return nil
		},
	}
	keygen.Flags().BoolVar(&national, "national", false, "SM2 密钥对 / an SM2 key pair")
	list := &cobra.Command{
		Use:   "list",
		Short: "列出备份与恢复演练 / list backups and restore drills",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			bs, err := a.Backup.List(cmd.Context(), 50)
			if err != nil {
				return err
			}
			for _, b := range bs {
				fmt.Printf("%s  %-8s %-8s %12d  %s %s\n", b.ID, b.State, b.Backend, b.Size, b.File, b.Error)
			}
			ds, err := a.Backup.Drills(cmd.Context(), 10)
			if err != nil {
				return err
			}
			for _, d := range ds {
				ok := "通过 / passed"
				if !d.OK {
					ok = "未通过 / FAILED: " + d.Detail
				}
				fmt.Printf("演练 / drill %s  backup %s  RPO %s  RTO %s  %s\n", d.StartedAt.Format(time.DateTime), d.BackupID, d.RPO.Round(time.Second), d.RTO.Round(time.Millisecond), ok)
			}
			return nil
		},
	}
	var drillKey string
	drill := &cobra.Command{
		Use:   "drill",
		Short: "恢复演练：把最新备份恢复到临时库并核对行数、审计链与检查点 / restore drill: restore the latest backup into a scratch database and check row counts, the audit chain and the checkpoint",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := applyBackupFlags(a.Backup, dir, ""); err != nil {
				return err
			}
			if drillKey != "" {
				k, err := backup.ReadKeyText(drillKey)
				if err != nil {
					return err
				}
				a.Backup.DrillIdentity = k
			}
			d, err := a.Backup.RunDrill(cmd.Context())
			if err != nil {
				return err
			}
			if !d.OK {
				fmt.Printf("恢复演练未通过 / restore drill FAILED: %s\n", d.Detail)
				return exitCode(2)
			}
			fmt.Printf("恢复演练通过 / restore drill passed: backup %s, %d tables, %d audit records; RPO %s, RTO %s\n",
				d.BackupID, d.Tables, d.AuditSize, d.RPO.Round(time.Second), d.RTO.Round(time.Millisecond))
			return nil
		},
	}
	drill.Flags().StringVar(&drillKey, "identity", "", "备份私钥或其文件（默认 PUBDATA_BACKUP_DRILL_IDENTITY）/ backup private key or its file")
	drill.Flags().StringVar(&dir, "dir", "", "备份目录 / backup directory")
	cmd.AddCommand(keygen, list, drill)
	return cmd
}

func applyBackupFlags(b *backup.Service, dir, recipient string) error {
	if dir != "" {
		b.Dir = dir
	}
	if recipient != "" {
		k, err := backup.ReadKeyText(recipient)
		if err != nil {
			return err
		}
		b.Recipient = k
	}
	return nil
}

// restoreCmd restores a backup onto a fresh node: the target is this command's --data directory
// (no database yet) or --db PostgreSQL database (no tables yet).
func restoreCmd() *cobra.Command {
	var manifest, identity string
	cmd := &cobra.Command{
		Use:   "restore --manifest FILE --identity KEY",
		Short: "把备份恢复到新节点（空数据目录或空数据库），私钥不匹配时拒绝 / restore a backup onto a fresh node (empty data directory or database); a wrong key is refused",
		RunE: func(cmd *cobra.Command, args []string) error {
			if manifest == "" || identity == "" {
				return fmt.Errorf("需要 --manifest 与 --identity / --manifest and --identity are required")
			}
			m, mb, err := backup.ReadManifest(manifest)
			if err != nil {
				return err
			}
			key, err := backup.ReadKeyText(identity)
			if err != nil {
				return err
			}
			file := filepath.Join(filepath.Dir(manifest), m.File)
			var t backup.Target
			dsn := flagDB
			if dsn == "" {
				dsn = os.Getenv("PUBDATA_DB")
			}
			switch {
			case m.Backend == string(db.Postgres) && db.IsPostgresDSN(dsn):
				t.DSN = dsn
			case m.Backend == string(db.SQLite) && dsn == "":
				t.SQLitePath = filepath.Join(flagData, "pubdata.db")
			default:
				return fmt.Errorf("备份来自 %s，目标须为同类数据库（--db 或 --data）/ the backup is of %s; restore it onto the same kind of database (--db or --data)", m.Backend, m.Backend)
			}
			f, err := backup.OpenChecked(file, m)
			if err != nil {
				return err
			}
			defer f.Close()
			start := time.Now()
			err = backup.Restore(cmd.Context(), m, f, key, t, progressBar())
			fmt.Fprintln(os.Stderr)
			if err != nil {
				return err
			}
			// Check the restored database as it is, before the platform opens (and migrates) it.
			rdb, err := db.Open(cmd.Context(), t.DSN, flagData)
			if err != nil {
				return err
			}
			defer rdb.Close()
			var trusted []string
			if m.Checkpoint != nil {
				trusted = []string{m.Checkpoint.PublicKey}
				fmt.Printf("检查点签名密钥 / checkpoint key id: %s（请与公布的密钥核对 / compare with the published key）\n", m.Checkpoint.KeyID)
			}
			var d backup.Drill
			problems, err := (&backup.Service{}).Check(cmd.Context(), m, rdb, &d, trusted)
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				fmt.Printf("已恢复，但核对有异常 / restored, but the check found problems: %v\n", problems)
				return exitCode(2)
			}
			// The backup's own row was snapshotted while it ran: complete it from the manifest,
			// and record the restore (with the manifest's hash) in the restored audit log.
			if err := backup.MarkRestored(cmd.Context(), rdb, m, mb, "cli"); err != nil {
				return err
			}
			cp := "无检查点 / no checkpoint yet"
			if m.Checkpoint != nil {
				cp = fmt.Sprintf("检查点已核验 / checkpoint of %d records verified", m.Checkpoint.Size)
			}
			fmt.Printf("已恢复 / restored: backup %s of %s, %d tables, %d audit records, %s; took %s\n",
				m.ID, m.CreatedAt.Format(time.RFC3339), d.Tables, d.AuditSize, cp, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&manifest, "manifest", "", "备份清单文件（备份文件在同一目录）/ the backup's manifest file (the backup file beside it)")
	cmd.Flags().StringVar(&identity, "identity", "", "备份私钥或其文件 / the backup private key or its file")
	return cmd
}

var _ = errors.New
