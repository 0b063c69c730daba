package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Garbage collector settings for a short-lived command. iamsync allocates
// far more than it keeps: a plan of 10,000 entities declared one block per
// entity allocates about 1 GB, over half of it in the HCL parser, while
// the live heap peaks at about 95 MB. Go's default, GOGC=100, collects
// whenever the heap doubles, about 30 times in that plan. The settings apply
// to every command, the sandbox server included.
//
// CPU time and peak memory of plans of iamsync bench's accounts on a 2-core
// AMD EPYC, means of 8 runs taken in turn, and the highest peak:
//
//	                          10,000, blocks    10,000, data      1,000, blocks
//	GOGC=100 (Go's default)   2.89 s, 216 MiB   1.64 s, 155 MiB   0.35 s, 49 MiB
//	GOGC=400, limit 180 MiB   2.61 s, 193 MiB   1.36 s, 192 MiB   0.28 s, 72 MiB
//	GOGC off, limit 180 MiB   2.49 s, 193 MiB   1.32 s, 192 MiB   0.25 s, 116 MiB
//
// The middle one is used: it keeps the largest plans under 200 MiB and
// most of the saving in CPU time, without holding a small plan's garbage
// up to the limit. Plans whose live heap stays small use more memory than
// with the default, up to the limit.
const (
	gcPercent   = 400
	memoryLimit = 180 << 20
)

// tuneGC sets the garbage collector: the heap grows to five times the live
// heap between collections, and to at most memoryLimit. Once the live heap
// exceeds two thirds of the limit, the limit would make the collector run
// more than twice as often as GOGC=100 does, so Go's defaults come back for
// the rest of the process. GOGC or GOMEMLIMIT in the environment leave the
// runtime's settings alone.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
	watchLiveHeap()
}

// watchLiveHeap checks the live heap after every collection and restores
// Go's defaults when it exceeds two thirds of memoryLimit. A cleanup on an
// object that is unreachable at once runs after each collection.
func watchLiveHeap() {
	sentinel := new([16]byte)
	runtime.AddCleanup(sentinel, func(struct{}) {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > memoryLimit*2/3 {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			return
		}
		watchLiveHeap()
	}, struct{}{})
}
