package main

// (e) A game service serves its leaderboard from memory behind an
// RWMutex.  The refresh takes the write lock, then fetches the new scores
// from upstream and sorts them while still holding it, so every reader
// (the /v1/top handler) waits in RLock for the whole fetch and sort.
// Each round the program makes exactly leaderboardReaders readers arrive
// while the writer holds the lock (the feed answers only once they are all
// parked), so the block profile's RLock contentions and the mutex
// profile's Unlock events are exact counts.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	leaderboardReaders = 20
	leaderboardRounds  = 4 // refreshes per moment
	leaderboardPlayers = 300000
	leaderboardTopN    = 10
)

type playerScore struct {
	player string
	score  int64
	wins   int32
}

// scoreFeed is the upstream: Fetch blocks until the next batch arrives.
type scoreFeed struct {
	batches chan []playerScore
}

func (f *scoreFeed) Fetch() []playerScore {
	return <-f.batches
}

type leaderboard struct {
	mu         sync.RWMutex
	feed       *scoreFeed
	ranked     []playerScore
	generation int64 // refreshes done (atomic)
}

func newLeaderboard(feed *scoreFeed) *leaderboard {
	return &leaderboard{feed: feed}
}

// Refresh holds the write lock across the fetch and the sort (the bug).
func (lb *leaderboard) Refresh() {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	scores := lb.feed.Fetch()
	sort.Slice(scores, func(i, j int) bool {
		if scores[i].score != scores[j].score {
			return scores[i].score > scores[j].score
		}
		return scores[i].player < scores[j].player
	})
	lb.ranked = scores
	atomic.AddInt64(&lb.generation, 1)
}

// refreshLoop refreshes on every tick of its clock (a ticker's channel in
// production; the program feeds it).
func (lb *leaderboard) refreshLoop(clock <-chan time.Time) {
	for range clock {
		lb.Refresh()
	}
}

func (lb *leaderboard) Top(n int) []playerScore {
	lb.mu.RLock()
	defer lb.mu.RUnlock()
	if n > len(lb.ranked) {
		n = len(lb.ranked)
	}
	out := make([]playerScore, n)
	copy(out, lb.ranked[:n])
	return out
}

func (lb *leaderboard) topPlayers(w http.ResponseWriter, r *http.Request) {
	top := lb.Top(leaderboardTopN)
	names := make([]string, len(top))
	for i, p := range top {
		names[i] = p.player
	}
	json.NewEncoder(w).Encode(names)
}

var playerNames []string

func makeScores(round int) []playerScore {
	if playerNames == nil {
		playerNames = make([]string, leaderboardPlayers)
		for i := range playerNames {
			playerNames[i] = "p" + strconv.Itoa(i)
		}
	}
	s := make([]playerScore, leaderboardPlayers)
	x := uint64(round*7919 + 1)
	for i := range s {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		s[i] = playerScore{player: playerNames[i], score: int64(x % 1000000), wins: int32(x % 97)}
	}
	return s
}

func runLeaderboard(w *snapshotWriter) {
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	cpu, err := os.Create(filepath.Join(w.dir, "cpu.pb.gz"))
	if err != nil {
		fail("%v", err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fail("%v", err)
	}
	feed := &scoreFeed{batches: make(chan []playerScore)}
	lb := newLeaderboard(feed)
	clock := make(chan time.Time)
	go lb.refreshLoop(clock)
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/top", lb.topPlayers)
	srv := httptest.NewServer(mux)
	client := newTrafficReplayer(srv.URL, leaderboardReaders)
	round := 0
	for m := 1; m <= Moments; m++ {
		for k := 0; k < leaderboardRounds; k++ {
			scores := makeScores(round)
			round++
			clock <- time.Date(2026, 12, 6, 0, round, 0, 0, time.UTC)
			waitFor("the writer in Fetch", func() bool { return goroutinesIn("main.(*scoreFeed).Fetch") == 1 })
			var readers sync.WaitGroup
			client.burst("/v1/top", leaderboardReaders, &readers)
			waitFor("readers in RLock", func() bool { return goroutinesIn("sync.(*RWMutex).RLock") == leaderboardReaders })
			if k == leaderboardRounds-1 {
				// the moment's snapshot, while the readers wait and the writer holds the lock
				w.profile("block", "block-"+strconv.Itoa(m)+".pb.gz", 0)
				w.profile("mutex", "mutex-"+strconv.Itoa(m)+".pb.gz", 0)
				w.snapshot(m, map[string]interface{}{
					"refreshes_done":  (m-1)*leaderboardRounds + k,
					"readers_waiting": leaderboardReaders,
					"writers_holding": 1,
					// a reader's RLock wait is recorded when it gets the lock:
					// the waiting round is not in the profiles yet
					"block_rlock_contentions": ((m-1)*leaderboardRounds + k) * leaderboardReaders,
					"mutex_unlock_events":     ((m-1)*leaderboardRounds + k) * leaderboardReaders,
					"block":                   "block-" + strconv.Itoa(m) + ".pb.gz",
					"mutex":                   "mutex-" + strconv.Itoa(m) + ".pb.gz",
				})
			}
			feed.batches <- scores
			readers.Wait()
			waitFor("the refresh", func() bool { return atomic.LoadInt64(&lb.generation) == int64(round) })
		}
	}
	client.idle()
	pprof.StopCPUProfile()
	if err := cpu.Close(); err != nil {
		fail("%v", err)
	}
	w.finish(map[string]interface{}{
		"kind":                "lock contention",
		"culprit":             "main.(*leaderboard).Refresh",
		"growth_culprit":      "", // the heap does not grow: no growth candidate
		"lock":                "sync.RWMutex",
		"writer":              "main.(*leaderboard).Refresh",
		"writer_work":         []string{"main.(*scoreFeed).Fetch", "sort.Slice"},
		"readers":             "main.(*leaderboard).Top",
		"reader_chain":        []string{"main.(*leaderboard).topPlayers", "main.(*leaderboard).Top"},
		"readers_per_refresh": leaderboardReaders,
		"refreshes":           Moments * leaderboardRounds,
		"cpu":                 "cpu.pb.gz",
	})
	srv.Close()
}
