// Command tickerleak reproduces a ticker goroutine that is never stopped:
// every /work request starts a poller goroutine that creates a
// time.NewTicker and loops "for range t.C" forever. Nothing ever calls Stop
// or tells the poller to return, so goroutines, tickers and their state pile
// up with each request.
//
// Leak site: goroutines parked in main.poll (chan receive) in goroutine
// profiles; main.newPollState and time.NewTicker under main.poll in heap
// profiles.
package main

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"leakhound/samples/internal/svc"
)

const pollInterval = 500 * time.Millisecond

// pollState is what each poller keeps between ticks.
type pollState struct {
	id      uint64
	ticks   uint64
	history []int64 // last tick times, unix nanoseconds
}

var (
	seq        uint64
	totalTicks uint64
)

func main() {
	svc.Main(svc.Service{Name: "tickerleak", Work: handleWork})
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	id := atomic.AddUint64(&seq, 1)
	startPoller(id)
	fmt.Fprintf(w, "started poller %d (%d ticks so far)\n", id, atomic.LoadUint64(&totalTicks))
}

//go:noinline
func startPoller(id uint64) {
	go poll(id)
}

// poll never returns: the ticker is never stopped and the loop has no exit.
//
//go:noinline
func poll(id uint64) {
	t := time.NewTicker(pollInterval)
	st := newPollState(id)
	for now := range t.C {
		refresh(st, now)
	}
}

//go:noinline
func newPollState(id uint64) *pollState {
	return &pollState{id: id, history: make([]int64, 0, 32)}
}

func refresh(st *pollState, now time.Time) {
	st.ticks++
	if len(st.history) == cap(st.history) {
		copy(st.history, st.history[1:])
		st.history = st.history[:len(st.history)-1]
	}
	st.history = append(st.history, now.UnixNano())
	atomic.AddUint64(&totalTicks, 1)
}
