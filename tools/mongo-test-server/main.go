// Command mongo-test-server is the MongoDB-wire-compatible server that the x monorepo's test run
// (`pnpm check`) starts for its MongoDB suites: FerretDB v1.24.2 embedded as a library, on its
// SQLite backend (pure Go, no cgo), with authentication off. It is a test tool, never a database
// to keep data in.
//
// Usage:
//
//	mongo-test-server -data-dir /tmp/some-empty-dir [-port 0] [-exit-on-stdin-close]
//
// Once it listens it prints one line to standard output, `ready mongodb://127.0.0.1:PORT/`, and
// then serves until SIGTERM or SIGINT, or (with -exit-on-stdin-close) until its standard input
// reaches end of file: a parent that dies, even by SIGKILL, closes that pipe, so no orphan server
// outlives the test run. FerretDB's own log goes to standard error (warnings and errors only).
//
// scripts/with-mongo-test-server.mjs builds it against a patched copy of the FerretDB module (a
// lookup by `_id` for every filter that names one, not only for `{ _id }` alone, spelled so that
// SQLite uses the `_id` index: see the launcher); `go build` here without it gives the same
// server, with every lookup by `_id` a table scan.
//
// (`go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics at
// start, because its generated version file is not part of the module: FerretDB issue #2982.
// Embedding the `ferretdb` package avoids that.)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 to listen on; 0 picks a free one")
	dataDir := flag.String("data-dir", "", "directory for the SQLite files (created if missing); required")
	exitOnStdinClose := flag.Bool("exit-on-stdin-close", false, "stop when standard input reaches end of file")
	logLevel := flag.String("log-level", "warn", "FerretDB log level: debug, info, warn or error")
	flag.Parse()

	if err := run(*port, *dataDir, *exitOnStdinClose, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "mongo-test-server:", err)
		os.Exit(1)
	}
}

func run(port int, dataDir string, exitOnStdinClose bool, logLevel string) error {
	if dataDir == "" {
		return fmt.Errorf("-data-dir is required")
	}
	if port < 0 || port > 65535 {
		return fmt.Errorf("-port must be from 0 to 65535, got %d", port)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// FerretDB's SQLite URL names a directory, and it must end in a slash. Test data is thrown
	// away, so SQLite never waits for fsync (synchronous=off): writes are ~20x faster on disk.
	sqliteURL := "file:" + strings.TrimSuffix(filepath.ToSlash(dir), "/") + "/?_pragma=synchronous(off)"

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if exitOnStdinClose {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: fmt.Sprintf("127.0.0.1:%d", port)},
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}
	// The listener is open once New returns, so the address (and a port picked by the kernel) is known.
	fmt.Printf("ready %s\n", f.MongoDBURI())
	return f.Run(ctx)
}
