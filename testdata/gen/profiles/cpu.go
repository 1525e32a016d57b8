package main

import (
	"context"
	"runtime/pprof"
	"time"
)

const (
	spinADuration = 1333 * time.Millisecond
	spinBDuration = 667 * time.Millisecond
)

var spinSink uint64

// spinA and spinB burn CPU in their own frames: the clock is read once per
// chunk of arithmetic, so nearly every sample lands in spinA or spinB.
//
//go:noinline
func spinA(d time.Duration) {
	x := uint64(1)
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 200000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	spinSink += x
}

//go:noinline
func spinB(d time.Duration) {
	x := uint64(2)
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 200000; i++ {
			x = x*2862933555777941757 + 3037000493
		}
	}
	spinSink += x
}

// cpuWorkload runs spinA then spinB on one goroutine, each under its own
// "worker" label, so about 2/3 of the samples are spinA {worker=a} and 1/3
// spinB {worker=b}.
func cpuWorkload() {
	ctx := context.Background()
	pprof.Do(ctx, pprof.Labels("worker", "a"), func(context.Context) { spinA(spinADuration) })
	pprof.Do(ctx, pprof.Labels("worker", "b"), func(context.Context) { spinB(spinBDuration) })
}
