// Command workerpool is a control that must NOT leak: a fixed pool of
// workers, started once at startup, is fed through a channel. Each /work
// request submits a job with its own reply channel (buffered, so a worker
// never blocks on it) and waits for the result. The goroutine count stays at
// the pool size plus the requests in flight; requests queueing for a worker
// show up in the block profile.
//
// Allocation sites: main.newJob and main.process; blocking: main.submit.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync/atomic"

	"leakhound/samples/internal/svc"
)

const (
	poolSize  = 4
	inputSize = 16 << 10
	rounds    = 8
)

type job struct {
	id    uint64
	input []byte
	reply chan result // buffered (1)
}

type result struct {
	worker int
	digest [sha256.Size]byte
}

var (
	jobs = make(chan *job) // unbuffered: submitters wait for a free worker
	seq  uint64
)

func main() {
	svc.Main(svc.Service{Name: "workerpool", Work: handleWork, Start: startPool})
}

// startPool starts the fixed set of workers. It runs once.
func startPool() {
	for i := 0; i < poolSize; i++ {
		go worker(i)
	}
}

//go:noinline
func worker(n int) {
	for j := range jobs {
		j.reply <- result{worker: n, digest: process(j)}
	}
}

//go:noinline
func process(j *job) [sha256.Size]byte {
	scratch := make([]byte, len(j.input))
	sum := sha256.Sum256(j.input)
	for r := 0; r < rounds; r++ {
		for i := range scratch {
			scratch[i] = j.input[i] ^ sum[i%len(sum)]
		}
		sum = sha256.Sum256(scratch)
	}
	return sum
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	id := atomic.AddUint64(&seq, 1)
	res := submit(newJob(id))
	fmt.Fprintf(w, "job %d done by worker %d: %s\n", id, res.worker, hex.EncodeToString(res.digest[:8]))
}

//go:noinline
func newJob(id uint64) *job {
	j := &job{id: id, input: make([]byte, inputSize), reply: make(chan result, 1)}
	for i := range j.input {
		j.input[i] = byte(id) ^ byte(i)
	}
	return j
}

// submit hands the job to a worker and waits for its result.
//
//go:noinline
func submit(j *job) result {
	jobs <- j
	return <-j.reply
}
