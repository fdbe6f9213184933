package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/demo"
	"pubdata/internal/identity"
	"pubdata/internal/validate"
	"pubdata/internal/workday"
)

func migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "应用数据库迁移 / apply database migrations",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			fmt.Printf("数据库已是最新 / database is up to date (%s %s)\n", a.DB.Dialect, a.DB.Where)
			return nil
		},
	}
}

func demoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "加载演示区域 / load the demo region",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if demo.Loaded(cmd.Context(), a) {
				fmt.Println("演示区域已存在 / the demo region is already loaded")
				return nil
			}
			if err := demo.Load(cmd.Context(), a); err != nil {
				return err
			}
			fmt.Println("演示区域已加载 / demo region loaded")
			printAccounts()
			return nil
		},
	}
}

func auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "审计日志 / audit log"}
	var cpFile, keyFile string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "校验审计日志哈希链（--checkpoint：并证明日志仍含签名检查点所覆盖的记录）/ verify the audit hash chain (--checkpoint: and prove the log still holds a signed checkpoint's records)",
		RunE: func(cmd *cobra.Command, args []string) error {
			var cp audit.Checkpoint
			var trusted []string
			if cpFile != "" {
				// Read the auditor's files before touching the database: a bad file changes nothing.
				b, err := os.ReadFile(cpFile)
				if err != nil {
					return err
				}
				if err := json.Unmarshal(b, &cp); err != nil || cp.Size < 1 || cp.Signature == "" {
					return fmt.Errorf("%s 不是审计检查点文件 / %s is not an audit checkpoint file", cpFile, cpFile)
				}
				if keyFile != "" {
					k, err := readPublicKey(keyFile)
					if err != nil {
						return err
					}
					trusted = []string{k}
				}
			}
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if cpFile != "" {
				res, err := a.Audit.VerifyCheckpoint(cmd.Context(), cp, trusted)
				if errors.Is(err, audit.ErrCheckpointSignature) {
					return errors.Join(err, exitCode(2)) // a forged checkpoint fails the check
				}
				if err != nil {
					return err
				}
				if !res.Prefix {
					fmt.Printf("审计日志与签名检查点（%d 条记录）不符，第一个异常位置 / the log does not hold the signed checkpoint of %d records; first bad position %d: %s\n", cp.Size, cp.Size, res.BadSeq, res.Reason)
					return exitCode(2)
				}
				fmt.Printf("签名检查点已证实：日志仍含其全部 %d 条记录 / signed checkpoint proven: the log still holds its %d records\n", cp.Size, cp.Size)
				if !res.Log.OK {
					fmt.Printf("但检查点之后的记录有异常，位置 / but the records after it are broken at position %d: %s\n", res.BadSeq, res.Reason)
					return exitCode(2)
				}
				fmt.Printf("审计日志完整 / audit chain intact: %d records\n", res.Log.Count)
				return nil
			}
			res, err := a.Audit.Verify(cmd.Context())
			if err != nil {
				return err
			}
			if !res.OK {
				fmt.Printf("审计日志哈希链被破坏，第一个异常位置 / chain broken at position %d: %s\n", res.BadSeq, res.Reason)
				return exitCode(2)
			}
			fmt.Printf("审计日志完整 / audit chain intact: %d records\n", res.Count)
			return nil
		},
	}
	verify.Flags().StringVar(&cpFile, "checkpoint", "", "签名检查点文件（JSON）/ a signed checkpoint file (JSON)")
	verify.Flags().StringVar(&keyFile, "key", "", "只信任此公钥（PEM 或 base64 DER，默认为平台公布的公钥）/ trust only this public key (PEM or base64 DER; default: the platform's published keys)")
	cmd.AddCommand(verify)

	var out string
	checkpoint := &cobra.Command{
		Use:   "checkpoint",
		Short: "签发（日志有新增时）并导出最新的签名检查点 / sign a checkpoint (when the log grew) and export the latest one",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			cp, _, err := a.Audit.MakeCheckpoint(cmd.Context())
			if errors.Is(err, audit.ErrLogRewritten) {
				return exitCode(2) // MakeCheckpoint logged why; a rewritten log is never signed
			}
			if err != nil {
				return err
			}
			if cp.Size == 0 {
				return audit.ErrNoCheckpoint
			}
			b, _ := json.MarshalIndent(cp, "", "  ")
			b = append(b, '\n')
			if out == "" || out == "-" {
				_, err = os.Stdout.Write(b)
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "已导出 %d 条记录的签名检查点 / exported the signed checkpoint of %d records: %s\n", cp.Size, cp.Size, out)
			return nil
		},
	}
	checkpoint.Flags().StringVarP(&out, "output", "o", "", "写入此文件（默认标准输出）/ write to this file (default: standard output)")
	cmd.AddCommand(checkpoint)
	return cmd
}

// readPublicKey reads a public key file: PEM, or the base64 DER the API publishes.
func readPublicKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if blk, _ := pem.Decode(b); blk != nil {
		return base64.StdEncoding.EncodeToString(blk.Bytes), nil
	}
	s := strings.TrimSpace(string(b))
	if _, err := base64.StdEncoding.DecodeString(s); err != nil || s == "" {
		return "", fmt.Errorf("%s 不是公钥文件（PEM 或 base64）/ %s is not a public key file (PEM or base64)", path, path)
	}
	return s, nil
}

func calendarCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "calendar", Short: "工作日历 / working-day calendar"}
	var from string
	var n int
	add := &cobra.Command{
		Use:   "add",
		Short: "计算 N 个工作日后的日期 / add working days to a date",
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := workday.Parse(from)
			if err != nil {
				return err
			}
			if n < 0 {
				return fmt.Errorf("--workdays 不能为负数 / must not be negative")
			}
			cal := workday.Default()
			// Use the database's table when there is one (named by --db / PUBDATA_DB, or a
			// pubdata.db already in --data), so imported years count; never create one just
			// to compute a date.
			if hasDatabase() {
				a, err := openApp(cmd.Context())
				if err != nil {
					return err
				}
				defer a.Close()
				cal = a.Calendar
			}
			dl := cal.Deadline(t, n)
			fmt.Println(workday.Format(dl.Due))
			for _, y := range dl.Missing {
				// stderr, so scripts reading the date on stdout still get just the date.
				fmt.Fprintf(cmd.ErrOrStderr(), "警告：%d 年节假日表尚未导入，%d 年按周一至周五计算，此日期为暂定 / warning: no %d holiday table is imported; %d counts Monday–Friday, so this date is provisional\n", y, y, y, y)
			}
			return nil
		},
	}
	add.Flags().StringVar(&from, "from", "", "起算日期 / start date YYYY-MM-DD")
	add.Flags().IntVar(&n, "workdays", 0, "工作日数 / number of working days")
	add.MarkFlagRequired("from")
	add.MarkFlagRequired("workdays")
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "导入节假日表（CSV 或 JSON）/ import a holiday table",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			days, err := workday.ParseTable(f)
			if err != nil {
				return err
			}
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.CalStore.Import(cmd.Context(), a.Audit, "cli", "cli", "", days); err != nil {
				return err
			}
			fmt.Printf("已导入 %d 天 / imported %d days for %v\n", len(days), len(days), workday.Years(days))
			return nil
		},
	}
	var year int
	list := &cobra.Command{
		Use:   "list",
		Short: "列出某年的节假日与调休 / list a year's days off and make-up days",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			for _, d := range a.Calendar.Days(year) {
				fmt.Printf("%s\t%s\t%s\n", d.Date, d.Kind, d.Name)
			}
			return nil
		},
	}
	list.Flags().IntVar(&year, "year", time.Now().In(workday.Location).Year(), "年份 / year")
	cmd.AddCommand(add, imp, list)
	return cmd
}

func userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "用户管理 / users"}
	var in identity.NewUser
	var roles string
	create := &cobra.Command{
		Use:   "create",
		Short: "创建用户 / create a user",
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, r := range strings.Split(roles, ",") {
				if r = strings.TrimSpace(r); r != "" {
					in.Roles = append(in.Roles, authz.Role(r))
				}
			}
			if in.Password == "" {
				in.Password = os.Getenv("PUBDATA_PASSWORD")
			}
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			u, err := a.Identity.CreateUser(cmd.Context(), a.DB, in)
			if err != nil {
				return err
			}
			a.Audit.Log(cmd.Context(), auditEvent("identity.user.create", "user", u.ID))
			fmt.Printf("已创建用户 / created user %s (%s)\n", u.Username, u.ID)
			return nil
		},
	}
	create.Flags().StringVar(&in.Username, "username", "", "用户名 / username")
	create.Flags().StringVar(&in.DisplayName, "name", "", "姓名 / display name")
	create.Flags().StringVar(&in.Password, "password", "", "密码（或环境变量 PUBDATA_PASSWORD）/ password (or env PUBDATA_PASSWORD)")
	create.Flags().StringVar(&in.OrgID, "org", "", "机构 ID / organization id")
	create.Flags().StringVar(&roles, "roles", "", "角色，逗号分隔 / roles, comma-separated")
	list := &cobra.Command{
		Use:   "list",
		Short: "列出用户 / list users",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			us, err := a.Identity.Users(cmd.Context(), "")
			if err != nil {
				return err
			}
			for _, u := range us {
				var rs []string
				for _, r := range u.Roles {
					rs = append(rs, string(r))
				}
				fmt.Printf("%-16s %-24s %s\n", u.Username, u.DisplayName, strings.Join(rs, ","))
			}
			return nil
		},
	}
	cmd.AddCommand(create, list)
	return cmd
}

func validateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "validate", Short: "校验标识符 / check identifiers"}
	run := func(check func(string) error) func(cmd *cobra.Command, args []string) error {
		return func(cmd *cobra.Command, args []string) error {
			bad := 0
			for _, v := range args {
				if err := check(v); err != nil {
					bad++
					zh, en := err.Error(), err.Error()
					if ve := (*validate.Error)(nil); errors.As(err, &ve) {
						zh, en = ve.ZH, ve.EN
					}
					fmt.Printf("%s\t无效 / invalid: %s / %s\n", v, zh, en)
				} else {
					fmt.Printf("%s\t有效 / valid\n", v)
				}
			}
			if bad > 0 {
				return exitCode(1)
			}
			return nil
		}
	}
	cmd.AddCommand(&cobra.Command{Use: "id-number VALUE…", Short: "公民身份号码 / citizen ID number (GB 11643)", Args: cobra.MinimumNArgs(1), RunE: run(validate.CitizenID)})
	cmd.AddCommand(&cobra.Command{Use: "credit-code VALUE…", Short: "统一社会信用代码 / unified social credit code (GB 32100)", Args: cobra.MinimumNArgs(1), RunE: run(validate.CreditCode)})
	return cmd
}
