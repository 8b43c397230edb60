package svc

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
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

//go:noinline
func parkedForTest(release <-chan struct{}, started chan<- struct{}) {
	started <- struct{}{}
	<-release
}

func TestStackDump(t *testing.T) {
	const parked = 50
	release := make(chan struct{})
	started := make(chan struct{})
	for i := 0; i < parked; i++ {
		go parkedForTest(release, started)
	}
	for i := 0; i < parked; i++ {
		<-started
	}
	defer close(release)

	mux := NewMux(func(http.ResponseWriter, *http.Request) {})
	rec := do(t, mux, "/debug/stackdump")
	if rec.Code != http.StatusOK {
		t.Fatalf("/debug/stackdump: code %d: %s", rec.Code, rec.Body.String())
	}
	body := rec.Body.String()
	first, dump, ok := strings.Cut(body, "\n")
	if !ok || !strings.HasPrefix(first, "# NumGoroutine ") {
		t.Fatalf("first line %q", first)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(first, "# NumGoroutine "))
	if err != nil {
		t.Fatalf("first line %q: %v", first, err)
	}
	if got := countGoroutineHeaders([]byte(dump)); got != n {
		t.Errorf("NumGoroutine %d, %d goroutines in the dump", n, got)
	}
	if n < parked+1 {
		t.Errorf("NumGoroutine %d, want at least %d", n, parked+1)
	}
	if !strings.HasPrefix(dump, "goroutine ") || !strings.HasSuffix(dump, "\n") {
		t.Errorf("dump does not look like runtime.Stack output: %.80q", dump)
	}
	if c := strings.Count(dump, "svc.parkedForTest("); c != parked {
		t.Errorf("%d goroutines in parkedForTest, want %d", c, parked)
	}
	if a := rec.Header().Get("X-Stackdump-Attempts"); a == "" || a == "0" {
		t.Errorf("X-Stackdump-Attempts %q", a)
	}
	if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %q, body %d bytes", cl, len(body))
	}
}

func TestCountGoroutineHeaders(t *testing.T) {
	for _, tc := range []struct {
		dump string
		want int
	}{
		{"", 0},
		{"goroutine 1 [running]:\nmain.main()\n\t/x/main.go:3 +0x1\n", 1},
		{"goroutine 1 [running]:\nmain.main()\n\ngoroutine 7 [chan send]:\nmain.f()\ncreated by main.main\n", 2},
		{"\tgoroutine 1\nmygoroutine 2\n", 0},
	} {
		if got := countGoroutineHeaders([]byte(tc.dump)); got != tc.want {
			t.Errorf("countGoroutineHeaders(%q) = %d, want %d", tc.dump, got, tc.want)
		}
	}
}
