// Package svc is the scaffolding shared by every LeakHound sample service.
//
// A sample's main function calls Main first thing, handing it the sample's
// name and its per-request handler. Main parses the common flags, configures
// the runtime profilers, binds a listener on 127.0.0.1 (never any other
// address), prints exactly one line "listening on http://127.0.0.1:PORT" to
// stdout and serves until SIGTERM or SIGINT.
package svc

import (
	"bufio"
	"context"
	"errors"
	"expvar"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// Host is the only address a sample ever listens on. It is deliberately not
// configurable.
const Host = "127.0.0.1"

// Defaults for the profiling knobs.
const (
	DefaultMemProfileRate = 4096
	MutexProfileFraction  = 5
	BlockProfileRateNanos = 10000
)

// Service describes one sample.
type Service struct {
	// Name is the sample's name, used in logs and in /debug/vars.
	Name string
	// Work is the sample's per-request handler, served at /work.
	Work http.HandlerFunc
	// Start, when not nil, runs once after the profilers are configured and
	// before the listener is bound (e.g. to start a fixed worker pool).
	Start func()
}

var (
	startTime    = time.Now()
	workRequests = new(expvar.Int)
)

// Main runs the service and returns only when it has shut down; it exits the
// process with status 1 or 2 on failure.
func Main(s Service) {
	port := flag.Int("port", 0, "TCP port to listen on at "+Host+" (0 picks a free port)")
	memRate := flag.Int("memprofilerate", DefaultMemProfileRate, "runtime.MemProfileRate: sample one allocation per this many bytes (1 records every allocation, 0 disables)")
	flag.Parse()

	// The memory profile rate must be set before the service allocates
	// anything of interest.
	if *memRate < 0 {
		fmt.Fprintf(os.Stderr, "%s: -memprofilerate must be >= 0, got %d\n", s.Name, *memRate)
		os.Exit(2)
	}
	runtime.MemProfileRate = *memRate
	runtime.SetMutexProfileFraction(MutexProfileFraction)
	runtime.SetBlockProfileRate(BlockProfileRateNanos)

	if *port < 0 || *port > 65535 {
		fmt.Fprintf(os.Stderr, "%s: -port must be in 0..65535, got %d\n", s.Name, *port)
		os.Exit(2)
	}
	if flag.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected arguments: %q\n", s.Name, flag.Args())
		os.Exit(2)
	}
	if s.Work == nil {
		fmt.Fprintf(os.Stderr, "%s: no /work handler\n", s.Name)
		os.Exit(2)
	}

	logger := log.New(os.Stderr, s.Name+": ", log.LstdFlags|log.Lmicroseconds)

	publishVars(s.Name)
	if s.Start != nil {
		s.Start()
	}

	ln, err := net.Listen("tcp", net.JoinHostPort(Host, strconv.Itoa(*port)))
	if err != nil {
		logger.Printf("listen: %v", err)
		os.Exit(1)
	}
	addr := ln.Addr().(*net.TCPAddr)

	srv := &http.Server{
		Handler:           NewMux(s.Work),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          logger,
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// Exactly one line on stdout, flushed, so scripts can learn the port.
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "listening on http://%s:%d\n", Host, addr.Port)
	if err := out.Flush(); err != nil {
		logger.Printf("writing the listening line: %v", err)
	}
	logger.Printf("serving on %s:%d (pid %d, memprofilerate %d)", Host, addr.Port, os.Getpid(), *memRate)

	select {
	case err := <-served:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Printf("serve: %v", err)
			os.Exit(1)
		}
	case <-ctx.Done():
		stop()
		logger.Printf("signal received, shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := srv.Shutdown(sctx); err != nil {
			logger.Printf("graceful shutdown: %v; closing", err)
			_ = srv.Close()
		}
		cancel()
		<-served
		logger.Printf("stopped")
	}
}

// NewMux returns the handler tree shared by every sample, with work served
// at /work.
func NewMux(work http.HandlerFunc) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/debug/vars", expvar.Handler())
	mux.HandleFunc("/metrics", serveMetrics)
	mux.HandleFunc("/debug/numgoroutine", serveNumGoroutine)
	mux.HandleFunc("/debug/stackdump", serveStackDump)
	mux.HandleFunc("/debug/heapdump", serveHeapDump)
	mux.HandleFunc("/debug/gc", serveGC)
	mux.Handle("/work", countRequests(work))
	return mux
}

func countRequests(work http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		workRequests.Add(1)
		work(w, r)
	})
}

func publishVars(name string) {
	// expvar panics on duplicate names; Main runs once per process.
	expvar.Publish("sample", expvar.Func(func() interface{} { return name }))
	expvar.Publish("work_requests", workRequests)
	expvar.Publish("goroutines", expvar.Func(func() interface{} { return runtime.NumGoroutine() }))
	expvar.Publish("memprofilerate", expvar.Func(func() interface{} { return runtime.MemProfileRate }))
}
