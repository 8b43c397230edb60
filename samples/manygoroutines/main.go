// Command manygoroutines writes a large, realistic goroutine dump: it starts
// N goroutines that park in the states a real Go service shows (chan send,
// chan receive, select, mutex and RWMutex waits, WaitGroup.Wait,
// sync.Cond.Wait, time.Sleep, IO wait on os.Pipe, reads on net.Pipe), along
// distinct call paths with arguments, methods, closures, a generic function,
// recursion, goroutines started by other goroutines and a few locked to
// their OS thread. Once every one of them is parked it writes
// runtime.Stack(buf, true) to FILE (and, with -debug1, the debug=1 goroutine
// profile to FILE2) and exits. It is not a service and talks to no network.
//
// Usage:
//
//	manygoroutines -n 100000 -o FILE [-debug1 FILE2] [-timeout 60s]
//
// It prints one line on stdout:
//
//	goroutines=100001 parked=100000 bytes=N file=FILE elapsed=1.2s
//
// goroutines counts every goroutine in the dump (the N parked ones plus
// main, which is the one "running").
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// maxPipes bounds the os.Pipe pairs (two descriptors each); further
	// pipe readers share them and wait for the descriptor's read lock.
	maxPipes = 256
	// fanOutChildren is the number of children each fan-out parent starts.
	fanOutChildren = 7
	// lockedThreads goroutines (when N >= 1000) are locked to their OS
	// thread; each one keeps a thread asleep, so there are only a few.
	lockedThreads = 4
)

func main() {
	n := flag.Int("n", 100000, "number of goroutines to park")
	out := flag.String("o", "", "write runtime.Stack(buf, true) to this file (required)")
	debug1 := flag.String("debug1", "", `also write pprof.Lookup("goroutine").WriteTo(f, 1) to this file`)
	timeout := flag.Duration("timeout", 60*time.Second, "give up if the goroutines are not all parked after this long")
	flag.Parse()
	switch {
	case flag.NArg() != 0:
		fail(2, fmt.Errorf("unexpected arguments: %q", flag.Args()))
	case *out == "":
		fail(2, errors.New("-o FILE is required"))
	case *n < 1:
		fail(2, fmt.Errorf("-n must be >= 1, got %d", *n))
	case *timeout <= 0:
		fail(2, errors.New("-timeout must be > 0"))
	}

	line, err := run(*n, *out, *debug1, *timeout)
	if err != nil {
		fail(1, err)
	}
	fmt.Println(line)
	// The parked goroutines are simply abandoned.
	os.Exit(0)
}

// run parks n more goroutines, writes the dump to out (and the debug=1
// profile to debug1 unless it is empty) and returns the summary line. The
// goroutines stay parked.
func run(n int, out, debug1 string, timeout time.Duration) (string, error) {
	start := time.Now()
	base := runtime.NumGoroutine()
	w := newWorld()
	if err := w.start(n); err != nil {
		return "", err
	}
	dump, err := w.awaitParked(base+n, start.Add(timeout))
	if err != nil {
		return "", err
	}
	if err := writeFile(out, func(f *os.File) error { _, err := f.Write(dump); return err }); err != nil {
		return "", err
	}
	line := fmt.Sprintf("goroutines=%d parked=%d bytes=%d file=%s", countHeaders(dump), n, len(dump), out)
	if debug1 != "" {
		var size int64
		err := writeFile(debug1, func(f *os.File) error {
			if err := pprof.Lookup("goroutine").WriteTo(f, 1); err != nil {
				return err
			}
			fi, err := f.Stat()
			if err == nil {
				size = fi.Size()
			}
			return err
		})
		if err != nil {
			return "", err
		}
		line += fmt.Sprintf(" debug1_bytes=%d debug1_file=%s", size, debug1)
	}
	return fmt.Sprintf("%s elapsed=%s", line, time.Since(start).Round(time.Millisecond)), nil
}

func fail(code int, err error) {
	fmt.Fprintf(os.Stderr, "manygoroutines: %v\n", err)
	os.Exit(code)
}

// writeFile writes path whole or not at all (temporary file, then rename).
func writeFile(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return err
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}

// --- waiting for the goroutines to park --------------------------------------

