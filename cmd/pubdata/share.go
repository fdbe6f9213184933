package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"pubdata/internal/authz"
)

func init() { extraCommands = append(extraCommands, shareCmd) }

// shareCmd gives operators the sharing supervision board (督办) from the command line, e.g. for
// a monitoring script: it runs the reminder/escalation job and exits 3 when anything is overdue.
func shareCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "share", Short: "数据共享：逾期督办、到期处理 / data sharing: overdue board, expiry"}
	cmd.AddCommand(&cobra.Command{
		Use:   "overdue",
		Short: "发送到期提醒、逾期督办，并列出逾期事项（有逾期时退出码 3）/ remind, escalate and list overdue items (exit 3 if any)",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.Share.ExpireDue(cmd.Context()); err != nil {
				return err
			}
			if err := a.Share.Deadlines(cmd.Context()); err != nil {
				return err
			}
			items, err := a.Share.Overdue(cmd.Context(), authz.System)
			if err != nil {
				return err
			}
			for _, it := range items {
				fmt.Printf("%s\t%s\t%s\t%s\t逾期 %d 个工作日 / %d working days overdue\t%s\n", it.DueDate, it.Type, it.Title, it.Responsible, it.WorkdaysLate, it.WorkdaysLate, it.ID)
			}
			fmt.Fprintf(os.Stderr, "逾期事项 %d 项 / %d overdue items\n", len(items), len(items))
			if len(items) > 0 {
				return exitCode(3)
			}
			return nil
		},
	})
	return cmd
}
