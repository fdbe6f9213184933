package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/ingest"
)

func init() { extraCommands = append(extraCommands, ingestCmd) }

// ingestCmd loads a file into a catalog entry (AGG-1 file channel from the command line):
//
//	pubdata ingest --entry CODE [--region 150000] [--mode replace|upsert] [--partial] [--as USER] FILE
//
// It shows a progress bar while the file is read and checked and a summary at the end; a
// rejected file exits with status 2 after listing its problem rows with line numbers. Ctrl-C
// cancels the load: nothing is loaded.
func ingestCmd() *cobra.Command {
	var code, region, mode, as, format string
	var partial, quiet bool
	cmd := &cobra.Command{
		Use:   "ingest --entry CODE FILE",
		Short: "归集文件到目录条目（CSV/XLSX/JSON Lines）/ load a file into a catalog entry",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			a, err := openApp(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			if a.Ingest == nil {
				return fmt.Errorf("aggregation is not available")
			}
			var p *authz.Principal
			if as != "" {
				u, err := a.Identity.UserByName(ctx, as)
				if err != nil {
					return err
				}
				if p, err = a.Identity.Principal(ctx, u); err != nil {
					return err
				}
			}
			e, err := findEntry(ctx, a, code, region, p)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return err
			}
			req := ingest.LoadRequest{EntryID: e.ID, Mode: ingest.Mode(mode), Partial: partial, Channel: ingest.ChannelFile, FileName: filepath.Base(args[0])}
			if format != "" {
				if req.Format, err = ingest.ParseFormat(format); err != nil {
					return err
				}
			}
			var bar *progressbar.ProgressBar
			if quiet {
				req.Body = f
			} else {
				bar = progressbar.DefaultBytes(st.Size(), "校验并导入 / checking and loading")
				pr := progressbar.NewReader(f, bar)
				req.Body = io.Reader(&pr)
			}
			var res *ingest.LoadResult
			if p != nil {
				res, err = a.Ingest.Load(ctx, p, req)
			} else {
				// an operator at the server's console acts for the provider agency
				res, err = a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "cli", Name: "cli", OrgID: e.ProviderOrgID}, e, req)
			}
			if bar != nil {
				bar.Finish()
				fmt.Println()
			}
			if res != nil && res.Report != nil {
				printSummary(e, res)
			}
			if err != nil {
				if errors.Is(err, ingest.ErrRejected) || errors.Is(err, ingest.ErrEmpty) {
					ae := apperr.As(err)
					fmt.Fprintf(os.Stderr, "未入库 / not loaded: %s / %s\n", ae.ZH, ae.EN)
					return exitCode(2)
				}
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&code, "entry", "", "目录条目代码或 ID / catalog entry code or id (required)")
	cmd.Flags().StringVar(&region, "region", "", "条目所属区划代码 / the entry's region code (default: searched)")
	cmd.Flags().StringVar(&mode, "mode", "replace", "replace（全量替换）或 upsert（按主键更新）")
	cmd.Flags().BoolVar(&partial, "partial", false, "仅导入有效行，报告其余 / load valid rows, report the rest")
	cmd.Flags().StringVar(&as, "as", "", "以该用户身份导入（校验权限）/ load as this user (authorized); default: console operator for the provider")
	cmd.Flags().StringVar(&format, "format", "", "csv | xlsx | jsonl（默认按扩展名）/ default from the file extension")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "不显示进度条 / no progress bar")
	cmd.MarkFlagRequired("entry")
	return cmd
}

// findEntry resolves an entry id, or a code in the given region, the user's region, or any region.
func findEntry(ctx context.Context, a *app.App, code, region string, p *authz.Principal) (*catalog.Entry, error) {
	if a.Catalog == nil {
		return nil, apperr.NotFound
	}
	if e, err := a.Catalog.Published(ctx, code); err == nil {
		return &e, nil
	}
	regions := []string{region}
	if region == "" {
		if p != nil && p.RegionCode != "" {
			regions = []string{p.RegionCode}
		}
		rs, err := a.Identity.Regions(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			regions = append(regions, r.Code)
		}
	}
	for _, r := range regions {
		if r == "" {
			continue
		}
		if e, err := a.Ingest.EntryByCode(ctx, r, code); err == nil {
			return e, nil
		} else if !errors.Is(err, apperr.NotFound) && !strings.Contains(err.Error(), "not_found") {
			return nil, err
		}
	}
	return nil, apperr.NotFound.With(apperr.Field("entry", "找不到已发布的目录条目："+code, "no published catalog entry "+code))
}

func printSummary(e *catalog.Entry, res *ingest.LoadResult) {
	l, r := res.Load, res.Report
	status := map[string]string{ingest.StatusCommitted: "已入库 / committed", ingest.StatusRejected: "已拒收 / rejected",
		ingest.StatusFailed: "失败 / failed", ingest.StatusCancelled: "已取消 / cancelled"}[l.Status]
	fmt.Printf("目录 / entry      %s %s\n", e.Code, e.Name)
	fmt.Printf("结果 / result     %s", status)
	if l.Version > 0 {
		fmt.Printf("  版本 / version %d", l.Version)
	}
	fmt.Printf("  (%s %s)\n", l.Format, l.Encoding)
	fmt.Printf("行 / rows         读入 read %d · 有效 valid %d · 问题 problem %d · 写入 written %d", r.RowsRead, r.RowsValid, r.RowsInvalid, r.RowsLoaded)
	if l.Version > 0 {
		fmt.Printf(" · 版本共 in version %d", l.RowsTotal)
	}
	fmt.Println()
	if l.Checksum != "" {
		fmt.Printf("校验和 / checksum  %s\n", l.Checksum)
	}
	fmt.Printf("质量 / quality    %.1f  (", r.Score)
	for i, d := range r.Dimensions {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%s %.1f", d.Name, d.Score)
	}
	fmt.Printf(")  %.2f s\n", r.Seconds)
	for _, rr := range r.Rules {
		fmt.Printf("  规则 rule %-26s %-14s %6d  %s\n", rr.Rule, rr.Field, rr.Failing, rr.ZH)
	}
	for i, p := range r.Problems {
		if i >= 20 {
			fmt.Printf("  … 共 %d 个问题 / %d problems in all (see the quality report, load %s)\n", r.ProblemsTotal, r.ProblemsTotal, l.ID)
			break
		}
		if p.Line > 0 {
			fmt.Printf("  第 %d 行 / line %d: %s %s / %s\n", p.Line, p.Line, p.Field, p.ZH, p.EN)
		}
	}
}
