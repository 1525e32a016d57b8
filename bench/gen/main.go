// Command gen writes a large synthetic Go heap profile in pprof's
// profile.proto wire format, for benchmarking heapscope against
// `go tool pprof`.
//
// The protobuf is encoded by hand (stdlib only). The layout imitates what
// runtime/pprof.writeHeapProto emits:
//
//   - period_type space/bytes, period 524288, then the four heap sample
//     types (alloc_objects/count, alloc_space/bytes, inuse_objects/count,
//     inuse_space/bytes);
//   - Location and Function messages are emitted lazily, interleaved with
//     the Sample messages, right before the first sample that needs them
//     (IDs are assigned in first-use order, as the runtime does);
//   - each Sample holds its values (packed), its location IDs (packed,
//     leaf first) and a numeric label "bytes" = allocation block size;
//   - time_nanos, the mapping(s) and the string table come last.
//
// The program shape: ~20000 functions with Go-like names spread over
// stdlib, third-party and application packages; each function has a few
// call sites (locations), some with 2-3 lines (inlined frames); stacks are
// random walks, 5-40 frames deep, down a layered call graph with skewed
// (Zipf-like) choices, so many stacks share long prefixes, as in a real
// call tree. Several samples may share a stack with different block sizes,
// as Go's memprofile buckets are keyed by (stack, size).
//
// Output is deterministic for a given set of flags.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

const (
	numLayers  = 48
	heapRate   = 524288
	textStart  = 0x401000
	mappingLen = 0x4000000
)

// ---------------------------------------------------------------------------
// Deterministic PRNG (xoshiro256**, seeded with splitmix64).

type rng struct{ s [4]uint64 }

func newRNG(seed uint64) *rng {
	r := &rng{}
	x := seed
	for i := range r.s {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		r.s[i] = z ^ (z >> 31)
	}
	return r
}

func rotl(x uint64, k uint) uint64 { return (x << k) | (x >> (64 - k)) }

func (r *rng) u64() uint64 {
	s := &r.s
	res := rotl(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = rotl(s[3], 45)
	return res
}

// float returns a uniform value in [0,1).
func (r *rng) float() float64 { return float64(r.u64()>>11) / (1 << 53) }

// intn returns a uniform value in [0,n).
func (r *rng) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int((r.u64() >> 1) % uint64(n))
}

// skew returns a value in [0,n) biased towards 0: P(i < n*x) = x^(1/k).
func (r *rng) skew(n, k int) int {
	if n <= 1 {
		return 0
	}
	u := r.float()
	p := u
	for i := 1; i < k; i++ {
		p *= u
	}
	i := int(float64(n) * p)
	if i >= n {
		i = n - 1
	}
	return i
}

func (r *rng) chance(p float64) bool { return r.float() < p }

func pick(r *rng, list []string) string { return list[r.intn(len(list))] }

// ---------------------------------------------------------------------------
// Name material.

var nouns = strings.Fields(`Shard Buffer Pool Client Conn Decoder Encoder Index
Segment Tree Node Request Response Handler Server Session Store Table Batch
Writer Reader Cursor Iterator Plan Planner Executor Cache Entry Queue Ring
Ledger Span Tracer Registry Router Stream Frame Block Page Chunk Manifest
Snapshot Txn Lease Watcher Informer Limiter Bucket Filter Bloom Compactor
Merger Scanner Parser Lexer Token Schema Column Row Record Tenant Account
Invoice Order Event Message Topic Partition Consumer Producer Broker Replica
Peer Member Config Options Builder Collector Histogram Counter Gauge Resolver
Balancer Picker Dialer Listener Mux Job Task Worker Scheduler Timer Heap Map
Set List Slab Arena Allocator Header Body Payload Envelope Codec Marshaler
Value Key Field Struct Visitor Walker Graph Edge Vertex Path Query Result Rows
Stmt Tx DB Dict Trie Symbol Profile Sample Location Mapping Catalog Journal
Checkpoint Epoch Term Vote Proposal Ticket Claim Grant Policy Role Secret
Cert Signer Digest Hasher Window Pipeline Stage Sink Source Spool Tape`)

var verbs = strings.Fields(`get put delete flush compact read write decode
encode marshal unmarshal parse build grow alloc new load store sync merge split
scan seek apply append copy clone reset resolve dial accept serve handle
dispatch route emit publish subscribe consume commit rollback prepare exec
query fetch refresh rotate evict insert update upsert lookup find match visit
walk validate normalize format render collect observe record track schedule
run process transform convert compress decompress hash sign verify encrypt
decrypt index sort filter reduce join open close init start stop drain retry
spawn wait notify watch list sum count pack unpack expand shrink reserve
release acquire borrow intern quote escape unescape tokenize split trim`)

