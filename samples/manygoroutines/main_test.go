package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// pkgPrefix is how frames of this package start: "main." in the command,
// "leakhound/samples/manygoroutines." in its test binary.
var pkgPrefix = strings.TrimSuffix(runtime.FuncForPC(reflect.ValueOf(publish).Pointer()).Name(), "publish")

func TestRun(t *testing.T) {
	const n = 1000 // enough for every family and the locked goroutines
	dir := t.TempDir()
	out, debug1 := filepath.Join(dir, "g.txt"), filepath.Join(dir, "g1.txt")
	base := runtime.NumGoroutine()
	line, err := run(n, out, debug1, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	dump := string(data)
	if got := countHeaders(data); got != base+n {
		t.Errorf("%d goroutines in the dump, want %d", got, base+n)
	}
	if !regexp.MustCompile(`^goroutines=\d+ parked=1000 bytes=\d+ file=\S+ debug1_bytes=\d+ debug1_file=\S+ elapsed=\S+$`).MatchString(line) {
		t.Errorf("summary line %q", line)
	}
	for _, state := range []string{
		"chan send", "chan receive", "chan receive (nil chan)", "select", "select (no cases)",
		"semacquire", "sync.Cond.Wait", "sleep", "IO wait", "chan receive, locked to thread",
	} {
		if !strings.Contains(dump, " ["+state+"]:\n") {
			t.Errorf("no goroutine in state [%s]", state)
		}
	}
	for _, frame := range []string{
		"main.publish(", "main.(*broker).Publish(", "main.startSenders.func1()", "main.waitFor[...](",
		"main.(*account).Deposit(", "main.(*registry).Lookup(", "sync.(*WaitGroup).Wait(",
		"main.(*connPool).Get(", "time.Sleep(", "main.readFrame(", "net.(*pipe).read(",
		"main.walk(", "created by main.fanOut\n",
	} {
		// A test binary names package main by its import path.
		frame = strings.Replace(frame, "main.", pkgPrefix, 1)
		if !strings.Contains(dump, frame) {
			t.Errorf("no %q frame in the dump", frame)
		}
	}
	if c := strings.Count(dump, " [runnable]:\n"); c != 0 {
		t.Errorf("%d runnable goroutines in the dump", c)
	}
	prof, err := os.ReadFile(debug1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(prof), "goroutine profile: total ") || !strings.Contains(string(prof), `# labels: {"component":"batch", "stage":"fan-out"}`) {
		t.Errorf("debug=1 profile starts %.60q and lacks the fan-out labels", prof)
	}
}

func TestCountBusy(t *testing.T) {
	dump := []byte("goroutine 1 [running]:\nmain.main()\n\ngoroutine 2 [runnable]:\nmain.f()\n\ngoroutine 3 [chan send]:\nmain.g(\" [running\")\n")
	if got := countBusy(dump); got != 2 {
		t.Errorf("countBusy = %d, want 2", got)
	}
}
