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
