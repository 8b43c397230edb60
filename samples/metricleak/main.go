// Command metricleak reproduces a middleware that is built per request
// instead of once: every /work request wraps the handler in a new
// instrumenting middleware, which registers a new metric (a name plus a
// 64-bucket histogram) in a global registry that nothing ever prunes.
//
// Leak site in heap profiles: main.newHistogram, main.newMetric and
// main.newMiddleware, reached from main.instrument.
package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"leakhound/samples/internal/svc"
)

const histogramBuckets = 64

// metric is a latency histogram with exponential buckets.
type metric struct {
	name    string
	help    string
	bounds  []float64 // upper bounds, seconds
	counts  []uint64
	sum     float64
	samples uint64
}

// middleware wraps a handler and records its latency in a metric.
type middleware struct {
	name   string
	metric *metric
	next   http.HandlerFunc
}

// registry holds every metric and middleware ever created.
var registry struct {
	sync.Mutex
	metrics     map[string]*metric
	middlewares []*middleware
}

var seq uint64

func main() {
	registry.metrics = make(map[string]*metric)
	svc.Main(svc.Service{Name: "metricleak", Work: handleWork})
}

// handleWork is the buggy part: the middleware chain is assembled on every
// request, registering a fresh metric each time.
func handleWork(w http.ResponseWriter, r *http.Request) {
	id := atomic.AddUint64(&seq, 1)
	h := instrument(fmt.Sprintf("handler_%d", id), serveWork)
	h.ServeHTTP(w, r)
}

func serveWork(w http.ResponseWriter, r *http.Request) {
	n, samples := registrySummary()
	fmt.Fprintf(w, "ok (%d metrics registered, %d samples)\n", n, samples)
}

// registrySummary walks every registered metric under the registry lock; it
// gets slower as the registry leaks, and the lock gets contended.
//
//go:noinline
func registrySummary() (metrics int, samples uint64) {
	registry.Lock()
	defer registry.Unlock()
	for _, m := range registry.metrics {
		samples += m.samples
	}
	return len(registry.metrics), samples
}

// instrument builds the middleware and registers its metric.
//
//go:noinline
func instrument(name string, next http.HandlerFunc) *middleware {
	m := newMetric("http_request_duration_seconds_"+name, "Latency of "+name+".")
	mw := newMiddleware(name, m, next)
	registerMetric(mw)
	return mw
}

//go:noinline
func newMiddleware(name string, m *metric, next http.HandlerFunc) *middleware {
	return &middleware{name: name, metric: m, next: next}
}

//go:noinline
func newMetric(name, help string) *metric {
	bounds, counts := newHistogram()
	return &metric{name: name, help: help, bounds: bounds, counts: counts}
}

// newHistogram allocates exponential bucket bounds from 100µs upward and
// their counters.
//
//go:noinline
func newHistogram() ([]float64, []uint64) {
	bounds := make([]float64, histogramBuckets)
	b := 0.0001
	for i := range bounds {
		bounds[i] = b
		b *= 1.25
	}
	return bounds, make([]uint64, histogramBuckets+1)
}

//go:noinline
func registerMetric(mw *middleware) {
	registry.Lock()
	defer registry.Unlock()
	registry.metrics[mw.metric.name] = mw.metric
	registry.middlewares = append(registry.middlewares, mw)
}

func (mw *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	mw.next(w, r)
	mw.metric.observe(time.Since(start).Seconds())
}

func (m *metric) observe(v float64) {
	registry.Lock()
	defer registry.Unlock()
	i := 0
	for i < len(m.bounds) && v > m.bounds[i] {
		i++
	}
	m.counts[i]++
	m.sum += v
	m.samples++
}
