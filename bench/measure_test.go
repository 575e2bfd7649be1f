package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// usage is what GNU time reports for one command.
type usage struct {
	wall, cpu float64 // seconds; cpu is user + system
	rssMB     float64 // peak resident set size; unmeasured inside the benchmark process
	// liveMB is, for a Go program run by timedGo, the largest heap its
	// garbage collector found live (unmeasured otherwise, or when no
	// collection ran; see timedGo).
	liveMB float64
	// gcCPU is, the same way, the CPU seconds its collector took, part of
	// cpu: what the run's CPU would be if nothing it threw away or held
	// had to be collected.
	gcCPU float64
}

// unmeasured is a size a case does not have: it was timed inside the
// benchmark process (no RSS or heap of its own), or no collection ran to
// find its live heap. Tables show it as "–"; a measured 0 shows as 0.
const unmeasured = -1.0

// timed runs name with args under GNU time (which measures the command's
// own peak RSS; a child's rusage read from Go would carry the Go process's
// high-water mark) and returns its usage. Its output is discarded.
func timed(dir string, name string, args ...string) (usage, error) {
	return timedEnv(dir, nil, name, args...)
}

// timedGo is timed for a Go program (ldapwiz) that also reads the largest
// heap its garbage collector found live, from the trace GODEBUG=gctrace=1
// writes to stderr (a line a collection). That is a lower bound of what
// the program holds at its fullest (it may grow after the last
// collection), and far steadier than its peak RSS, which adds what the
// collector lets the heap grow by before it runs again (GOGC=100: up to
// as much again) to the binary's own.
func timedGo(dir string, name string, args ...string) (usage, error) {
	godebug := "gctrace=1"
	if v := os.Getenv("GODEBUG"); v != "" {
		godebug = v + "," + godebug
	}
	return timedEnv(dir, []string{"GODEBUG=" + godebug}, name, args...)
}

// gcLive matches a gctrace line's heap sizes: at the start of the
// collection, at its end, and live ("4->4->1 MB").
var gcLive = regexp.MustCompile(`(?m)^gc \d+ .* (\d+)->(\d+)->(\d+) MB`)

// gcCPUTimes matches a gctrace line's CPU times, in ms: the stop at the
// start, the assists, the background and idle workers, the stop at the end
// ("0.037+0.1/0.4/0+0.006 ms cpu").
var gcCPUTimes = regexp.MustCompile(`(?m)^gc \d+ .* ([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu`)

// collectorCPU is the CPU seconds of the gctrace lines in stderr, all
// collections summed (unmeasured when there are none).
func collectorCPU(stderr []byte) float64 {
	total := unmeasured
	for _, m := range gcCPUTimes.FindAllSubmatch(stderr, -1) {
		total = max(total, 0)
		for _, f := range m[1:] {
			if v, err := strconv.ParseFloat(string(f), 64); err == nil {
				total += v / 1000
			}
		}
	}
	return total
}

// largestLive is the largest live heap, in MB, of the gctrace lines in
// stderr (unmeasured when there are none).
func largestLive(stderr []byte) float64 {
	live := unmeasured
	for _, m := range gcLive.FindAllSubmatch(stderr, -1) {
		if v, err := strconv.ParseFloat(string(m[3]), 64); err == nil {
			live = max(live, v)
		}
	}
	return live
}

// gnuTime is GNU time, which timed runs every command under
// (ensureGNUTime installs it).
const gnuTime = "/usr/bin/time"