// awaitParked waits until every goroutine has announced it is about to block
// and want goroutines exist, then takes stack dumps until one shows exactly
// want goroutines, none of them runnable except this one.
func (w *world) awaitParked(want int, deadline time.Time) ([]byte, error) {
	for atomic.LoadInt64(&w.parking) < w.planned || runtime.NumGoroutine() != want {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("timed out: %d of %d goroutines about to park, NumGoroutine %d (want %d)",
				atomic.LoadInt64(&w.parking), w.planned, runtime.NumGoroutine(), want)
		}
		time.Sleep(2 * time.Millisecond)
	}
	buf := make([]byte, want*720+(1<<20))
	for attempt := 1; ; attempt++ {
		time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
		var n int
		for {
			n = runtime.Stack(buf, true)
			if n < len(buf) {
				break
			}
			buf = make([]byte, 2*len(buf))
		}
		dump := buf[:n]
		got, busy := countHeaders(dump), countBusy(dump)
		if got == want && busy == 1 {
			return dump, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("timed out: last dump has %d goroutines (want %d), %d running or runnable (want 1)", got, want, busy)
		}
	}
}

var headerPrefix = []byte("goroutine ")

// countHeaders counts the goroutine header lines of a runtime.Stack dump.
func countHeaders(dump []byte) int {
	n := bytes.Count(dump, append([]byte{'\n'}, headerPrefix...))
	if bytes.HasPrefix(dump, headerPrefix) {
		n++
	}
	return n
}

// countBusy counts the goroutines whose header says [running] or [runnable].
func countBusy(dump []byte) int {
	n := 0
	for _, state := range [][]byte{[]byte(" [running"), []byte(" [runnable")} {
		for rest := dump; ; {
			i := bytes.Index(rest, state)
			if i < 0 {
				break
			}
			lineStart := bytes.LastIndexByte(rest[:i], '\n') + 1
			if bytes.HasPrefix(rest[lineStart:], headerPrefix) {
				n++
			}
			rest = rest[i+len(state):]
		}
	}
	return n
}

// --- the world the goroutines block in ---------------------------------------

// world holds everything the goroutines block on. Nothing is ever sent,
// closed, unlocked or signalled: the goroutines stay parked until the
// process exits.
type world struct {
	planned int64 // goroutines to start
	parking int64 // goroutines that are about to block (atomic)

	results chan result   // unbuffered, never received from
	jobs    chan *job     // unbuffered, never sent to
	events  chan event    // never sent to
	never   chan struct{} // never closed
	ctx     context.Context
	cancel  context.CancelFunc

	accounts []*account // their mutexes are held by main
	registry *registry  // write-locked by main
	pending  sync.WaitGroup
	pool     *connPool // empty, never refilled

	// The other pipe ends are kept here: a collected *os.File would close
	// its descriptor and the readers would see EOF.
	pipeReaders []*os.File
	pipeWriters []*os.File
	netConns    []net.Conn
}

type result struct {
	id      int
	payload []byte
}

type job struct {
	id   int
	name string
}

type event struct {
	kind string
	seq  uint64
}

func newWorld() *world {
	w := &world{
		results: make(chan result),
		jobs:    make(chan *job),
		events:  make(chan event, 16),
		never:   make(chan struct{}),
	}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	for i := 0; i < 4; i++ {
		a := &account{id: i, balance: 1000}
		a.mu.Lock()
		w.accounts = append(w.accounts, a)
	}
	w.registry = &registry{entries: map[string]int{"db": 1}}
	w.registry.mu.Lock()
	w.pending.Add(1)
	w.pool = &connPool{}
	w.pool.cond = sync.NewCond(&w.pool.mu)
	return w
}

// parked is called by every goroutine right before it blocks.
func (w *world) parked() {
	atomic.AddInt64(&w.parking, 1)
}

// family is one group of goroutines sharing a blocking state.
type family struct {
	name   string
	weight int
	start  func(w *world, first, count int) error
}