var pkgWords = strings.Fields(`cache store index query plan exec ingest router
api rpc auth session metrics trace codec wire pool ring queue shard segment
compact wal raft gossip config bloom btree lsm sstable memtable stream batch
scheduler worker tenant quota billing ledger invoice search ranking tokenizer
analyzer geo feed notify email webhook gateway proxy balancer discovery
registry health admin audit policy rbac crypto kms blob objstore replication
snapshot backup migrate schema model handler service server client transport
middleware ratelimit retry circuit cron jobs events pubsub kafka nats sql pg
redisx mongox cachex util xerrors xsync xio xstrings jsonx protox httpx grpcx
catalog journal checkpoint lease election membership sketch hll topk rollup
timeseries downsample alerting rules exporter scraper relabel`)

var appModules = []string{
	"github.com/acme/svc",
	"github.com/acme/platform",
	"github.com/acme/billing",
	"github.com/acme/search",
	"github.com/acme/ingest",
	"gitlab.acme.io/infra/kit",
}

var stdPkgs = strings.Fields(`runtime sync bytes strings strconv bufio io fmt
sort reflect errors context time os path/filepath unicode/utf8 encoding/json
encoding/binary encoding/base64 encoding/hex encoding/gob encoding/xml
encoding/csv compress/gzip compress/flate compress/zlib hash/crc32 crypto/tls
crypto/sha256 crypto/aes crypto/cipher crypto/x509 crypto/ecdsa math/big net
net/http net/url net/textproto mime/multipart regexp regexp/syntax
text/template text/template/parse html/template database/sql container/heap
container/list log archive/tar archive/zip internal/poll
vendor/golang.org/x/net/http2/hpack go/ast go/parser image/png`)

var thirdPkgs = strings.Fields(`google.golang.org/grpc
google.golang.org/grpc/internal/transport google.golang.org/grpc/encoding/proto
google.golang.org/protobuf/internal/impl google.golang.org/protobuf/proto
google.golang.org/protobuf/encoding/protowire
github.com/prometheus/client_golang/prometheus
github.com/prometheus/common/expfmt go.uber.org/zap go.uber.org/zap/zapcore
go.uber.org/zap/buffer github.com/go-redis/redis/v8
github.com/go-redis/redis/v8/internal/proto github.com/jackc/pgx/v5
github.com/jackc/pgx/v5/pgproto3 github.com/jackc/pgx/v5/pgtype
golang.org/x/net/http2 golang.org/x/net/http2/hpack golang.org/x/sync/errgroup
golang.org/x/text/unicode/norm k8s.io/apimachinery/pkg/runtime
k8s.io/apimachinery/pkg/util/json k8s.io/client-go/tools/cache
k8s.io/client-go/rest github.com/json-iterator/go
github.com/klauspost/compress/zstd github.com/klauspost/compress/flate
github.com/golang/snappy github.com/dgraph-io/ristretto
github.com/cespare/xxhash/v2 go.opentelemetry.io/otel/sdk/trace
go.opentelemetry.io/otel/attribute github.com/gorilla/mux
github.com/gin-gonic/gin github.com/valyala/fasthttp
github.com/segmentio/kafka-go github.com/nats-io/nats.go
go.etcd.io/etcd/client/v3 go.etcd.io/bbolt github.com/hashicorp/golang-lru/v2
github.com/spf13/viper gopkg.in/yaml.v3
github.com/aws/aws-sdk-go-v2/service/s3 cloud.google.com/go/storage`)

var rootMethods = strings.Fields(`run loop serve worker watch pump readLoop
writeLoop process consume poll tick handleConn keepalive flusher reaper
compactLoop syncLoop`)

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// ---------------------------------------------------------------------------
// Program model.

type pkgInfo struct {
	path  string // import path ("main" for the main package's symbol prefix)
	sym   string // symbol prefix used in function names
	dir   string // source directory (absolute)
	level int    // centre of the call-graph layers its functions live in
	files []string
	types []string
	funcs []int32
	names map[string]bool
	// closures counts the closures created per base function name.
	closures map[string]int
}

type funcInfo struct {
	name      string
	file      string
	pkg       int32
	layer     int32
	startLine int32
	nlines    int32
	addr      uint64
	sites     []int32 // locations (call sites) inside this function
}

type locInfo struct {
	addr   uint64
	fns    [3]int32 // innermost first; fns[nfn-1] is the physical function
	lines  [3]int32
	nfn    int8
	callee int32 // function called from this site
}

type model struct {
	r       *rng
	pkgs    []*pkgInfo
	funcs   []funcInfo
	locs    []locInfo
	layers  [numLayers][]int32
	roots   []int32
	nextPC  uint64
	nameSet map[string]bool
}

