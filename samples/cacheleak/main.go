// Command cacheleak reproduces an unbounded cache: every /work request
// stores a value of about 4 KB under a new, unique key in a global map that
// never evicts anything, so the heap grows linearly with the request count.
//
// Leak site in heap profiles: main.newEntry (values), main.cacheKey (keys)
// and the map's buckets under main.cacheStore. cacheMu is contended, so the
// mutex profile shows main.cacheStore too.
package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"leakhound/samples/internal/svc"
)

const entrySize = 4 << 10

var (
	cacheMu sync.Mutex
	cache   = make(map[string][]byte) // never evicted: the leak
	seq     uint64
)

func main() {
	svc.Main(svc.Service{Name: "cacheleak", Work: handleWork})
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	key := cacheKey(atomic.AddUint64(&seq, 1))
	n, size := cacheStore(key, newEntry(key))
	fmt.Fprintf(w, "cached %s (%d entries, %d bytes)\n", key, n, size)
}

// cacheKey builds a key that is unique per request, as a session or request
// ID would be.
//
//go:noinline
func cacheKey(id uint64) string {
	return fmt.Sprintf("session-%010d", id)
}

// newEntry allocates the cached value.
//
//go:noinline
func newEntry(key string) []byte {
	b := make([]byte, entrySize)
	n := copy(b, key)
	for i := n; i < len(b); i++ {
		b[i] = byte(i)
	}
	return b
}

// cacheStore adds the value to the global cache and returns the number of
// entries and their total size. The size is recomputed by walking the whole
// map while holding the lock, so the lock is held longer as the cache grows
// (which gives the mutex and block profiles contention to record).
//
//go:noinline
func cacheStore(key string, value []byte) (entries, bytes int) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	cache[key] = value
	for _, v := range cache {
		bytes += len(v)
	}
	return len(cache), bytes
}
