// Command substringleak reproduces a substring that pins its parent: every
// /work request builds a document of about 64 KB as a string and keeps only
// its first 16 bytes (doc[:16], no copy) in a global slice. A Go substring
// shares the parent's memory, so each kept 16-byte key keeps the whole
// 64 KB document alive.
//
// Leak site in heap profiles: the document string, allocated by
// runtime.slicebytetostring called from main.buildDocument (the string
// conversion), retained through main.rememberKey.
package main

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"leakhound/samples/internal/svc"
)

const (
	documentSize = 64 << 10
	keyLen       = 16
)

var (
	keysMu sync.Mutex
	keys   []string // each element pins a whole document
	seq    uint64
)

func main() {
	svc.Main(svc.Service{Name: "substringleak", Work: handleWork})
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	id := atomic.AddUint64(&seq, 1)
	doc := buildDocument(id)
	key := documentKey(doc)
	n := rememberKey(key)
	fmt.Fprintf(w, "kept key %q (%d keys)\n", key, n)
}

// buildDocument renders a large document, as reading a request or response
// body into a string would.
//
//go:noinline
func buildDocument(id uint64) string {
	buf := make([]byte, 0, documentSize)
	buf = append(buf, "doc-"...)
	buf = strconv.AppendUint(buf, id+1e11, 10)
	buf = append(buf, ':')
	for len(buf) < documentSize {
		buf = append(buf, byte('a'+len(buf)%26))
	}
	return string(buf)
}

// documentKey returns the document's first bytes without copying them.
func documentKey(doc string) string {
	return doc[:keyLen]
}

// rememberKey appends key unless it is already known. The duplicate check is
// a linear scan under the lock, so the lock is held longer as keys pile up.
//
//go:noinline
func rememberKey(key string) int {
	keysMu.Lock()
	defer keysMu.Unlock()
	for _, k := range keys {
		if k == key {
			return len(keys)
		}
	}
	keys = append(keys, key)
	return len(keys)
}
