// Command load drives and fetches LeakHound sample services. It talks to
// loopback addresses only: any URL whose host is not 127.0.0.1, localhost or
// [::1] is refused, redirects are checked the same way, proxies are never
// used, and every connection is checked to reach a loopback IP.
//
// Usage:
//
//	load drive -url URL [-n 300] [-c 8] [-timeout 30s]
//	load get   -url URL -o FILE [-timeout 60s]
//	load wait  -url URL [-timeout 10s]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const usage = `usage:
  load drive -url URL [-n N] [-c C] [-timeout D]   send N GET requests, C at a time
  load get   -url URL -o FILE [-timeout D]          fetch one URL into FILE ("-" = stdout)
  load wait  -url URL [-timeout D]                  poll until URL answers 200
Only loopback URLs (127.0.0.1, localhost, [::1]) are accepted.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "drive":
		err = drive(args)
	case "get":
		err = get(args)
	case "wait":
		err = wait(args)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(os.Stdout, usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "load: unknown command %q\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "load %s: %v\n", os.Args[1], err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError marks errors in the command line (exit status 2).
type usageError struct{ error }

// checkURL parses raw and accepts it only if it is an http(s) URL whose host
// is a loopback name or address.
func checkURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, usageError{errors.New("-url is required")}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, usageError{err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, usageError{fmt.Errorf("refusing %q: scheme must be http or https", raw)}
	}
	if !isLoopbackHost(u.Hostname()) {
		return nil, usageError{fmt.Errorf("refusing %q: host must be 127.0.0.1, localhost or [::1]", raw)}
	}
	return u, nil
}

func isLoopbackHost(host string) bool {
	switch strings.ToLower(host) {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}

// newClient returns an HTTP client that never uses a proxy, follows only
// loopback redirects and refuses to connect to a non-loopback IP (e.g. if
// "localhost" resolved elsewhere).
func newClient(conns int) *http.Client {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("refusing to connect to non-loopback address %s", address)
			}
			return nil
		},
	}
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if !isLoopbackHost(req.URL.Hostname()) {
				return fmt.Errorf("refusing redirect to non-loopback %q", req.URL.String())
			}
			return nil
		},
	}
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	return nil
}

// drive sends n GET requests with concurrency c, stopping early when the
// timeout expires, and prints a one-line summary on stdout.
func drive(args []string) error {
	fs := flag.NewFlagSet("drive", flag.ContinueOnError)
	rawURL := fs.String("url", "", "loopback URL to request")
	n := fs.Int("n", 300, "number of requests")
	c := fs.Int("c", 8, "concurrent requests")
	timeout := fs.Duration("timeout", 30*time.Second, "stop after this long even if fewer than -n requests were sent")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	u, err := checkURL(*rawURL)
	if err != nil {
		return err
	}
	if *n < 0 || *c < 1 || *timeout <= 0 {
		return usageError{errors.New("need -n >= 0, -c >= 1 and -timeout > 0")}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	client := newClient(*c)
	target := u.String()

	var (
		next      int64
		ok, non2x int64
		failed    int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, *n)
		firstErr  error
		wg        sync.WaitGroup
	)
	start := time.Now()
	for i := 0; i < *c; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && atomic.AddInt64(&next, 1) <= int64(*n) {
				t0 := time.Now()
				status, err := fetchOnce(ctx, client, target)
				d := time.Since(t0)
				switch {
				case err != nil:
					if ctx.Err() != nil {
						return // the deadline cut this request short; not counted
					}
					atomic.AddInt64(&failed, 1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				case status/100 == 2:
					atomic.AddInt64(&ok, 1)
				default:
					atomic.AddInt64(&non2x, 1)
				}
				if err == nil {
					mu.Lock()
					latencies = append(latencies, d)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	client.CloseIdleConnections()

	sent := ok + non2x + failed
	stopped := "done"
	if ctx.Err() != nil && sent < int64(*n) {
		stopped = "timeout"
	}
	rps := 0.0
	if elapsed > 0 {
		rps = float64(sent) / elapsed.Seconds()
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	fmt.Printf("drive url=%s requests=%d ok=%d non2xx=%d errors=%d stopped=%s elapsed=%s rps=%.1f p50=%s p99=%s max=%s\n",
		target, sent, ok, non2x, failed, stopped, elapsed.Round(time.Millisecond), rps,
		percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100))
	if firstErr != nil {
		fmt.Fprintf(os.Stderr, "load drive: first error: %v\n", firstErr)
	}
	if *n > 0 && ok == 0 {
		return errors.New("no request succeeded")
	}
	return nil
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i].Round(time.Microsecond)
}

// fetchOnce sends one GET and discards the body.
func fetchOnce(ctx context.Context, client *http.Client, target string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// get fetches one URL into a file (written to a temporary name and renamed
// once complete). Any status other than 200 is an error.
func get(args []string) error {
	fs := flag.NewFlagSet("get", flag.ContinueOnError)
	rawURL := fs.String("url", "", "loopback URL to fetch")
	out := fs.String("o", "", `output file ("-" for stdout)`)
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	u, err := checkURL(*rawURL)
	if err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("-o FILE is required")}
	}
	if *timeout <= 0 {
		return usageError{errors.New("-timeout must be > 0")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := newClient(1).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
	}
	if *out == "-" {
		_, err := io.Copy(os.Stdout, resp.Body)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".part-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, resp.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), *out)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

// wait polls URL until it answers 200 or the timeout expires.
func wait(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	rawURL := fs.String("url", "", "loopback URL to poll")
	timeout := fs.Duration("timeout", 10*time.Second, "give up after this long")
	interval := fs.Duration("interval", 50*time.Millisecond, "time between attempts")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	u, err := checkURL(*rawURL)
	if err != nil {
		return err
	}
	if *timeout <= 0 || *interval <= 0 {
		return usageError{errors.New("-timeout and -interval must be > 0")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	client := newClient(1)
	var last error
	for {
		status, err := fetchOnce(ctx, client, u.String())
		if err == nil && status == http.StatusOK {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("status %d", status)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %s: %v", u, *timeout, last)
		case <-time.After(*interval):
		}
	}
}
