package svc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// metricKind is a Prometheus metric type as written on a "# TYPE" line.
type metricKind string

const (
	gauge   metricKind = "gauge"
	counter metricKind = "counter"
)

// writeMetric writes one metric family with a single unlabelled sample in the
// Prometheus text exposition format (version 0.0.4).
func writeMetric(w io.Writer, name, help string, kind metricKind, value string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, kind, name, value)
}

// residentBytes reads the resident set size of this process from
// /proc/self/statm (second field, in pages).
func residentBytes() (uint64, error) {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return 0, fmt.Errorf("unexpected /proc/self/statm content %q", data)
	}
	pages, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parsing resident pages: %w", err)
	}
	return pages * uint64(os.Getpagesize()), nil
}

// WriteMetrics writes the sample's metrics in Prometheus text format.
func WriteMetrics(w io.Writer) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }

	writeMetric(w, "go_goroutines", "Number of goroutines that currently exist.", gauge,
		strconv.Itoa(runtime.NumGoroutine()))
	writeMetric(w, "go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and still in use.", gauge,
		u(ms.HeapAlloc))
	writeMetric(w, "go_memstats_heap_inuse_bytes", "Number of heap bytes in in-use spans.", gauge,
		u(ms.HeapInuse))
	writeMetric(w, "go_memstats_heap_objects", "Number of allocated heap objects.", gauge,
		u(ms.HeapObjects))
	if rss, err := residentBytes(); err == nil {
		writeMetric(w, "process_resident_memory_bytes", "Resident memory size in bytes.", gauge, u(rss))
	}
	start := float64(startTime.UnixNano()) / 1e9
	writeMetric(w, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", gauge,
		strconv.FormatFloat(start, 'f', 3, 64))
	writeMetric(w, "leakhound_work_requests_total", "Number of requests served at /work.", counter,
		strconv.FormatInt(workRequests.Value(), 10))
}

func serveMetrics(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	WriteMetrics(&buf)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

func serveNumGoroutine(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "%d\n", runtime.NumGoroutine())
}

func serveGC(w http.ResponseWriter, r *http.Request) {
	runtime.GC()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// serveHeapDump runs a garbage collection and writes a runtime heap dump
// (debug.WriteHeapDump) to the file named by the "path" query parameter. The
// file must not exist yet.
func serveHeapDump(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Query().Get("path")
	if path == "" {
		http.Error(w, "missing ?path=FILE", http.StatusBadRequest)
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, os.ErrExist) {
			status = http.StatusConflict
		}
		http.Error(w, err.Error(), status)
		return
	}
	runtime.GC()
	debug.WriteHeapDump(f.Fd())
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// Stack dump consistency: how often /debug/stackdump tries, and the smallest
// buffer it starts with.
const (
	stackDumpAttempts = 20
	stackDumpMinBuf   = 64 << 10
)

// errInconsistentDump is returned by stackDump when the goroutine count never
// agreed with the dump.
var errInconsistentDump = errors.New("runtime.NumGoroutine never agreed with the runtime.Stack dump")

// stackDump returns runtime.Stack(buf, true) for all goroutines and a
// goroutine count that matches it exactly. runtime.NumGoroutine is read right
// before and right after each runtime.Stack call; the dump is accepted only
// when both readings agree with each other and with the number of
// "goroutine " header lines in it. Otherwise (goroutines starting or exiting
// meanwhile, or the finalizer goroutine running a finalizer, which the dump
// shows but NumGoroutine does not count) it waits a little and tries again,
// stackDumpAttempts times in all; attempts says how many it took. The buffer
// grows until the dump fits. runtime.Stack ignores GOTRACEBACK, so the dump
// never shows the runtime's own goroutines, which NumGoroutine does not count
// either.
func stackDump() (n int, dump []byte, attempts int, err error) {
	size := stackDumpMinBuf
	for size < runtime.NumGoroutine()<<10 {
		size *= 2
	}
	buf := make([]byte, size)
	var before, after, inDump int
	for attempts = 1; ; attempts++ {
		var m int
		for {
			before = runtime.NumGoroutine()
			m = runtime.Stack(buf, true)
			after = runtime.NumGoroutine()
			if m < len(buf) {
				break
			}
			buf = make([]byte, 2*len(buf))
		}
		inDump = countGoroutineHeaders(buf[:m])
		if before == after && after == inDump {
			return after, buf[:m], attempts, nil
		}
		if attempts == stackDumpAttempts {
			return 0, nil, attempts, fmt.Errorf("%w in %d attempts (last: %d before, %d after, %d in the dump)",
				errInconsistentDump, attempts, before, after, inDump)
		}
		time.Sleep(time.Duration(attempts) * 5 * time.Millisecond)
	}
}

// countGoroutineHeaders counts the lines of a runtime.Stack dump that start a
// goroutine ("goroutine 7 [chan send]:").
func countGoroutineHeaders(dump []byte) int {
	header := []byte("goroutine ")
	n := bytes.Count(dump, append([]byte{'\n'}, header...))
	if bytes.HasPrefix(dump, header) {
		n++
	}
	return n
}

// serveStackDump answers "# NumGoroutine N" followed by the full
// runtime.Stack dump of all goroutines, N being exactly the number of
// goroutines in the dump (see stackDump). The X-Stackdump-Attempts header
// says how many dumps it took. It answers 503 if no consistent dump could be
// taken.
func serveStackDump(w http.ResponseWriter, r *http.Request) {
	n, dump, attempts, err := stackDump()
	w.Header().Set("X-Stackdump-Attempts", strconv.Itoa(attempts))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	head := "# NumGoroutine " + strconv.Itoa(n) + "\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(dump)))
	_, _ = io.WriteString(w, head)
	_, _ = w.Write(dump)
}
