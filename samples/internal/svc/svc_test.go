package svc

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMetricsExposition(t *testing.T) {
	var buf bytes.Buffer
	WriteMetrics(&buf)
	text := buf.String()
	for _, name := range []string{
		"go_goroutines",
		"go_memstats_heap_alloc_bytes",
		"go_memstats_heap_inuse_bytes",
		"go_memstats_heap_objects",
		"process_resident_memory_bytes",
		"process_start_time_seconds",
	} {
		for _, prefix := range []string{"# HELP " + name + " ", "# TYPE " + name + " gauge\n", "\n" + name + " "} {
			if !strings.Contains(text, prefix) {
				t.Errorf("metrics output lacks %q:\n%s", prefix, text)
			}
		}
	}
	if !strings.HasSuffix(text, "\n") {
		t.Errorf("metrics output does not end with a newline")
	}
}

func do(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestMuxEndpoints(t *testing.T) {
	worked := false
	mux := NewMux(func(w http.ResponseWriter, r *http.Request) { worked = true })

	if rec := do(t, mux, "/work"); rec.Code != http.StatusOK || !worked {
		t.Fatalf("/work: code %d, worked %v", rec.Code, worked)
	}
	if rec := do(t, mux, "/debug/numgoroutine"); rec.Code != http.StatusOK || !strings.HasSuffix(rec.Body.String(), "\n") {
		t.Fatalf("/debug/numgoroutine: %d %q", rec.Code, rec.Body.String())
	}
	if rec := do(t, mux, "/debug/gc"); rec.Body.String() != "ok\n" {
		t.Fatalf("/debug/gc: %q", rec.Body.String())
	}
	if rec := do(t, mux, "/debug/pprof/heap?debug=1"); rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "heap profile:") {
		t.Fatalf("/debug/pprof/heap: %d", rec.Code)
	}
}

func TestHeapDump(t *testing.T) {
	mux := NewMux(func(http.ResponseWriter, *http.Request) {})
	if rec := do(t, mux, "/debug/heapdump"); rec.Code != http.StatusBadRequest {
		t.Fatalf("missing path: code %d", rec.Code)
	}
	path := filepath.Join(t.TempDir(), "heap.dump")
	if rec := do(t, mux, "/debug/heapdump?path="+path); rec.Code != http.StatusOK || rec.Body.String() != "ok\n" {
		t.Fatalf("heapdump: %d %q", rec.Code, rec.Body.String())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go1.7 heap dump\n")) {
		t.Fatalf("heap dump starts with %q", data[:16])
	}
	if rec := do(t, mux, "/debug/heapdump?path="+path); rec.Code != http.StatusConflict {
		t.Fatalf("existing file: code %d", rec.Code)
	}
}
