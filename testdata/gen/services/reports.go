package main

// (d) A billing service aggregates usage on a schedule.  Each run builds
// a usage report and appends it to the scheduler's history so the admin
// page can show "recent runs", but nothing ever trims the history: a
// long-lived slice grows by one report (with its 4 KiB rendered summary)
// per run.  The schedule's clock is injected (a ticker's channel in
// production); here the program feeds it a fixed number of ticks.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"time"
)

const (
	usageRunsPerMoment = 300
	usageSummaryBytes  = 4096
)

type usageReport struct {
	run     int
	at      time.Time
	total   int64
	summary []byte
}

type usageScheduler struct {
	mu      sync.Mutex
	clock   <-chan time.Time
	done    chan int // the run number after each run
	history []*usageReport
	runs    int
}

func newUsageScheduler(clock <-chan time.Time) *usageScheduler {
	s := &usageScheduler{clock: clock, done: make(chan int)}
	go s.loop()
	return s
}

func (s *usageScheduler) loop() {
	for at := range s.clock {
		s.runOnce(at)
	}
}

func (s *usageScheduler) runOnce(at time.Time) {
	rep := buildUsageReport(s.runs, at)
	s.mu.Lock()
	s.runs++
	s.history = append(s.history, rep) // the bug: never trimmed
	n := s.runs
	s.mu.Unlock()
	s.done <- n
}

func buildUsageReport(run int, at time.Time) *usageReport {
	r := &usageReport{run: run, at: at, summary: make([]byte, usageSummaryBytes)}
	for i := range r.summary {
		r.summary[i] = byte('a' + (run+i)%26)
		r.total += int64(i % 7)
	}
	return r
}

func (s *usageScheduler) recentRuns(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.history)
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]int{"runs": n})
}

func (s *usageScheduler) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.history)
}

func runBilling(w *snapshotWriter) {
	clock := make(chan time.Time)
	s := newUsageScheduler(clock)
	mux := http.NewServeMux()
	mux.HandleFunc("/admin/runs", s.recentRuns)
	srv := httptest.NewServer(mux)
	client := newTrafficReplayer(srv.URL, 1)
	base := runtime.NumGoroutine()
	start := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for m := 1; m <= Moments; m++ {
		for i := 0; i < usageRunsPerMoment; i++ {
			clock <- start.Add(time.Duration(s.runs) * time.Minute)
			<-s.done
		}
		client.get("/admin/runs")
		client.idle()
		waitGoroutines(base)
		want := m * usageRunsPerMoment
		if s.Len() != want {
			fail("history: %d reports, want %d", s.Len(), want)
		}
		w.snapshot(m, map[string]interface{}{"runs": want, "slice_len": s.Len(),
			"retained_bytes_estimate": want * usageSummaryBytes},
			"main.buildUsageReport", "main.(*usageScheduler).runOnce")
	}
	w.finish(map[string]interface{}{
		"kind":           "retention",
		"culprit":        "main.buildUsageReport",
		"growth_culprit": "main.buildUsageReport",
		"chain":          []string{"main.(*usageScheduler).loop", "main.(*usageScheduler).runOnce", "main.buildUsageReport"},
		"holder":         "main.(*usageScheduler).runOnce",
		"structure":      "slice",
		"per_moment_growth": map[string]int{"slice_len": usageRunsPerMoment,
			"retained_bytes_estimate": usageRunsPerMoment * usageSummaryBytes},
		"goroutines_flat": true,
		"object_bytes":    usageSummaryBytes,
	})
	srv.Close()
}
