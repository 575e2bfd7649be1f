package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/cobra"
)

// profileFlags are --cpuprofile and --memprofile, of "ldapwiz preview" and
// "ldapwiz sync": Go profiles of one run, for "go tool pprof", so that a
// report of a slow or large run can say where the time and the memory go.
type profileFlags struct {
	cpu, mem string
}

// add registers the flags on cmd.
func (p *profileFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile of the run to FILE (for go tool pprof)")
	f.StringVar(&p.mem, "memprofile", "", "write a heap profile to FILE, taken where the run held the most (for go tool pprof)")
}

// profiler writes the profiles profileFlags ask for. The heap profile is
// taken at the points the engine calls the run's heaviest
// (syncer.Options.HeapPoint: both sides read, the plan made) and once more
// when the run is over; the file keeps the one with the largest live heap.
type profiler struct {
	flags   profileFlags
	cpuFile *os.File
	memErr  error
	maxLive uint64
}

// startProfiler creates the profile files and starts the CPU profile.
func startProfiler(flags profileFlags) (*profiler, error) {
	p := &profiler{flags: flags}
	if flags.cpu == "" {
		return p, nil
	}
	f, err := createProfile(flags.cpu)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	p.cpuFile = f
	return p, nil
}

// heapPoint collects garbage and, when the live heap is the largest seen,
// writes the heap profile; nil when --memprofile is not given.
func (p *profiler) heapPoint() func() {
	if p.flags.mem == "" {
		return nil
	}
	return p.sampleHeap
}

// sampleHeap is heapPoint's function.
func (p *profiler) sampleHeap() {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc <= p.maxLive {
		return
	}
	p.maxLive = m.HeapAlloc
	f, err := createProfile(p.flags.mem)
	if err == nil {
		err = pprof.Lookup("heap").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		p.memErr = fmt.Errorf("--memprofile: %w", err)
	}
}

// stop takes the last heap sample, stops the CPU profile and reports the
// first error writing either.
func (p *profiler) stop() error {
	if p.flags.mem != "" {
		p.sampleHeap()
	}
	var err error
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		if cerr := p.cpuFile.Close(); cerr != nil {
			err = fmt.Errorf("--cpuprofile: %w", cerr)
		}
	}
	return errors.Join(err, p.memErr)
}

// createProfile creates or truncates the profile file at path, mode 0600,
// refusing to follow a symbolic link there.
func createProfile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
}

// withProfiles runs the command cmd ("ldapwiz sync") under the profiles
// flags asks for: run gets the heap sampling function for
// syncer.Options.HeapPoint (nil without --memprofile). A profile that could
// not be written is reported on stderr and turns exit code 0 into 1.
func withProfiles(env *cliEnv, cmd string, flags profileFlags, run func(heapPoint func()) int) int {
	p, err := startProfiler(flags)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", cmd, err)
		return 1
	}
	code := run(p.heapPoint())
	if err := p.stop(); err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", cmd, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
