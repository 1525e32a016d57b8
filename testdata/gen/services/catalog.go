package main

// (b) A catalog API builds a small local cache for every request (it was
// meant to be built once).  The cache's constructor starts its expiry
// loop, a timing wheel that selects on a ticker and an eviction channel
// and has no way to stop: one goroutine per request, forever.

import (
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

const (
	catalogRequestsPerMoment = 1000
	catalogTracedRequests    = 25 // the last requests of the last moment run under the execution trace
	cacheSlots               = 64
)

type cachedItem struct {
	sku     string
	price   int
	expires time.Time
}

type localCache struct {
	mu    sync.Mutex
	slots [cacheSlots]map[string]cachedItem
	cur   int
	evict chan string
	ttl   time.Duration
}

func newLocalCache(ttl time.Duration) *localCache {
	c := &localCache{evict: make(chan string, 1), ttl: ttl}
	for i := range c.slots {
		c.slots[i] = make(map[string]cachedItem)
	}
	go c.expireLoop()
	return c
}

// expireLoop advances the wheel every tick; nothing ever tells it to stop.
func (c *localCache) expireLoop() {
	t := time.NewTicker(c.ttl / cacheSlots)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			c.mu.Lock()
			c.cur = (c.cur + 1) % cacheSlots
			c.slots[c.cur] = make(map[string]cachedItem)
			c.mu.Unlock()
		case sku := <-c.evict:
			c.mu.Lock()
			for i := range c.slots {
				delete(c.slots[i], sku)
			}
			c.mu.Unlock()
		}
	}
}

func (c *localCache) Put(it cachedItem) {
	c.mu.Lock()
	c.slots[c.cur][it.sku] = it
	c.mu.Unlock()
}

type catalogAPI struct {
	prices map[string]int
}

func (a *catalogAPI) getItems(w http.ResponseWriter, r *http.Request) {
	cache := newLocalCache(time.Hour) // the bug: a cache per request
	var items []cachedItem
	for _, sku := range []string{"A-100", "B-200", "C-300"} {
		it := cachedItem{sku: sku, price: a.prices[sku], expires: time.Now().Add(time.Hour)}
		cache.Put(it)
		items = append(items, it)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]interface{}{"count": len(items), "page": r.URL.Query().Get("page")})
}

func runCatalog(w *snapshotWriter) {
	api := &catalogAPI{prices: map[string]int{"A-100": 100, "B-200": 250, "C-300": 399}}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/items", api.getItems)
	srv := httptest.NewServer(mux)
	client := newTrafficReplayer(srv.URL, 1)
	base := runtime.NumGoroutine()
	page := 0
	for m := 1; m <= Moments; m++ {
		n := catalogRequestsPerMoment
		if m == Moments {
			n -= catalogTracedRequests
		}
		for i := 0; i < n; i++ {
			client.get("/v1/items?page=" + strconv.Itoa(page))
			page++
		}
		if m == Moments {
			traceRequests(w.dir, client, &page)
		}
		client.idle()
		want := m * catalogRequestsPerMoment
		waitGoroutines(base + want)
		if got := goroutinesIn("main.(*localCache).expireLoop"); got != want {
			fail("pertask: %d expiry loops, want %d", got, want)
		}
		w.snapshot(m, map[string]interface{}{"requests": want, "leaked_goroutines": want},
			"main.newLocalCache")
	}
	w.finish(map[string]interface{}{
		"kind":    "goroutine leak",
		"culprit": "main.(*localCache).expireLoop",
		"state":   "select",
		// who starts it: the handler calls the constructor, whose go
		// statement starts the loop (the dump's "created by" names only
		// the constructor; the heap profile and the trace name the handler)
		"creator_chain": []string{"main.(*catalogAPI).getItems", "main.newLocalCache", "main.(*localCache).expireLoop"},
		"created_by":    "main.newLocalCache",
		// growth's first candidate on the heap profiles: what each leaked
		// loop keeps (its cache), allocated by the constructor
		"growth_culprit":          "main.newLocalCache",
		"per_moment_growth":       map[string]int{"leaked_goroutines": catalogRequestsPerMoment},
		"one_per":                 "request",
		"trace":                   "trace.out.gz",
		"trace_created_in_window": catalogTracedRequests,
	})
	srv.Close()
}

// traceRequests runs the last few requests under an execution trace.
func traceRequests(dir string, client *trafficReplayer, page *int) {
	path := filepath.Join(dir, "trace.out.gz")
	f, err := os.Create(path)
	if err != nil {
		fail("%v", err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	zw.Header.ModTime = time.Unix(0, 0)
	if err := trace.Start(zw); err != nil {
		fail("trace: %v", err)
	}
	for i := 0; i < catalogTracedRequests; i++ {
		client.get("/v1/items?page=" + strconv.Itoa(*page))
		*page++
	}
	trace.Stop()
	if err := zw.Close(); err != nil {
		fail("%v", err)
	}
	if err := f.Close(); err != nil {
		fail("%v", err)
	}
}
