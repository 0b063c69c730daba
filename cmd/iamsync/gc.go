package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// heapFloor is the heap size below which a command does not collect
// garbage. iamsync runs briefly and allocates far more than it keeps:
// planning 10,000 entities allocates about 1 GB, most of it the HCL
// parser's tokens, while the live heap peaks at about 90 MB. With Go's
// default GOGC=100 the collector runs some 35 times on the way and took
// about 30% of the CPU time. Collecting only when the heap reaches
// heapFloor takes about 10 cycles. The floor keeps the peak resident memory
// near 190 MiB.
//
// Measured with iamsync bench on a 2-core AMD EPYC: see docs/benchmarks.md.
const heapFloor = 180 << 20

// tuneGC sets the garbage collector for a short-lived command: no
// collection until the heap reaches heapFloor, through a memory limit with
// GOGC off. Once the live heap exceeds half the floor, a limit would make
// the collector run more often than GOGC=100 does, so the default pacing
// comes back for the rest of the process. GOGC or GOMEMLIMIT in the
// environment leave the runtime's settings alone.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(heapFloor)
	watchLiveHeap()
}

// watchLiveHeap checks the live heap after every collection and restores
// the default pacing when it exceeds half of heapFloor. A cleanup on an
// object that becomes unreachable at once runs after each cycle.
func watchLiveHeap() {
	sentinel := new([16]byte)
	runtime.AddCleanup(sentinel, func(struct{}) {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > heapFloor*2/3 {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			return
		}
		watchLiveHeap()
	}, struct{}{})
}
