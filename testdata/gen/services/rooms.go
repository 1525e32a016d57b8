package main

// (c) A chat service keeps a presence cache sharded 256 ways to spread
// lock contention.  It was meant to be one per process, but the room
// router builds a new one for every room it sees and keeps it: each room
// costs 256 shards with their maps, and rooms never go away.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
)

const (
	presenceShards        = 256
	roomsPerMoment        = 40
	sampledRoomsPerMoment = 2560 // -sampled
	messagesPerRoom       = 3
	presenceShardSlots    = 8 // each shard's map starts with room for 8 members
)

type presenceShard struct {
	mu      sync.RWMutex
	members map[string]int64
}

type presenceCache struct {
	shards [presenceShards]*presenceShard
}

func newPresenceCache() *presenceCache {
	c := &presenceCache{}
	for i := range c.shards {
		c.shards[i] = &presenceShard{members: make(map[string]int64, presenceShardSlots)}
	}
	return c
}

func (c *presenceCache) shardFor(user string) *presenceShard {
	h := uint32(2166136261)
	for i := 0; i < len(user); i++ {
		h = (h ^ uint32(user[i])) * 16777619
	}
	return c.shards[h%presenceShards]
}

func (c *presenceCache) Seen(user string, at int64) {
	s := c.shardFor(user)
	s.mu.Lock()
	s.members[user] = at
	s.mu.Unlock()
}

type roomRouter struct {
	mu       sync.Mutex
	presence map[string]*presenceCache
	clock    int64
}

func newRoomRouter() *roomRouter {
	return &roomRouter{presence: make(map[string]*presenceCache)}
}

// presenceFor returns the room's cache, building one on first use (the
// bug: one sharded cache per room instead of one per process).
func (rr *roomRouter) presenceFor(room string) *presenceCache {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	c, ok := rr.presence[room]
	if !ok {
		c = newPresenceCache()
		rr.presence[room] = c
	}
	return c
}

func (rr *roomRouter) Rooms() int {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return len(rr.presence)
}

// postMessage handles POST /v1/rooms/{room}/messages?user=U.
func (rr *roomRouter) postMessage(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 4 || parts[3] != "messages" {
		http.NotFound(w, r)
		return
	}
	rr.mu.Lock()
	rr.clock++
	now := rr.clock
	rr.mu.Unlock()
	rr.presenceFor(parts[2]).Seen(r.URL.Query().Get("user"), now)
	w.WriteHeader(http.StatusAccepted)
}

// objectsPerCache measures one newPresenceCache call with the runtime's
// own counters: the objects and bytes it allocates (MemStats.Mallocs and
// TotalAlloc, which count every allocation whatever the MemProfileRate).
var measured *presenceCache

func objectsPerCache() (objects, bytes uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	measured = newPresenceCache() // kept in a global: on the heap, as the router's
	runtime.ReadMemStats(&after)
	measured = nil
	return after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc
}

func runRooms(w *snapshotWriter) {
	perMoment := roomsPerMoment
	if sampled {
		// at 512 KiB a sample, 40 rooms (0.9 MB) hold about two samples;
		// 2560 rooms (58 MB) about ten of the caches' headers per moment
		perMoment = sampledRoomsPerMoment
	}
	objects, bytes := objectsPerCache()
	rr := newRoomRouter()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/rooms/", rr.postMessage)
	srv := httptest.NewServer(mux)
	client := newTrafficReplayer(srv.URL, 1)
	base := runtime.NumGoroutine()
	room := 0
	for m := 1; m <= Moments; m++ {
		for i := 0; i < perMoment; i++ {
			for j := 0; j < messagesPerRoom; j++ {
				client.do("POST", fmt.Sprintf("/v1/rooms/room-%04d/messages?user=user-%d", room, j), "hello")
			}
			room++
		}
		client.idle()
		waitGoroutines(base)
		w.snapshot(m, map[string]interface{}{"rooms": rr.Rooms(), "caches": rr.Rooms(),
			"shards": rr.Rooms() * presenceShards, "map_entries": rr.Rooms()},
			"main.newPresenceCache", "main.(*roomRouter).presenceFor")
	}
	w.finish(map[string]interface{}{
		"kind":                "per-instance cache",
		"culprit":             "main.newPresenceCache",
		"growth_culprit":      "main.newPresenceCache",
		"chain":               []string{"main.(*roomRouter).postMessage", "main.(*roomRouter).presenceFor", "main.newPresenceCache"},
		"holder":              "main.(*roomRouter).presenceFor",
		"structure":           "map",
		"shards_per_instance": presenceShards,
		"per_moment_growth": map[string]int{"caches": perMoment,
			"shards": perMoment * presenceShards},
		"objects_per_instance": objects,
		"bytes_per_instance":   bytes,
		"goroutines_flat":      true,
	})
	srv.Close()
}