var families = []family{
	{"chan send", 13, startSenders},
	{"chan receive", 12, startConsumers},
	{"chan receive (nil chan)", 2, startNilReceivers},
	{"select", 11, startSelectors},
	{"select (no cases)", 1, startForever},
	{"sync.Mutex", 10, startDepositors},
	{"sync.RWMutex", 5, startLookups},
	{"sync.WaitGroup", 8, startWaiters},
	{"sync.Cond", 4, startPoolGetters},
	{"time.Sleep", 10, startSleepers},
	{"os.Pipe read", 4, startPipeReaders},
	{"net.Pipe read", 6, startNetReaders},
	{"recursion", 6, startWalkers},
	{"fan-out", 8, startFanOuts},
}

// start starts n goroutines, split over the families by weight.
func (w *world) start(n int) error {
	w.planned = int64(n)
	locked := 0
	if n >= 1000 {
		locked = lockedThreads
	}
	total := 0
	for _, f := range families {
		total += f.weight
	}
	counts := make([]int, len(families))
	left := n - locked
	assigned := 0
	for i, f := range families {
		counts[i] = left * f.weight / total
		assigned += counts[i]
	}
	for i := 0; assigned < left; i = (i + 1) % len(counts) {
		counts[i]++
		assigned++
	}
	id := 0
	startLocked(w, id, locked)
	id += locked
	for i, f := range families {
		if err := f.start(w, id, counts[i]); err != nil {
			return fmt.Errorf("starting %s goroutines: %w", f.name, err)
		}
		id += counts[i]
	}
	return nil
}

// --- chan send ---------------------------------------------------------------

type reportOptions struct {
	format  string
	verbose bool
	limit   int
}

type broker struct {
	name string
	out  chan<- result
	w    *world
}

type message struct {
	topic string
	body  []byte
}

func startSenders(w *world, first, count int) error {
	b := &broker{name: "orders", out: w.results, w: w}
	for i := 0; i < count; i++ {
		id := first + i
		switch i % 3 {
		case 0:
			go reportWorker(w, id, "daily-"+strconv.Itoa(id%97))
		case 1:
			go b.run(id, &message{topic: "orders.created", body: make([]byte, 64)})
		default:
			go func() {
				w.parked()
				w.results <- result{id: id}
			}()
		}
	}
	return nil
}

//go:noinline
func reportWorker(w *world, id int, name string) {
	computeReport(w, id, name, reportOptions{format: "csv", verbose: id%2 == 0, limit: 100})
}

//go:noinline
func computeReport(w *world, id int, name string, opts reportOptions) {
	payload := make([]byte, 16+opts.limit%8)
	copy(payload, name)
	publish(w, id, payload)
}

//go:noinline
func publish(w *world, id int, payload []byte) {
	w.parked()
	w.results <- result{id: id, payload: payload}
}

//go:noinline
func (b *broker) run(id int, m *message) {
	b.Publish(m.topic, m, id)
}

//go:noinline
func (b *broker) Publish(topic string, m *message, id int) {
	b.w.parked()
	b.out <- result{id: id, payload: m.body}
}

// --- chan receive ------------------------------------------------------------

type queue struct {
	name string
	jobs <-chan *job
}

func startConsumers(w *world, first, count int) error {
	q := &queue{name: "ingest", jobs: w.jobs}
	for i := 0; i < count; i++ {
		id := first + i
		if i%2 == 0 {
			go consumerLoop(w, id, q, 0.25)
		} else {
			go awaitEvent(w, id, w.events)
		}
	}
	return nil
}

//go:noinline
func consumerLoop(w *world, id int, q *queue, share float64) {
	for {
		j, ok := q.Next(w)
		if !ok {
			return
		}
		_ = j.name
	}
}

//go:noinline
func (q *queue) Next(w *world) (*job, bool) {
	w.parked()
	j, ok := <-q.jobs
	return j, ok
}

//go:noinline
func awaitEvent(w *world, id int, events <-chan event) {
	ev := waitFor(w, events)
	_ = ev.kind
}

// waitFor is generic so the dump has a "main.waitFor[...]" frame.
//
//go:noinline
func waitFor[T any](w *world, ch <-chan T) T {
	w.parked()
	return <-ch
}

// --- chan receive (nil chan) -------------------------------------------------

type config struct {
	updates chan map[string]string // never made: receiving blocks forever
}

