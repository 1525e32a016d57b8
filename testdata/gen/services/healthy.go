package main

// (f) A healthy thumbnail service: an HTTP API hands jobs to a fixed pool
// of workers over a channel, a metrics flusher and a cache janitor run on
// tickers, a signal loop waits for SIGHUP, and a bounded cache keeps at
// most thumbCacheCap entries (filled during warm-up, then only replaced).
// Load at every moment is the same; nothing grows and nothing leaks.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
)

const (
	thumbWorkers           = 8
	thumbRequestsPerMoment = 300
	thumbCacheCap          = 256
	thumbBytes             = 1024
)

type thumbJob struct {
	key    int
	result chan []byte
}

type thumbCache struct {
	mu      sync.Mutex
	entries map[int][]byte
}

func newThumbCache() *thumbCache {
	return &thumbCache{entries: make(map[int][]byte, thumbCacheCap)}
}

// Put keeps at most thumbCacheCap entries: keys are folded onto the cap.
func (c *thumbCache) Put(key int, b []byte) {
	c.mu.Lock()
	c.entries[key%thumbCacheCap] = b
	c.mu.Unlock()
}

func (c *thumbCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

type thumbService struct {
	jobs      chan thumbJob
	cache     *thumbCache
	mu        sync.Mutex
	rendered  int64
	flushed   int64
	workersWG sync.WaitGroup
}

func newThumbService(ctx context.Context) *thumbService {
	s := &thumbService{jobs: make(chan thumbJob), cache: newThumbCache()}
	for i := 0; i < thumbWorkers; i++ {
		s.workersWG.Add(1)
		go s.renderWorker()
	}
	go s.runEvery(ctx, time.Hour, s.flushMetrics)
	go s.runEvery(ctx, time.Hour, s.sweepCache)
	go s.reloadOnHangup(ctx)
	return s
}

func (s *thumbService) renderWorker() {
	defer s.workersWG.Done()
	for job := range s.jobs {
		b := make([]byte, thumbBytes)
		for i := range b {
			b[i] = byte(job.key + i)
		}
		s.cache.Put(job.key, b)
		s.mu.Lock()
		s.rendered++
		s.mu.Unlock()
		job.result <- b[:16]
	}
}

// runEvery runs job on every tick until ctx is done (the metrics flusher
// and the cache janitor).
func (s *thumbService) runEvery(ctx context.Context, every time.Duration, job func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			job()
		case <-ctx.Done():
			return
		}
	}
}

func (s *thumbService) flushMetrics() {
	s.mu.Lock()
	s.flushed = s.rendered
	s.mu.Unlock()
}

func (s *thumbService) sweepCache() {
	s.cache.mu.Lock()
	s.cache.mu.Unlock()
}

func (s *thumbService) reloadOnHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			fmt.Fprintln(os.Stderr, "reload")
		case <-ctx.Done():
			return
		}
	}
}

func (s *thumbService) getThumb(w http.ResponseWriter, r *http.Request) {
	var key int
	fmt.Sscanf(r.URL.Query().Get("id"), "%d", &key)
	job := thumbJob{key: key, result: make(chan []byte, 1)}
	select {
	case s.jobs <- job:
	case <-r.Context().Done():
		return
	}
	b := <-job.result
	w.Header().Set("Content-Type", "image/png")
	w.Write(b)
}

func runThumbnails(w *snapshotWriter) {
	ctx, cancel := context.WithCancel(context.Background())
	svc := newThumbService(ctx)
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/thumb", svc.getThumb)
	srv := httptest.NewServer(mux)
	client := newTrafficReplayer(srv.URL, 1)
	for i := 0; i < thumbCacheCap; i++ { // warm-up: the cache is full before the first moment
		client.get(fmt.Sprintf("/v1/thumb?id=%d", i))
	}
	client.idle()
	waitFor("signal loop", func() bool { return goroutinesIn("main.(*thumbService).reloadOnHangup") == 1 })
	time.Sleep(50 * time.Millisecond)
	base := runtime.NumGoroutine()
	id := thumbCacheCap
	for m := 1; m <= Moments; m++ {
		for i := 0; i < thumbRequestsPerMoment; i++ {
			client.get(fmt.Sprintf("/v1/thumb?id=%d", id))
			id++
		}
		client.idle()
		waitGoroutines(base)
		w.snapshot(m, map[string]interface{}{"requests": m * thumbRequestsPerMoment,
			"cache_entries": svc.cache.Len(), "workers": thumbWorkers},
			"main.(*thumbService).renderWorker", "main.newThumbCache")
	}
	w.finish(map[string]interface{}{
		"kind":            "healthy",
		"culprit":         "",
		"growth_culprit":  "",
		"goroutines_flat": true,
		"workers":         thumbWorkers,
		"worker":          "main.(*thumbService).renderWorker",
		"idle_groups": map[string]int{
			"main.(*thumbService).renderWorker":   thumbWorkers,
			"main.(*thumbService).runEvery":       2, // the flusher and the janitor
			"main.(*thumbService).reloadOnHangup": 1,
		},
		"cache_cap":    thumbCacheCap,
		"max_severity": "low",
	})
	srv.Close()
	close(svc.jobs)
	svc.workersWG.Wait()
	cancel()
}