func (m *model) addPkg(path, sym, dir string, level int) *pkgInfo {
	r := m.r
	p := &pkgInfo{path: path, sym: sym, dir: dir, level: level,
		names: map[string]bool{}, closures: map[string]int{}}
	nt := 2 + r.intn(10)
	seen := map[string]bool{}
	for len(p.types) < nt {
		t := pick(r, nouns)
		if r.chance(0.3) {
			t = pick(r, nouns) + t
		}
		if r.chance(0.15) {
			t = strings.ToLower(t[:1]) + t[1:] // unexported type
		}
		if !seen[t] {
			seen[t] = true
			p.types = append(p.types, t)
		}
	}
	nf := 1 + r.intn(7)
	fseen := map[string]bool{}
	for len(p.files) < nf {
		var f string
		switch r.intn(3) {
		case 0:
			f = strings.ToLower(pick(r, nouns))
		case 1:
			f = pick(r, verbs)
		default:
			f = strings.ToLower(pick(r, nouns)) + "_" + pick(r, verbs)
		}
		f += ".go"
		if !fseen[f] {
			fseen[f] = true
			p.files = append(p.files, f)
		}
	}
	m.pkgs = append(m.pkgs, p)
	return p
}

func (m *model) ident(exported bool) string {
	r := m.r
	v := pick(r, verbs)
	if r.chance(0.6) {
		v += pick(r, nouns)
	}
	if r.chance(0.1) {
		v += "Locked"
	}
	if exported {
		v = capitalize(v)
	}
	return v
}