func startNilReceivers(w *world, first, count int) error {
	cfg := &config{}
	for i := 0; i < count; i++ {
		go awaitConfig(w, first+i, cfg)
	}
	return nil
}

//go:noinline
func awaitConfig(w *world, id int, cfg *config) {
	w.parked()
	m := <-cfg.updates
	_ = m
}

// --- select ------------------------------------------------------------------

type request struct {
	id     int
	method string
	path   string
	reply  chan []byte
}

func startSelectors(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		id := first + i
		if i%2 == 0 {
			go serveConn(w, id, "10.0.0."+strconv.Itoa(id%250))
		} else {
			go eventLoop(w, id, w.events, w.never)
		}
	}
	return nil
}

//go:noinline
func serveConn(w *world, id int, remote string) {
	handleRequest(w, &request{id: id, method: "GET", path: "/api/v1/items", reply: make(chan []byte)})
}

//go:noinline
func handleRequest(w *world, req *request) {
	awaitReply(w, w.ctx, req, 30*time.Second)
}

//go:noinline
func awaitReply(w *world, ctx context.Context, req *request, timeout time.Duration) []byte {
	w.parked()
	select {
	case b := <-req.reply:
		return b
	case <-ctx.Done():
		return nil
	}
}

//go:noinline
func eventLoop(w *world, id int, events <-chan event, quit <-chan struct{}) {
	w.parked()
	for {
		select {
		case ev := <-events:
			_ = ev
		case <-quit:
			return
		case j := <-w.jobs:
			_ = j
		}
	}
}

// --- select (no cases) -------------------------------------------------------

func startForever(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		go blockForever(w, first+i)
	}
	return nil
}

//go:noinline
func blockForever(w *world, id int) {
	w.parked()
	select {}
}

// --- sync.Mutex --------------------------------------------------------------

type account struct {
	mu      sync.Mutex
	id      int
	balance int64
}

func startDepositors(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		id := first + i
		a := w.accounts[id%len(w.accounts)]
		if i%2 == 0 {
			go a.Deposit(w, int64(id))
		} else {
			go transfer(w, id, w.accounts[(id+1)%len(w.accounts)], a, 42)
		}
	}
	return nil
}

//go:noinline
func (a *account) Deposit(w *world, amount int64) {
	w.parked()
	a.mu.Lock()
	a.balance += amount
	a.mu.Unlock()
}

//go:noinline
func transfer(w *world, id int, from, to *account, amount int64) {
	w.parked()
	to.mu.Lock()
	to.balance += amount
	to.mu.Unlock()
	_ = from
}

// --- sync.RWMutex ------------------------------------------------------------

type registry struct {
	mu      sync.RWMutex
	entries map[string]int
}

func startLookups(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		go resolve(w, first+i, "service-"+strconv.Itoa(i%13))
	}
	return nil
}

//go:noinline
func resolve(w *world, id int, name string) {
	_ = w.registry.Lookup(w, name)
}

//go:noinline
func (r *registry) Lookup(w *world, name string) int {
	w.parked()
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.entries[name]
}

// --- sync.WaitGroup ----------------------------------------------------------

func startWaiters(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		go shutdownWaiter(w, first+i, &w.pending)
	}
	return nil
}

//go:noinline
func shutdownWaiter(w *world, id int, wg *sync.WaitGroup) {
	w.parked()
	wg.Wait()
}

// --- sync.Cond ---------------------------------------------------------------

type connPool struct {
	mu   sync.Mutex
	cond *sync.Cond
	idle []int
}

func startPoolGetters(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		go useConn(w, first+i, w.pool)
	}
	return nil
}

//go:noinline
func useConn(w *world, id int, p *connPool) {
	c := p.Get(w)
	_ = c
}

//go:noinline
func (p *connPool) Get(w *world) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	w.parked()
	for len(p.idle) == 0 {
		p.cond.Wait()
	}
	c := p.idle[len(p.idle)-1]
	p.idle = p.idle[:len(p.idle)-1]
	return c
}

// --- time.Sleep --------------------------------------------------------------

func startSleepers(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		id := first + i
		if i%2 == 0 {
			go retryWithBackoff(w, id, 3+id%5, time.Hour)
		} else {
			go cacheJanitor(w, id, 2*time.Hour)
		}
	}
	return nil
}

