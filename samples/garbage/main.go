// Command garbage is a control that must NOT leak: every /work request
// allocates about 1 MB of short-lived garbage in many small allocations
// (records, their byte buffers and formatted strings), sorts and checksums
// it, and keeps nothing. Allocation profiles (allocs, alloc_space) are busy;
// in-use heap and goroutine counts stay flat.
//
// Allocation sites: main.makeRecords, main.newRecord and main.formatRecords.
package main

import (
	"fmt"
	"hash/crc32"
	"net/http"
	"sort"
	"strconv"
	"sync/atomic"

	"leakhound/samples/internal/svc"
)

const (
	recordsPerRequest = 1024
	recordSize        = 768
)

type record struct {
	id   int
	name string
	data []byte
}

var seq uint64

func main() {
	svc.Main(svc.Service{Name: "garbage", Work: handleWork})
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	id := atomic.AddUint64(&seq, 1)
	recs := makeRecords(id)
	sortRecords(recs)
	lines := formatRecords(recs)
	sum := checksum(lines)
	fmt.Fprintf(w, "request %d: %d records, checksum %08x\n", id, len(recs), sum)
}

//go:noinline
func makeRecords(id uint64) []*record {
	recs := make([]*record, 0, recordsPerRequest)
	for i := 0; i < recordsPerRequest; i++ {
		recs = append(recs, newRecord(int((id*7919+uint64(i)*104729)%1000003)))
	}
	return recs
}

//go:noinline
func newRecord(id int) *record {
	rec := &record{id: id, name: "record-" + strconv.Itoa(id), data: make([]byte, recordSize)}
	for i := range rec.data {
		rec.data[i] = byte(id + i)
	}
	return rec
}

func sortRecords(recs []*record) {
	sort.Slice(recs, func(i, j int) bool { return recs[i].name < recs[j].name })
}

//go:noinline
func formatRecords(recs []*record) []string {
	lines := make([]string, len(recs))
	for i, rec := range recs {
		lines[i] = fmt.Sprintf("%s id=%d crc=%08x", rec.name, rec.id, crc32.ChecksumIEEE(rec.data))
	}
	return lines
}

func checksum(lines []string) uint32 {
	h := crc32.NewIEEE()
	for _, l := range lines {
		_, _ = h.Write([]byte(l))
	}
	return h.Sum32()
}
