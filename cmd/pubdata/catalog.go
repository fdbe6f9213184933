package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
)

func init() { extraCommands = append(extraCommands, catalogCmd) }

func catalogCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "catalog", Short: "资源目录：导出、导入、负面清单 / resource catalog: export, import, negative list"}

	var format, out, region, agency string
	var working bool
	export := &cobra.Command{
		Use:   "export",
		Short: "导出目录（已发布版本）/ export the catalog (published versions)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(catalog.Formats, format) {
				return fmt.Errorf("--format 须为 csv、xlsx 或 json / --format must be csv, xlsx or json")
			}
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			entries, err := a.Catalog.ExportEntries(cmd.Context(), authz.System, catalog.ExportQuery{Region: region, Agency: agency, Working: working})
			if err != nil {
				return err
			}
			var w io.Writer = os.Stdout
			if out != "" && out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			bw := bufio.NewWriter(w)
			if err := catalog.WriteEntries(bw, format, entries); err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(os.Stderr, "已导出 %d 条 / exported %d entries to %s\n", len(entries), len(entries), out)
			}
			return nil
		},
	}
	export.Flags().StringVar(&format, "format", "csv", "csv | xlsx | json")
	export.Flags().StringVarP(&out, "out", "o", "", "输出文件（默认标准输出）/ output file (default stdout)")
	export.Flags().StringVar(&region, "region", "", "行政区划（含下级）/ region code (and below)")
	export.Flags().StringVar(&agency, "agency", "", "提供部门机构 ID / provider org id")
	export.Flags().BoolVar(&working, "working", false, "导出工作稿（含草稿）/ export working copies, drafts included")

	var inFormat string
	var skipBad, publish bool
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "导入目录；任一行有错则不导入（--skip-bad 跳过错行）/ import a catalog file; any bad row aborts unless --skip-bad",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			fm := inFormat
			if fm == "" {
				fm = catalog.FormatOf(args[0])
			}
			rows, err := catalog.ReadEntries(f, fm)
			if err != nil {
				return err
			}
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			res, err := a.Catalog.Import(cmd.Context(), authz.System, rows, catalog.ImportOptions{SkipBad: skipBad, Publish: publish, Note: args[0]})
			if err != nil {
				return err
			}
			for _, e := range res.Errors {
				fmt.Fprintf(os.Stderr, "  已跳过 / skipped: 第 %d 行 / line %d: %s: %s / %s\n", e.Line, e.Line, e.Field, e.ZH, e.EN)
			}
			fmt.Printf("新增 %d、更新 %d、跳过 %d 行 / created %d, updated %d, skipped %d rows\n", res.Created, res.Updated, res.Skipped, res.Created, res.Updated, res.Skipped)
			return nil
		},
	}
	imp.Flags().StringVar(&inFormat, "format", "", "csv | xlsx | json（默认按扩展名）/ default: by file extension")
	imp.Flags().BoolVar(&skipBad, "skip-bad", false, "跳过错行，导入其余行 / skip bad rows and import the rest")
	imp.Flags().BoolVar(&publish, "publish", false, "直接发布（已审核的目录）/ publish directly (an already reviewed catalog)")

	var negFormat string
	neg := &cobra.Command{
		Use:   "negative-list",
		Short: "导出共享负面清单 / export the negative list",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			items, err := a.Catalog.NegativeList(cmd.Context(), authz.System, catalog.NegativeQuery{Region: region, Agency: agency})
			if err != nil {
				return err
			}
			return catalog.WriteNegativeList(os.Stdout, negFormat, items)
		},
	}
	neg.Flags().StringVar(&negFormat, "format", "csv", "csv | xlsx | json")
	neg.Flags().StringVar(&region, "region", "", "行政区划 / region code")
	neg.Flags().StringVar(&agency, "agency", "", "提供部门 / provider org id")

	cmd.AddCommand(export, imp, neg)
	return cmd
}
