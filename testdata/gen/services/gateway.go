package main

// (a) An API gateway tracks its client connections in a registry through
// http.Server.ConnState.  A connection is registered under its remote
// address when it opens, but removed under its local address when it
// closes, so delete never finds the entry: the map only grows, each entry
// holding the session's 8 KiB read buffer.

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"time"
)

const (
	gatewayConnsPerMoment = 150
	sessionBufferSize     = 8192
)

type clientSession struct {
	remote  string
	opened  time.Time
	readBuf []byte
}

func newClientSession(c net.Conn) *clientSession {
	return &clientSession{remote: c.RemoteAddr().String(), opened: time.Now(),
		readBuf: make([]byte, sessionBufferSize)}
}

type connRegistry struct {
	mu       sync.Mutex
	sessions map[string]*clientSession
}

func newConnRegistry() *connRegistry {
	return &connRegistry{sessions: make(map[string]*clientSession)}
}

// track is the server's ConnState hook.
func (r *connRegistry) track(c net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s := newClientSession(c)
		r.mu.Lock()
		r.sessions[s.remote] = s
		r.mu.Unlock()
	case http.StateClosed, http.StateHijacked:
		r.mu.Lock()
		delete(r.sessions, c.LocalAddr().String()) // the bug: not the key it was stored under
		r.mu.Unlock()
	}
}

func (r *connRegistry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

type gateway struct {
	reg *connRegistry
}

func (g *gateway) handleStatus(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"status":"ok"}`)
}

func runGateway(w *snapshotWriter) {
	g := &gateway{reg: newConnRegistry()}
	mux := http.NewServeMux()
	mux.HandleFunc("/status", g.handleStatus)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = g.reg.track
	srv.Start()
	client := newTrafficReplayer(srv.URL, 0)
	base := runtime.NumGoroutine()
	for m := 1; m <= Moments; m++ {
		for i := 0; i < gatewayConnsPerMoment; i++ {
			client.get("/status") // a new connection per request
		}
		want := m * gatewayConnsPerMoment
		waitFor("the registry's entries", func() bool { return g.reg.Len() == want })
		waitGoroutines(base)
		w.snapshot(m, map[string]interface{}{"connections": want, "map_entries": g.reg.Len(),
			"retained_bytes_estimate": want * sessionBufferSize},
			"main.newClientSession", "main.(*connRegistry).track")
	}
	w.finish(map[string]interface{}{
		"kind":    "retention",
		"culprit": "main.newClientSession",
		// growth's first candidate: the same own function, weighed at its frame
		"growth_culprit": "main.newClientSession",
		"chain":          []string{"main.(*connRegistry).track", "main.newClientSession"},
		"holder":         "main.(*connRegistry).track",
		"structure":      "map",
		"per_moment_growth": map[string]int{"map_entries": gatewayConnsPerMoment,
			"retained_bytes_estimate": gatewayConnsPerMoment * sessionBufferSize},
		"goroutines_flat": true,
		"object_bytes":    sessionBufferSize,
	})
	srv.Close()
}
