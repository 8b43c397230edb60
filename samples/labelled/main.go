// Command labelled writes two small profiles whose samples carry pprof labels, for the tests of
// label-dependent reports (tag nodelets in DOT graphs, -tagfocus/-tagshow on string labels):
//
//	OUT/goroutine.pb.gz  goroutines parked under pprof.Do with one or two labels each
//	                     (six tenants, two stages), some without labels
//	OUT/cpu.pb.gz        a CPU profile of labelled busy work, ~2 s
//
// Usage: go run ./labelled OUT   (from the samples folder)
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: labelled OUTDIR")
		os.Exit(2)
	}
	out := os.Args[1]
	if err := os.MkdirAll(out, 0o755); err != nil {
		fail(err)
	}
	writeGoroutines(filepath.Join(out, "goroutine.pb.gz"))
	writeCPU(filepath.Join(out, "cpu.pb.gz"))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "labelled:", err)
	os.Exit(1)
}

// writeGoroutines parks goroutines in named functions under different label sets, then writes
// the goroutine profile (profile.proto, gzipped).
func writeGoroutines(path string) {
	block := make(chan struct{})
	var started sync.WaitGroup
	park := func(n int, labels pprof.LabelSet, f func(chan struct{})) {
		for i := 0; i < n; i++ {
			started.Add(1)
			go pprof.Do(context.Background(), labels, func(context.Context) {
				started.Done()
				f(block)
			})
		}
	}
	for t := 1; t <= 6; t++ {
		tenant := fmt.Sprintf("t%d", t)
		park(t*3, pprof.Labels("tenant", tenant), waitForOrder)
		park(t, pprof.Labels("tenant", tenant, "stage", "write"), waitForFlush)
	}
	park(5, pprof.Labels("stage", "read"), waitForFlush)
	for i := 0; i < 4; i++ {
		started.Add(1)
		go func() {
			started.Done()
			waitForOrder(block)
		}()
	}
	started.Wait()
	time.Sleep(100 * time.Millisecond) // let every goroutine reach its receive
	writeProfile(path, func(f *os.File) error { return pprof.Lookup("goroutine").WriteTo(f, 0) })
	close(block)
}

//go:noinline
func waitForOrder(c chan struct{}) { <-c }

//go:noinline
func waitForFlush(c chan struct{}) { receive(c) }

//go:noinline
func receive(c chan struct{}) { <-c }

// writeCPU profiles labelled busy work: each tenant spins for a time in proportion to its number.
func writeCPU(path string) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fail(err)
	}
	var wg sync.WaitGroup
	for t := 1; t <= 6; t++ {
		d := time.Duration(t) * 150 * time.Millisecond
		labels := pprof.Labels("tenant", fmt.Sprintf("t%d", t))
		wg.Add(1)
		go pprof.Do(context.Background(), labels, func(context.Context) {
			defer wg.Done()
			spin(d)
			pprof.Do(context.Background(), pprof.Labels("stage", "hash"), func(context.Context) { hashFor(d / 2) })
		})
	}
	spin(400 * time.Millisecond) // unlabelled work on the main goroutine
	wg.Wait()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fail(err)
	}
}

var sink uint64

//go:noinline
func spin(d time.Duration) {
	var x uint64
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 10000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink += x
}

//go:noinline
func hashFor(d time.Duration) {
	h := uint64(14695981039346656037)
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 10000; i++ {
			h = (h ^ uint64(i)) * 1099511628211
		}
	}
	sink += h
}

func writeProfile(path string, write func(*os.File) error) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	if err := write(f); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}