//go:noinline
func retryWithBackoff(w *world, id, attempt int, base time.Duration) {
	w.parked()
	time.Sleep(base + time.Duration(attempt)*time.Second)
}

//go:noinline
func cacheJanitor(w *world, id int, every time.Duration) {
	for {
		w.parked()
		time.Sleep(every)
	}
}

// --- os.Pipe read (IO wait) --------------------------------------------------

func startPipeReaders(w *world, first, count int) error {
	pipes := count
	if pipes > maxPipes {
		pipes = maxPipes
	}
	for i := 0; i < pipes; i++ {
		r, wr, err := os.Pipe()
		if err != nil {
			return err
		}
		w.pipeReaders = append(w.pipeReaders, r)
		w.pipeWriters = append(w.pipeWriters, wr)
	}
	// The first reader of each pipe waits in the poller (IO wait); further
	// readers of the same pipe wait for its read lock (semacquire).
	for i := 0; i < count; i++ {
		go readFrame(w, first+i, w.pipeReaders[i%pipes], 4096)
	}
	return nil
}

//go:noinline
func readFrame(w *world, id int, f *os.File, max int) {
	buf := make([]byte, max)
	w.parked()
	_, _ = f.Read(buf)
}

// --- net.Pipe read -----------------------------------------------------------

func startNetReaders(w *world, first, count int) error {
	for i := 0; i < count; i++ {
		client, server := net.Pipe()
		w.netConns = append(w.netConns, client)
		go readRequests(w, first+i, bufio.NewReaderSize(server, 512))
	}
	return nil
}

//go:noinline
func readRequests(w *world, id int, r *bufio.Reader) {
	w.parked()
	line, err := r.ReadString('\n')
	_, _ = line, err
}

// --- recursion ---------------------------------------------------------------

type node struct {
	name     string
	children []*node
}

func startWalkers(w *world, first, count int) error {
	tree := &node{name: "root"}
	for i := 0; i < count; i++ {
		id := first + i
		go walk(w, id, tree, 2+id%6)
	}
	return nil
}

// walk recurses depth levels before blocking, so its goroutines have stacks
// of different depths.
//
//go:noinline
func walk(w *world, id int, n *node, depth int) {
	if depth > 0 {
		walk(w, id, n, depth-1)
		return
	}
	w.parked()
	<-w.never
}

// --- fan-out: goroutines started by goroutines --------------------------------

func startFanOuts(w *world, first, count int) error {
	if count == 0 {
		return nil
	}
	parents := count / (fanOutChildren + 1)
	if parents < 1 {
		parents = 1
	}
	children := count - parents
	// The parents run with pprof labels, which their children inherit; the
	// debug=1 profile shows them.
	labels := pprof.Labels("component", "batch", "stage", "fan-out")
	pprof.Do(context.Background(), labels, func(ctx context.Context) {
		for p := 0; p < parents; p++ {
			k := children / parents
			if p < children%parents {
				k++
			}
			go fanOut(w, first+p, k)
		}
	})
	return nil
}

// fanOut starts k workers and waits for them; they never finish.
//
//go:noinline
func fanOut(w *world, id, k int) {
	var wg sync.WaitGroup
	wg.Add(k + 1) // one more than it starts: Wait never returns
	for i := 0; i < k; i++ {
		if i%2 == 0 {
			go batchWorker(w, id, i, &wg)
		} else {
			go func(shard int) {
				defer wg.Done()
				batchShard(w, id, shard)
			}(i)
		}
	}
	w.parked()
	wg.Wait()
}

//go:noinline
func batchWorker(w *world, parent, index int, wg *sync.WaitGroup) {
	defer wg.Done()
	w.parked()
	<-w.never
}

//go:noinline
func batchShard(w *world, parent, shard int) {
	w.parked()
	select {
	case <-w.never:
	case <-w.ctx.Done():
	}
}

// --- locked to an OS thread --------------------------------------------------

func startLocked(w *world, first, count int) {
	for i := 0; i < count; i++ {
		go lockedWorker(w, first+i)
	}
}

//go:noinline
func lockedWorker(w *world, id int) {
	runtime.LockOSThread()
	w.parked()
	<-w.never
}
