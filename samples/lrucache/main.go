// Command lrucache is a control that must NOT leak: a bounded LRU cache
// (container/list plus a map) of 256 entries of about 4 KB, with keys drawn
// at random from a key space of a million keys. Almost every request misses,
// inserts a new entry and evicts the least recently used one, so the heap
// plateaus once the cache is full (after 256 requests).
//
// Allocation site in heap profiles: main.newEntry, whose in-use size stays
// at about capacity x 4 KB however many requests are served.
package main

import (
	"container/list"
	"fmt"
	"math/rand"
	"net/http"
	"sync"

	"leakhound/samples/internal/svc"
)

const (
	capacity  = 256
	keySpace  = 1 << 20
	entrySize = 4 << 10
)

type entry struct {
	key   string
	value []byte
}

// lru is a least-recently-used cache with a fixed capacity.
type lru struct {
	mu    sync.Mutex
	cap   int
	order *list.List // front = most recently used; elements hold *entry
	index map[string]*list.Element
	hits  uint64
	miss  uint64
}

var (
	cache = newLRU(capacity)

	rngMu sync.Mutex
	rng   = rand.New(rand.NewSource(1))
)

func main() {
	svc.Main(svc.Service{Name: "lrucache", Work: handleWork})
}

func newLRU(capacity int) *lru {
	return &lru{cap: capacity, order: list.New(), index: make(map[string]*list.Element, capacity)}
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	key := randomKey()
	v, hit := cache.getOrLoad(key, newEntry)
	fmt.Fprintf(w, "key %s hit=%v len=%d size=%d\n", key, hit, cache.len(), len(v))
}

//go:noinline
func randomKey() string {
	rngMu.Lock()
	n := rng.Intn(keySpace)
	rngMu.Unlock()
	return fmt.Sprintf("key-%07d", n)
}

//go:noinline
func newEntry(key string) []byte {
	b := make([]byte, entrySize)
	n := copy(b, key)
	for i := n; i < len(b); i++ {
		b[i] = byte(i)
	}
	return b
}

// getOrLoad returns the cached value for key, loading and inserting it on a
// miss. The load runs under the cache lock (simple, and contended: the mutex
// profile shows it), and the least recently used entries beyond the capacity
// are evicted.
func (c *lru) getOrLoad(key string, load func(string) []byte) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[key]; ok {
		c.hits++
		c.order.MoveToFront(el)
		return el.Value.(*entry).value, true
	}
	c.miss++
	value := load(key)
	c.index[key] = c.order.PushFront(&entry{key: key, value: value})
	for c.order.Len() > c.cap {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.index, oldest.Value.(*entry).key)
	}
	return value, false
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
