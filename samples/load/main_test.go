package main

import "testing"

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{
		"http://127.0.0.1:8080/work",
		"http://localhost:1/debug/pprof/heap?gc=1",
		"http://LOCALHOST/",
		"http://[::1]:9/metrics",
		"https://127.0.0.1/",
	} {
		if _, err := checkURL(ok); err != nil {
			t.Errorf("checkURL(%q) = %v, want accepted", ok, err)
		}
	}
	for _, bad := range []string{
		"",
		"127.0.0.1:8080/work",
		"ftp://127.0.0.1/",
		"http://127.0.0.2/",
		"http://10.0.0.1/",
		"http://example.com/",
		"http://localhost.example.com/",
		"http://127.0.0.1.nip.io/",
		"http://0.0.0.0:80/",
		"http://[::ffff:127.0.0.1]/",
		"http://user@example.com/",
	} {
		if _, err := checkURL(bad); err == nil {
			t.Errorf("checkURL(%q) accepted, want refused", bad)
		}
	}
}
