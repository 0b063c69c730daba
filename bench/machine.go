package bench

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// describeMachine reads the processor model, memory and load from /proc.
// Fields it cannot read are left empty.
func describeMachine() Machine {
	m := Machine{
		Cores:     runtime.NumCPU(),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
	}
	m.CPUModel = procField("/proc/cpuinfo", "model name")
	if total := procField("/proc/meminfo", "MemTotal"); total != "" {
		kib, err := strconv.ParseInt(strings.TrimSuffix(total, " kB"), 10, 64)
		if err == nil {
			m.MemoryMiB = kib / 1024
		}
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if fields := strings.Fields(string(data)); len(fields) > 0 {
			m.LoadAverage = fields[0]
		}
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc
// file whose key is key, or "".
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		k, v, ok := strings.Cut(scanner.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
