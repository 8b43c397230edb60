// Command finalizercycle reproduces a reference cycle that carries a
// finalizer: every /work request creates two nodes pointing at each other,
// sets a finalizer on one of them with runtime.SetFinalizer and drops both.
// The garbage collector never collects a cycle containing an object with a
// finalizer (the finalizer could resurrect it, and there is no safe order to
// run it in), so every pair stays in the heap forever and its finalizer
// never runs. One pair is also kept deliberately reachable from the global
// cycleHolder.
//
// Leak site in heap profiles: main.newNode (nodes and their payloads),
// called from main.makeCycle. /debug/vars shows cycles_created growing while
// cycles_finalized stays at 0.
package main

import (
	"expvar"
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"

	"leakhound/samples/internal/svc"
)

const payloadSize = 2 << 10

// node is one half of a cycle.
type node struct {
	name    string
	peer    *node
	payload []byte
}

var (
	// cycleHolder keeps one cycle reachable on purpose.
	cycleHolder *node

	seq       uint64
	created   = expvar.NewInt("cycles_created")
	finalized = expvar.NewInt("cycles_finalized")
)

func main() {
	svc.Main(svc.Service{
		Name:  "finalizercycle",
		Work:  handleWork,
		Start: func() { cycleHolder = makeCycle(0) },
	})
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	id := atomic.AddUint64(&seq, 1)
	makeCycle(id) // result dropped: the pair becomes unreachable garbage
	fmt.Fprintf(w, "cycle %d created (%d created, %d finalized)\n", id, created.Value(), finalized.Value())
}

// makeCycle links two new nodes to each other and puts a finalizer on the
// first one.
//
//go:noinline
func makeCycle(id uint64) *node {
	a := newNode(fmt.Sprintf("a-%d", id))
	b := newNode(fmt.Sprintf("b-%d", id))
	a.peer = b
	b.peer = a
	runtime.SetFinalizer(a, finalizeNode)
	created.Add(1)
	return a
}

//go:noinline
func newNode(name string) *node {
	n := &node{name: name, payload: make([]byte, payloadSize)}
	for i := range n.payload {
		n.payload[i] = byte(i)
	}
	return n
}

// finalizeNode would release the pair's resources; it never runs.
func finalizeNode(n *node) {
	finalized.Add(1)
	n.peer = nil
}
