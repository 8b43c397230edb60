// Command goroutineleak reproduces the classic blocked-sender leak: every
// /work request starts a producer goroutine that renders a result and sends
// it on an unbuffered channel, but the handler takes an early-return path
// and never receives. Each producer blocks forever in the channel send,
// pinning its stack and its result buffer.
//
// Leak site: goroutines parked in main.produce (chan send) in goroutine
// profiles; main.render in heap profiles.
package main

import (
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"

	"leakhound/samples/internal/svc"
)

const resultSize = 2 << 10

var seq uint64

func main() {
	svc.Main(svc.Service{Name: "goroutineleak", Work: handleWork})
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	id := atomic.AddUint64(&seq, 1)
	results := startLookup(id)
	if cachedAnswer(id) {
		// Bug: the early return abandons the producer, which is still
		// trying to send on the unbuffered channel.
		fmt.Fprintf(w, "request %d served from cache (%d goroutines)\n", id, runtime.NumGoroutine())
		return
	}
	res := <-results
	fmt.Fprintf(w, "request %d computed %d bytes\n", id, len(res))
}

// startLookup starts the producer and returns the channel it will send on.
//
//go:noinline
func startLookup(id uint64) <-chan []byte {
	results := make(chan []byte) // unbuffered
	go produce(id, results)
	return results
}

// produce computes a result and hands it over. Nobody receives, so it
// blocks here forever.
//
//go:noinline
func produce(id uint64, results chan<- []byte) {
	res := render(id)
	results <- res
}

//go:noinline
func render(id uint64) []byte {
	b := make([]byte, resultSize)
	for i := range b {
		b[i] = byte(id) + byte(i)
	}
	return b
}

// cachedAnswer pretends every answer is cached, so the producer is always
// abandoned.
//
//go:noinline
func cachedAnswer(id uint64) bool {
	return id > 0
}
