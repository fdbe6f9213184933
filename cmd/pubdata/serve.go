package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
)

func serveCmd() *cobra.Command {
	var addr, certFile, keyFile string
	var withDemo, noJobs, behindTLS bool
	var trustedProxies []string
	limits := server.Limits{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "启动平台 / start the platform",
		RunE: func(cmd *cobra.Command, args []string) error {
			slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// Check the TLS pair before anything else, so a bad file is a clear start-up error
			// rather than a failure after "running at" was printed.
			if (certFile == "") != (keyFile == "") {
				return fmt.Errorf("--tls-cert 与 --tls-key 须同时给出 / give both --tls-cert and --tls-key")
			}
			if certFile != "" {
				if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
					return fmt.Errorf("无法读取 TLS 证书或私钥 / cannot load the TLS certificate or key: %w", err)
				}
			}
			if env := os.Getenv("PUBDATA_TRUSTED_PROXIES"); env != "" && len(trustedProxies) == 0 {
				trustedProxies = []string{env}
			}
			tp, err := httpapi.ParseTrustedProxies(trustedProxies)
			if err != nil {
				return fmt.Errorf("--trusted-proxy 须为地址或 CIDR / --trusted-proxy takes an address or a CIDR: %w", err)
			}
			httpapi.TrustedProxies = tp
			// Take the port first so a busy port fails fast, before any database work.
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("无法监听 %s（端口可能已被占用）/ cannot listen on %s (port in use?): %w", addr, addr, err)
			}
			a, err := openApp(ctx)
			if err != nil {
				ln.Close()
				return err
			}
			defer a.Close()
			if !a.KeysOnFile() {
				slog.Warn("stored secrets are sealed under keys kept in the database; set --key-file (PUBDATA_KEY_FILE) in production",
					"zh", "加密存储秘密的密钥保存在数据库中；生产环境请设置 --key-file")
			}
			if withDemo {
				if err := demo.Load(ctx, a); err != nil {
					ln.Close()
					return fmt.Errorf("加载演示数据失败 / loading the demo region failed: %w", err)
				}
				// A backup and a restore drill to look at on the jobs page.
				if err := demo.Backups(ctx, a); err != nil {
					slog.Warn("demo backup", "err", err)
				}
			}
			secure := certFile != ""
			// Behind a TLS-terminating proxy pubdata speaks plain HTTP to the proxy, but its
			// users are on HTTPS: cookies must be Secure and HSTS sent all the same.
			h, _, err := server.Handler(a, secure || behindTLS || envTrue("PUBDATA_BEHIND_TLS"))
			if err != nil {
				ln.Close()
				return err
			}
			go func() {
				if err := a.Catalog.Warm(ctx); err != nil && ctx.Err() == nil {
					slog.Warn("catalog search index warm-up failed", "err", err)
				}
			}()
			if !noJobs {
				a.Jobs.Start(ctx, 30*time.Second)
			}
			srv := server.NewHTTPServer(h, limits)
			if secure {
				srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			scheme := "http"
			if secure {
				scheme = "https"
			}
			fmt.Printf("pubdata 公共数据平台已启动 / running at %s://%s  (数据库 / database: %s %s)\n", scheme, ln.Addr(), a.DB.Dialect, a.DB.Where)
			if withDemo {
				printAccounts()
			}
			errc := make(chan error, 1)
			go func() {
				if secure {
					errc <- srv.ServeTLS(ln, certFile, keyFile)
				} else {
					errc <- srv.Serve(ln)
				}
			}()
			select {
			case err := <-errc:
				if !errors.Is(err, http.ErrServerClosed) {
					return err
				}
			case <-ctx.Done():
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				srv.Shutdown(sctx)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "监听地址 / listen address HOST:PORT")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "加载演示区域 / load the demo region")
	cmd.Flags().StringVar(&certFile, "tls-cert", "", "TLS 证书文件 / TLS certificate file")
	cmd.Flags().StringVar(&keyFile, "tls-key", "", "TLS 私钥文件 / TLS key file")
	cmd.Flags().BoolVar(&behindTLS, "behind-tls", false, "由终止 TLS 的反向代理对外提供 HTTPS：Cookie 带 Secure 并发送 HSTS（或 PUBDATA_BEHIND_TLS=1）/ a TLS-terminating proxy serves users over HTTPS: Secure cookies and HSTS (or PUBDATA_BEHIND_TLS=1)")
	cmd.Flags().StringSliceVar(&trustedProxies, "trusted-proxy", nil, "信任其 X-Forwarded-For 的反向代理地址或 CIDR，可重复（或 PUBDATA_TRUSTED_PROXIES=逗号分隔）；未设置时忽略该头 / a reverse proxy (address or CIDR) whose X-Forwarded-For is believed; repeatable (or PUBDATA_TRUSTED_PROXIES, comma-separated); unset, the header is ignored")
	cmd.Flags().DurationVar(&limits.ReadHeaderTimeout, "read-header-timeout", server.DefaultReadHeaderTimeout, "请求头读取时限 / time allowed for the request headers")
	cmd.Flags().DurationVar(&limits.BodyTimeout, "body-timeout", server.DefaultBodyTimeout, "请求体读取时限（另按 --body-min-rate 随已收字节延长）/ time allowed for a request body, extended by --body-min-rate for the bytes received")
	cmd.Flags().Int64Var(&limits.BodyMinRate, "body-min-rate", server.DefaultBodyMinRate, "请求体最低速率（字节/秒）/ slowest accepted request body, bytes per second")
	cmd.Flags().BoolVar(&noJobs, "no-jobs", false, "不在本节点运行定时任务 / do not run background jobs on this node")
	return cmd
}

func printAccounts() {
	fmt.Println("演示账户（密码均为 / every password is " + demo.Password + "）:")
	for _, acc := range demo.Accounts {
		fmt.Printf("  %-16s %s\n", acc.Username, acc.Name)
	}
}

// envTrue tells whether an environment switch is on (1, true, yes).
func envTrue(name string) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(name))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