// genName produces a new unique Go symbol name for a function in p.
func (m *model) genName(p *pkgInfo, root bool) string {
	r := m.r
	for {
		var local string
		typ := pick(r, p.types)
		if root {
			switch r.intn(4) {
			case 0, 1:
				local = "(*" + typ + ")." + pick(r, rootMethods)
			case 2:
				local = "(*" + typ + ")." + capitalize(pick(r, []string{"start", "serve", "run", "open", "listen"})) + ".func" + fmt.Sprint(1+r.skew(4, 2))
			default:
				local = pick(r, rootMethods) + capitalize(strings.ToLower(typ))
			}
		} else {
			x := r.float()
			switch {
			case x < 0.42:
				local = "(*" + typ + ")." + m.ident(r.chance(0.5))
			case x < 0.52:
				local = typ + "." + m.ident(r.chance(0.5))
			case x < 0.77:
				local = m.ident(r.chance(0.4))
			case x < 0.80:
				local = "(*" + typ + "[...])." + m.ident(r.chance(0.5))
			case x < 0.81:
				local = m.ident(true) + "[...]"
			case x < 0.82:
				local = "init." + fmt.Sprint(r.intn(3))
			default:
				// closure of an existing function of this package
				if len(p.funcs) == 0 {
					continue
				}
				base := m.funcs[p.funcs[r.intn(len(p.funcs))]].name
				base = strings.TrimPrefix(base, p.sym+".")
				if strings.HasPrefix(base, "init.") {
					continue
				}
				p.closures[base]++
				n := p.closures[base]
				lastDot := strings.LastIndexByte(base, '.')
				if lastDot >= 0 && (strings.HasPrefix(base[lastDot+1:], "func") || isDigits(base[lastDot+1:])) {
					local = base + "." + fmt.Sprint(n) // nested closure: f.func1.1
				} else {
					local = base + ".func" + fmt.Sprint(n)
				}
			}
		}
		name := p.sym + "." + local
		if !m.nameSet[name] {
			m.nameSet[name] = true
			return name
		}
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func clampLayer(l int) int {
	if l < 1 {
		return 1
	}
	if l >= numLayers {
		return numLayers - 1
	}
	return l
}

func (m *model) addFunc(p int, name string, layer int) int32 {
	r := m.r
	pk := m.pkgs[p]
	id := int32(len(m.funcs))
	nlines := 5 + r.skew(300, 2)
	f := funcInfo{
		name:      name,
		file:      pk.dir + "/" + pick(r, pk.files),
		pkg:       int32(p),
		layer:     int32(layer),
		startLine: int32(10 + r.intn(1500)),
		nlines:    int32(nlines),
		addr:      m.nextPC,
	}
	m.nextPC += uint64((nlines*24 + 63) &^ 31)
	m.funcs = append(m.funcs, f)
	pk.funcs = append(pk.funcs, id)
	if layer > 0 {
		m.layers[layer] = append(m.layers[layer], id)
	} else {
		m.roots = append(m.roots, id)
	}
	return id
}

// pickCallee chooses a function called from a function at layer l of
// package pkg.
func (m *model) pickCallee(l int, pkg int32) int32 {
	r := m.r
	var t int
	x := r.float()
	switch {
	case l == 0:
		t = 1 + r.intn(6)
	case x < 0.75:
		t = l + 1
	case x < 0.90:
		t = l + 2
	case x < 0.95:
		t = l + 3
	default:
		t = l
	}
	t = clampLayer(t)
	// Prefer package-local calls.
	if r.chance(0.35) {
		pf := m.pkgs[pkg].funcs
		for try := 0; try < 8; try++ {
			c := pf[r.intn(len(pf))]
			if cl := int(m.funcs[c].layer); cl >= t && cl <= t+1 {
				return c
			}
		}
	}
	for d := 0; d < numLayers; d++ {
		for _, tt := range []int{t + d, t - d} {
			if tt >= 1 && tt < numLayers && len(m.layers[tt]) > 0 {
				ls := m.layers[tt]
				return ls[r.skew(len(ls), 2)]
			}
		}
	}
	panic("no functions")
}

func buildModel(seed uint64, nfuncs int) *model {
	m := &model{r: newRNG(seed), nextPC: textStart, nameSet: map[string]bool{}}
	r := m.r

	// Fixed anchors: runtime.main -> main.main.
	rt := m.addPkg("runtime", "runtime", "/usr/local/go/src/runtime", 44)
	rt.files = append(rt.files, "proc.go")
	mainPkg := m.addPkg("github.com/acme/svc/cmd/svc", "main", "/home/ci/src/github.com/acme/svc/cmd/svc", 4)
	mainPkg.files = []string{"main.go"}
	rtMain := m.addFunc(0, "runtime.main", 0)
	m.funcs[rtMain].file = "/usr/local/go/src/runtime/proc.go"
	mainMain := m.addFunc(1, "main.main", 1)
	m.funcs[mainMain].file = "/home/ci/src/github.com/acme/svc/cmd/svc/main.go"
	m.nameSet["runtime.main"], m.nameSet["main.main"] = true, true
	for i := 0; i < 8; i++ {
		m.addFunc(1, m.genName(mainPkg, false), 1+r.intn(4))
	}

	// Packages.
	for _, s := range stdPkgs {
		m.addPkg(s, s, "/usr/local/go/src/"+s, 24+r.intn(23))
	}
	for _, s := range thirdPkgs {
		el := strings.Split(s, "/")
		mod := s
		sub := ""
		if len(el) > 3 {
			mod = strings.Join(el[:3], "/")
			sub = "/" + strings.Join(el[3:], "/")
		}
		ver := fmt.Sprintf("@v%d.%d.%d", r.intn(3), r.intn(30), r.intn(12))
		if strings.HasSuffix(mod, "/v2") || strings.HasSuffix(mod, "/v3") || strings.HasSuffix(mod, "/v5") || strings.HasSuffix(mod, "/v8") {
			ver = "@v" + mod[len(mod)-1:] + ver[3:]
		}
		m.addPkg(s, s, "/home/ci/go/pkg/mod/"+mod+ver+sub, 8+r.intn(33))
	}
	// Application packages: as many as needed to reach nfuncs.
	appSeen := map[string]bool{}
	nApp := nfuncs/30 + 1
	for i := 0; i < nApp*4 && len(appSeen) < nApp; i++ {
		mod := appModules[r.skew(len(appModules), 2)]
		sub := pick(r, pkgWords)
		if r.chance(0.35) {
			sub = "internal/" + sub
		}
		if r.chance(0.4) {
			sub += "/" + pick(r, pkgWords)
		}
		path := mod + "/" + sub
		if appSeen[path] {
			continue
		}
		appSeen[path] = true
		m.addPkg(path, path, "/home/ci/src/"+path, 2+r.intn(31))
	}

	// Root (goroutine entry) functions, layer 0.
	nroots := nfuncs / 50
	for i := 0; i < nroots; i++ {
		p := 2 + len(stdPkgs) + r.intn(len(m.pkgs)-2-len(stdPkgs)) // third-party or app
		if i%10 == 0 {
			p = 2 + r.intn(len(stdPkgs)) // e.g. net/http.(*conn).serve-like
		}
		m.addFunc(p, m.genName(m.pkgs[p], true), 0)
	}

	// Ordinary functions: sized packages, skewed.
	for len(m.funcs) < nfuncs {
		p := 2 + r.intn(len(m.pkgs)-2)
		pk := m.pkgs[p]
		n := 1 + r.skew(12, 2)
		for i := 0; i < n && len(m.funcs) < nfuncs; i++ {
			l := clampLayer(pk.level + r.intn(11) - 5)
			m.addFunc(p, m.genName(pk, false), l)
		}
	}

	// Call sites (locations).
	for fi := range m.funcs {
		f := &m.funcs[fi]
		nsites := 1 + r.skew(8, 2)
		if fi == int(rtMain) {
			nsites = 1
		}
		pc := f.addr + 16
		for s := 0; s < nsites; s++ {
			pc += uint64(8 + r.intn(64))
			var loc locInfo
			loc.addr = pc
			nfn := 1
			if x := r.float(); x < 0.12 {
				nfn = 3
			} else if x < 0.40 {
				nfn = 2
			}
			// physical function last, inlined callees before it
			chain := []int32{int32(fi)}
			cur := int32(fi)
			for len(chain) < nfn && fi != int(rtMain) {
				c := m.pickCallee(int(m.funcs[cur].layer), m.funcs[cur].pkg)
				if c == cur {
					break
				}
				chain = append(chain, c)
				cur = c
			}
			loc.nfn = int8(len(chain))
			for i, fn := range chain {
				j := len(chain) - 1 - i // reverse: innermost first
				loc.fns[j] = fn
				ff := &m.funcs[fn]
				loc.lines[j] = ff.startLine + 1 + int32(r.intn(int(ff.nlines)))
			}
			if fi == int(rtMain) {
				loc.callee = mainMain
				loc.lines[0] = 250
			} else {
				loc.callee = m.pickCallee(int(m.funcs[cur].layer), m.funcs[cur].pkg)
			}
			f.sites = append(f.sites, int32(len(m.locs)))
			m.locs = append(m.locs, loc)
		}
	}
	return m
}

// ---------------------------------------------------------------------------
// Stack and sample generation.

// Go's small size classes (runtime/sizeclasses.go, 67 classes: a prime
// count, which the (base + k*stride) mod 67 trick below relies on).
var sizeClasses = []int64{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160,
	176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576,
	640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688,
	3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472,
	9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480,
	21760, 24576, 27264, 28672, 32768}

type stackSet struct {
	off  []uint32 // stack i is locs[off[i]:off[i+1]], root first
	locs []int32
}

func genStacks(m *model, n int) (*stackSet, int) {
	r := m.r
	ss := &stackSet{off: make([]uint32, 0, n+1)}
	ss.off = append(ss.off, 0)
	seen := make(map[uint64]struct{}, n)
	path := make([]int32, 0, 64)
	retries := 0
	for len(ss.off)-1 < n {
		// depth 5..40, roughly triangular around ~21
		d := 5 + int(float64(36)*(r.float()+r.float())/2)
		if d > 40 {
			d = 40
		}
		var f int32
		if r.chance(0.08) {
			f = 0 // runtime.main
		} else {
			f = m.roots[r.skew(len(m.roots), 2)]
		}
		path = path[:0]
		h := uint64(14695981039346656037)
		for i := 0; i < d; i++ {
			sites := m.funcs[f].sites
			li := sites[r.skew(len(sites), 2)]
			path = append(path, li)
			h ^= uint64(li) + 1
			h *= 1099511628211
			f = m.locs[li].callee
		}
		if _, dup := seen[h]; dup {
			retries++
			if retries > 50*n+1000 {
				fmt.Fprintln(os.Stderr, "gen: could not find enough distinct stacks")
				os.Exit(1)
			}
			continue
		}
		seen[h] = struct{}{}
		ss.locs = append(ss.locs, path...)
		ss.off = append(ss.off, uint32(len(ss.locs)))
	}
	return ss, retries
}

type sampleRef struct {
	stack uint32
	k     uint16 // k-th distinct size for this stack
}

func genSamples(r *rng, nstacks, nsamples int) []sampleRef {
	if nsamples < nstacks {
		nsamples = nstacks
	}
	count := make([]uint16, nstacks)
	for i := range count {
		count[i] = 1
	}
	for extra := nsamples - nstacks; extra > 0; extra-- {
		s := r.skew(nstacks, 2)
		if count[s] >= 60 {
			s = r.intn(nstacks)
			if count[s] >= 60 {
				extra++
				continue
			}
		}
		count[s]++
	}
	out := make([]sampleRef, 0, nsamples)
	for s, c := range count {
		for k := uint16(0); k < c; k++ {
			out = append(out, sampleRef{uint32(s), k})
		}
	}
	for i := len(out) - 1; i > 0; i-- { // Fisher-Yates
		j := r.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// blockSize returns the allocation size of the k-th sample of stack s.
func blockSize(seed uint64, s uint32, k uint16) int64 {
	h := newRNG(seed ^ (uint64(s)+1)*0x9e3779b97f4a7c15)
	if h.chance(0.04) { // large object: whole pages
		return int64(8192 * (5 + h.skew(2000, 2) + 37*int(k)))
	}
	base := h.skew(len(sizeClasses), 2)
	stride := 1 + h.intn(len(sizeClasses)-1)
	return sizeClasses[(base+int(k)*stride)%len(sizeClasses)]
}

func scaleHeapSample(count, size, rate int64) (int64, int64) {
	if count == 0 || size == 0 {
		return 0, 0
	}
	if rate <= 1 {
		return count, size
	}
	avgSize := float64(size) / float64(count)
	scale := 1 / (1 - math.Exp(-avgSize/float64(rate)))
	return int64(float64(count) * scale), int64(float64(size) * scale)
}

// ---------------------------------------------------------------------------
// Protobuf encoding.

type pb struct{ b []byte }

func (p *pb) varint(x uint64) {
	var tmp [10]byte
	n := 0
	for x >= 0x80 {
		tmp[n] = byte(x) | 0x80
		x >>= 7
		n++
	}
	tmp[n] = byte(x)
	p.b = append(p.b, tmp[:n+1]...)
}

func (p *pb) key(field, wire int) { p.varint(uint64(field<<3 | wire)) }

func (p *pb) u64(field int, x uint64) { p.key(field, 0); p.varint(x) }

func (p *pb) u64Opt(field int, x uint64) {
	if x != 0 {
		p.u64(field, x)
	}
}

func (p *pb) i64Opt(field int, x int64) {
	if x != 0 {
		p.u64(field, uint64(x))
	}
}

func (p *pb) bytes(field int, b []byte) {
	p.key(field, 2)
	p.varint(uint64(len(b)))
	p.b = append(p.b, b...)
}

// uint64s mimics runtime/pprof: packed when more than 2 elements.
func (p *pb) uint64s(field int, xs []uint64) {
	if len(xs) > 2 {
		var tmp pb
		for _, x := range xs {
			tmp.varint(x)
		}
		p.bytes(field, tmp.b)
		return
	}
	for _, x := range xs {
		p.u64(field, x)
	}
}

func (p *pb) int64s(field int, xs []int64) {
	u := make([]uint64, len(xs))
	for i, x := range xs {
		u[i] = uint64(x)
	}
	p.uint64s(field, u)
}

// Profile field numbers (profile.proto).
const (
	fProfileSampleType   = 1
	fProfileSample       = 2
	fProfileMapping      = 3
	fProfileLocation     = 4
	fProfileFunction     = 5
	fProfileStringTable  = 6
	fProfileTimeNanos    = 9
	fProfilePeriodType   = 11
	fProfilePeriod       = 12
	fValueTypeType       = 1
	fValueTypeUnit       = 2
	fSampleLocation      = 1
	fSampleValue         = 2
	fSampleLabel         = 3
	fLabelKey            = 1
	fLabelNum            = 3
	fMappingID           = 1
	fMappingStart        = 2
	fMappingLimit        = 3
	fMappingOffset       = 4
	fMappingFilename     = 5
	fMappingBuildID      = 6
	fMappingHasFunctions = 7
	fLocationID          = 1
	fLocationMappingID   = 2
	fLocationAddress     = 3
	fLocationLine        = 4
	fLineFunctionID      = 1
	fLineLine            = 2
	fFunctionID          = 1
	fFunctionName        = 2
	fFunctionSystemName  = 3
	fFunctionFilename    = 4
	fFunctionStartLine   = 5
)

type encoder struct {
	w      io.Writer
	n      int64 // uncompressed bytes written
	strIdx map[string]int64
	strs   []string
	msg    pb
	sub    pb
	err    error
}

func newEncoder(w io.Writer) *encoder {
	e := &encoder{w: w, strIdx: map[string]int64{"": 0}, strs: []string{""}}
	return e
}

func (e *encoder) str(s string) int64 {
	if i, ok := e.strIdx[s]; ok {
		return i
	}
	i := int64(len(e.strs))
	e.strIdx[s] = i
	e.strs = append(e.strs, s)
	return i
}

func (e *encoder) write(b []byte) {
	if e.err != nil {
		return
	}
	n, err := e.w.Write(b)
	e.n += int64(n)
	e.err = err
}

// emit writes sub as a length-delimited field of the top-level Profile.
func (e *encoder) emit(field int, sub *pb) {
	e.msg.b = e.msg.b[:0]
	e.msg.bytes(field, sub.b)
	e.write(e.msg.b)
}

func (e *encoder) valueType(field int, typ, unit string) {
	e.sub.b = e.sub.b[:0]
	e.sub.i64Opt(fValueTypeType, e.str(typ))
	e.sub.i64Opt(fValueTypeUnit, e.str(unit))
	e.emit(field, &e.sub)
}

// ---------------------------------------------------------------------------

type stats struct {
	stacks, samples, functions, locations, strings int
	rawBytes, fileBytes                            int64
	totalFrames, maxDepth                          int
	retries                                        int
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

func main() {
	out := flag.String("o", "", "output file (gzip-compressed if it ends in .gz; \"-\" = stdout, uncompressed)")
	nstacks := flag.Int("stacks", 400000, "number of distinct stacks")
	nsamples := flag.Int("samples", 0, "number of samples (>= stacks; 0 = 4x stacks); extra samples reuse a stack with another block size")
	seed := flag.Uint64("seed", 1, "random seed")
	nfuncs := flag.Int("funcs", 20000, "number of functions")
	snapshot := flag.Int("snapshot", 0, "snapshot of a series: the same program (stacks of -seed) a minute later per step, other values, 5% of samples churned, every 50th stack growing")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -o FILE[.gz] [-stacks N] [-samples N] [-seed N] [-funcs N] [-snapshot K]")
		os.Exit(2)
	}
	if *nstacks < 1 || *nfuncs < 200 {
		fmt.Fprintln(os.Stderr, "gen: need -stacks >= 1 and -funcs >= 200")
		os.Exit(2)
	}
	if *nsamples == 0 {
		*nsamples = 4 * *nstacks
	}
	t0 := time.Now()

	m := buildModel(*seed, *nfuncs)
	ss, retries := genStacks(m, *nstacks)
	samples := genSamples(m.r, *nstacks, *nsamples)

	var st stats
	st.stacks, st.samples, st.retries = *nstacks, len(samples), retries

	// Output plumbing.
	var f *os.File
	var err error
	if *out == "-" {
		f = os.Stdout
	} else if f, err = os.Create(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fc := &countWriter{w: f}
	bw := bufio.NewWriterSize(fc, 1<<20)
	var w io.Writer = bw
	var zw *gzip.Writer
	if strings.HasSuffix(*out, ".gz") {
		zw, _ = gzip.NewWriterLevel(bw, gzip.BestSpeed) // as runtime/pprof does
		w = zw
	}
	zbuf := bufio.NewWriterSize(w, 1<<20)
	e := newEncoder(zbuf)

	// Header, as writeHeapProto.
	e.valueType(fProfilePeriodType, "space", "bytes")
	e.msg.b = e.msg.b[:0]
	e.msg.i64Opt(fProfilePeriod, heapRate)
	e.write(e.msg.b)
	e.valueType(fProfileSampleType, "alloc_objects", "count")
	e.valueType(fProfileSampleType, "alloc_space", "bytes")
	e.valueType(fProfileSampleType, "inuse_objects", "count")
	e.valueType(fProfileSampleType, "inuse_space", "bytes")

	locID := make([]uint64, len(m.locs))
	fnID := make([]uint64, len(m.funcs))
	var nextLoc, nextFn uint64
	bytesKey := e.str("bytes")
	var line pb
	var newFns []int32
	locs := make([]uint64, 0, 64)
	vals := make([]int64, 4)
	sr := newRNG(*seed ^ 0x5eed5eed5eed5eed ^ uint64(*snapshot)*0x9e3779b97f4a7c15)
	// A later snapshot of the same program: each sample is left out with
	// probability 5% (churn), and every 50th stack holds more live memory
	// at each step (the leak a growth report should find).
	churn := newRNG(uint64(*snapshot) * 0xc2b2ae3d27d4eb4f)

	for _, s := range samples {
		if *snapshot > 0 && churn.chance(0.05) {
			st.samples--
			continue
		}
		path := ss.locs[ss.off[s.stack]:ss.off[s.stack+1]]
		locs = locs[:0]
		for i := len(path) - 1; i >= 0; i-- { // leaf first
			li := path[i]
			if locID[li] == 0 {
				nextLoc++
				locID[li] = nextLoc
				l := &m.locs[li]
				newFns = newFns[:0]
				e.sub.b = e.sub.b[:0]
				e.sub.u64Opt(fLocationID, nextLoc)
				e.sub.u64Opt(fLocationAddress, l.addr)
				for j := 0; j < int(l.nfn); j++ {
					fn := l.fns[j]
					if fnID[fn] == 0 {
						nextFn++
						fnID[fn] = nextFn
						newFns = append(newFns, fn)
					}
					line.b = line.b[:0]
					line.u64Opt(fLineFunctionID, fnID[fn])
					line.i64Opt(fLineLine, int64(l.lines[j]))
					e.sub.bytes(fLocationLine, line.b)
				}
				e.sub.u64Opt(fLocationMappingID, 1)
				e.emit(fProfileLocation, &e.sub)
				for _, fn := range newFns {
					ff := &m.funcs[fn]
					e.sub.b = e.sub.b[:0]
					e.sub.u64Opt(fFunctionID, fnID[fn])
					ni := e.str(ff.name)
					e.sub.i64Opt(fFunctionName, ni)
					e.sub.i64Opt(fFunctionSystemName, ni)
					e.sub.i64Opt(fFunctionFilename, e.str(ff.file))
					e.sub.i64Opt(fFunctionStartLine, int64(ff.startLine))
					e.emit(fProfileFunction, &e.sub)
				}
			}
			locs = append(locs, locID[li])
		}
		if len(path) > st.maxDepth {
			st.maxDepth = len(path)
		}
		st.totalFrames += len(path)

		// Values: raw sampled counts scaled like runtime/pprof does.
		size := blockSize(*seed, s.stack, s.k)
		// n = sampled allocations in this bucket: mostly a handful, with a
		// long tail; live = those still in use (often none).
		// Pareto-like: P(n > x) ~ x^-1.25, capped.
		n := int64(1 / math.Pow(1-sr.float(), 0.8))
		if n > 5000 {
			n = 5000
		}
		var live int64
		switch x := sr.float(); {
		case x < 0.55:
			live = 0
		case x < 0.70:
			live = n
		default:
			live = 1 + int64(sr.skew(int(n), 2))
		}
		vals[0], vals[1] = scaleHeapSample(n, n*size, heapRate)
		if s.stack%50 == 0 {
			live += int64(*snapshot) * (1 + n/4)
			n += int64(*snapshot) * (1 + n/4)
		}
		vals[2], vals[3] = scaleHeapSample(live, live*size, heapRate)

		e.sub.b = e.sub.b[:0]
		e.sub.int64s(fSampleValue, vals)
		e.sub.uint64s(fSampleLocation, locs)
		line.b = line.b[:0]
		line.i64Opt(fLabelKey, bytesKey)
		line.i64Opt(fLabelNum, size)
		e.sub.bytes(fSampleLabel, line.b)
		e.emit(fProfileSample, &e.sub)
	}

	// Trailer, as profileBuilder.build.
	e.msg.b = e.msg.b[:0]
	e.msg.i64Opt(fProfileTimeNanos, 1700000000_000000000+int64(*seed%1000)*1_000_000_007+int64(*snapshot)*60_000_000_000)
	e.write(e.msg.b)

	e.sub.b = e.sub.b[:0]
	e.sub.u64Opt(fMappingID, 1)
	e.sub.u64Opt(fMappingStart, textStart&^0xfff)
	e.sub.u64Opt(fMappingLimit, (textStart&^0xfff)+mappingLen)
	e.sub.u64Opt(fMappingOffset, 0)
	e.sub.i64Opt(fMappingFilename, e.str("/usr/local/bin/svc"))
	e.sub.i64Opt(fMappingBuildID, e.str(fmt.Sprintf("%016x%016x", newRNG(*seed).u64(), newRNG(*seed+1).u64())))
	e.sub.u64(fMappingHasFunctions, 1)
	e.emit(fProfileMapping, &e.sub)

	for _, s := range e.strs {
		e.msg.b = e.msg.b[:0]
		e.msg.bytes(fProfileStringTable, []byte(s))
		e.write(e.msg.b)
	}

	if m.nextPC >= (textStart&^0xfff)+mappingLen {
		fmt.Fprintln(os.Stderr, "gen: text segment overflows mapping")
		os.Exit(1)
	}
	if e.err == nil {
		e.err = zbuf.Flush()
	}
	if zw != nil && e.err == nil {
		e.err = zw.Close()
	}
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err == nil && f != os.Stdout {
		e.err = f.Close()
	}
	if e.err != nil {
		fmt.Fprintln(os.Stderr, "gen:", e.err)
		os.Exit(1)
	}

	st.functions, st.locations, st.strings = int(nextFn), int(nextLoc), len(e.strs)
	st.rawBytes, st.fileBytes = e.n, fc.n
	var info io.Writer = os.Stdout
	if f == os.Stdout {
		info = os.Stderr
	}
	fmt.Fprintf(info, "stacks=%d\nsamples=%d\nfunctions=%d\nlocations=%d\nstrings=%d\n",
		st.stacks, st.samples, st.functions, st.locations, st.strings)
	fmt.Fprintf(info, "avg_depth=%.1f\nmax_depth=%d\nuncompressed_bytes=%d\nfile_bytes=%d\n",
		float64(st.totalFrames)/float64(st.samples), st.maxDepth, st.rawBytes, st.fileBytes)
	fmt.Fprintf(os.Stderr, "gen: %d stacks (%d duplicate walks retried), %d samples, %.1f MB raw, %.1f MB written in %.1fs\n",
		st.stacks, st.retries, st.samples, float64(st.rawBytes)/1e6, float64(st.fileBytes)/1e6, time.Since(t0).Seconds())
}