// timedEnv is timed with env added to the command's environment.
func timedEnv(dir string, env []string, name string, args ...string) (usage, error) {
	out := filepath.Join(dir, "time.out")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%e %U %S %M", "-o", out, name}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // stdout: the null device
	runErr := cmd.Run()
	data, err := os.ReadFile(out)
	if err != nil {
		return usage{}, fmt.Errorf("%s: %v (%v) %s", name, err, runErr, said(stderr.Bytes()))
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != 4 {
		return usage{}, fmt.Errorf("%s: unreadable time output %q (%v) %s", name, data, runErr, said(stderr.Bytes()))
	}
	var v [4]float64
	for i, s := range f {
		if v[i], err = strconv.ParseFloat(s, 64); err != nil {
			return usage{}, fmt.Errorf("%s: time output %q: %v", name, data, err)
		}
	}
	if runErr != nil {
		return usage{}, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), runErr, said(stderr.Bytes()))
	}
	return usage{wall: v[0], cpu: v[1] + v[2], rssMB: v[3] / 1024, liveMB: largestLive(stderr.Bytes()), gcCPU: collectorCPU(stderr.Bytes())}, nil
}

// megabytes formats a size in MB with prec decimals, or "–" when it is
// unmeasured.
func megabytes(mb float64, prec int) string {
	if mb < 0 {
		return "–" // unmeasured
	}
	return strconv.FormatFloat(mb, 'f', prec, 64)
}

// said is what a command wrote on stderr, for an error: the end of it,
// without the garbage collector's trace lines (timedGo asks for them).
func said(stderr []byte) string {
	return tail(gcTraceLine.ReplaceAllString(string(stderr), ""))
}

// gcTraceLine matches a whole line of GODEBUG=gctrace=1 output.
var gcTraceLine = regexp.MustCompile(`(?m)^gc \d+ @.*\n?`)

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// pair is one ldapwiz measurement and the ldapsearch one taken just before.
type pair struct{ wiz, base usage }

// summary sums up the pairs of one case over the rounds.
type summary struct {
	wallRatio, cpuRatio  []float64
	wall, cpu, rss, live []float64
	gcCPU                []float64
	baseRSS              float64
}

// rowHeader is the header of the columns row writes, after "| case ".
const rowHeader = "| wall ÷ ldapsearch (median, min–max) | CPU ÷ ldapsearch (median, min–max) | ldapwiz wall s | ldapwiz CPU s | of it the collector s | peak RSS MB | live heap MB |"

// row formats case c's columns every table has (rowHeader): the wall and
// CPU ratios (medians, with min–max), ldapwiz's median wall and CPU
// seconds and its collector's median CPU seconds, and the largest peak
// RSS and live heap of the rounds, as "| c | … |".
func (s *summary) row(c string) string {
	return fmt.Sprintf("| %s | %.2fx (%.2f–%.2f) | %.2fx (%.2f–%.2f) | %.2f | %.2f | %s | %s | %s |", c,
		median(s.wallRatio), minOf(s.wallRatio), maxOf(s.wallRatio), median(s.cpuRatio), minOf(s.cpuRatio), maxOf(s.cpuRatio),
		median(s.wall), median(s.cpu), seconds(median(s.gcCPU)), megabytes(maxOf(s.rss), 1), megabytes(maxOf(s.live), 0))
}

// seconds formats a duration in seconds, or "–" when it is unmeasured.
func seconds(s float64) string {
	if s < 0 {
		return "–" // unmeasured
	}
	return strconv.FormatFloat(s, 'f', 2, 64)
}

func (s *summary) add(p pair) {
	s.wallRatio = append(s.wallRatio, p.wiz.wall/max(p.base.wall, 0.01))
	s.cpuRatio = append(s.cpuRatio, p.wiz.cpu/max(p.base.cpu, 0.01))
	s.wall = append(s.wall, p.wiz.wall)
	s.cpu = append(s.cpu, p.wiz.cpu)
	s.rss = append(s.rss, p.wiz.rssMB)
	s.live = append(s.live, p.wiz.liveMB)
	s.gcCPU = append(s.gcCPU, p.wiz.gcCPU)
	s.baseRSS = max(s.baseRSS, p.base.rssMB)
}

// median of xs (0 when empty).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	c := append([]float64(nil), xs...)
	sort.Float64s(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func maxOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func minOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}
