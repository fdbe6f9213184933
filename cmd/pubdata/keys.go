package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"pubdata/internal/keys"
)

func init() { extraCommands = append(extraCommands, keysCmd) }

// keysCmd manages the keys that seal stored secrets (docs/install-and-operate.md, 密钥管理).
func keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "密钥管理：查看、轮换、重新加密、退役 / key management: status, rotate, re-encrypt, retire"}
	status := &cobra.Command{
		Use:   "status",
		Short: "密钥来源、主密钥与各密钥加密的存储值数量 / where the keys are, the primary, and how many stored values each key seals",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			p, err := a.Keys.Primary(cmd.Context())
			if err != nil {
				return err
			}
			alg := "AES-256-GCM"
			if a.Cfg.National {
				alg = "SM4-GCM"
			}
			fmt.Printf("密钥来源 / keys: %s\n算法 / algorithm: %s\n主密钥 / primary: %s\n", a.Keys.Provider.Name(), alg, p)
			if !a.KeysOnFile() {
				fmt.Println("警告：密钥保存在数据库中，请用 --key-file 改存独立的密钥文件 / warning: the keys are in the database; set --key-file")
			}
			counts, err := a.Keys.Census(cmd.Context(), a.DB, a.Secrets)
			if err != nil {
				return err
			}
			for _, c := range counts {
				id := c.KeyID
				if id == "" {
					id = "（旧格式或明文 / earlier format or plain）"
				}
				state := "待重新加密 / to re-encrypt"
				if c.Current {
					state = "当前 / current"
				}
				fmt.Printf("  %-10s %s  %d  %s\n", id, c.Algo, c.Values, state)
			}
			return nil
		},
	}
	var now bool
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "新增密钥并设为主密钥；旧值由后台任务 keys.reencrypt 分批重新加密（--now：立即在此完成）/ add a key and make it primary; the keys.reencrypt job re-seals old values in batches (--now: here and now)",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			old, _ := a.Keys.Primary(cmd.Context())
			k, err := a.Keys.Rotate(cmd.Context())
			if err != nil {
				return err
			}
			ev := auditEvent("keys.rotate", "key", k.ID)
			ev.Detail = map[string]any{"previous": old, "provider": a.Keys.Provider.Name()}
			if err := a.Audit.Log(cmd.Context(), ev); err != nil {
				return err
			}
			fmt.Printf("新主密钥 / new primary key: %s（原 / was %s）\n", k.ID, old)
			if !now {
				fmt.Println("后台任务 keys.reencrypt 将分批重新加密；用 `pubdata keys status` 查看进度 / the keys.reencrypt job re-seals in batches; see `pubdata keys status`")
				return nil
			}
			n, err := a.Reencrypt(cmd.Context(), func(p keys.Progress) {
				fmt.Fprintf(os.Stderr, "\r重新加密 / re-encrypted %d，剩余 / remaining %d   ", p.Done, p.Remaining)
			})
			fmt.Fprintln(os.Stderr)
			if err != nil {
				return err
			}
			fmt.Printf("已重新加密 / re-encrypted: %d\n", n)
			return nil
		},
	}
	rotate.Flags().BoolVar(&now, "now", false, "立即重新加密 / re-encrypt now, with progress")
	retire := &cobra.Command{
		Use:   "retire KEY-ID",
		Short: "从密钥文件删除不再加密任何值的旧密钥 / remove an old key from the key file once it seals nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			fp, ok := a.Keys.Provider.(*keys.FileProvider)
			if !ok {
				return fmt.Errorf("只能从密钥文件退役密钥 / keys are retired from a key file only (--key-file)")
			}
			counts, err := a.Keys.Census(cmd.Context(), a.DB, a.Secrets)
			if err != nil {
				return err
			}
			for _, c := range counts {
				if c.KeyID == args[0] && c.Values > 0 {
					return fmt.Errorf("密钥 %s 仍加密着 %d 个值，请先重新加密 / key %s still seals %d values; re-encrypt first", args[0], c.Values, args[0], c.Values)
				}
			}
			if err := fp.Retire(cmd.Context(), args[0]); err != nil {
				return err
			}
			ev := auditEvent("keys.retire", "key", args[0])
			if err := a.Audit.Log(cmd.Context(), ev); err != nil {
				return err
			}
			fmt.Printf("已退役 / retired: %s\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(status, rotate, retire)
	return cmd
}
