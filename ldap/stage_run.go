package ldap

import (
	"context"
	"net"

	goldap "github.com/go-ldap/ldap/v3"
)

// testRun is the state of one RunTest: what earlier steps learnt and
// opened, for the steps after them.
type testRun struct {
	ctx    context.Context
	cfg    Config
	scope  TestScope
	report func(Step)
	result TestResult

	target     Target
	addrs      []string // resolved addresses of target.Host
	addr       string   // host:port the TCP connection reached
	raw        net.Conn // the TCP connection until TLS or go-ldap takes it
	conn       *Conn    // nil until the TLS step is done, and again when the connection died
	anonymous  bool
	rootDSEErr error // RootDSE could not be read before the bind; retried after it
	userCount  int
	groupCount int
	users      []*goldap.Entry // sampled users
	userAttrs  []string        // attributes asked for on sampled users
	// passedOver are the listed servers before the one tested, with why
	// each was passed over (connection.url lists several).
	passedOver []string
}

// stepDeps says which earlier steps must not have failed (or been skipped)
// for a step to run.
var stepDeps = map[string][]string{
	StepTCP:         {StepDNS},
	StepTLS:         {StepTCP},
	StepRootDSE:     {StepTLS},
	StepBind:        {StepTLS},
	StepUserBase:    {StepBind},
	StepGroupBase:   {StepBind},
	StepUsers:       {StepUserBase},
	StepGroups:      {StepGroupBase},
	StepUserSample:  {StepUsers},
	StepGroupSample: {StepGroups},
	StepAccess:      {StepUserSample},
}

func (r *testRun) stepFunc(id string) func() Step {
	return map[string]func() Step{
		StepDNS: r.stepDNS, StepTCP: r.stepTCP, StepTLS: r.stepTLS, StepRootDSE: r.stepRootDSE,
		StepBind: r.stepBind, StepUserBase: r.stepUserBase, StepGroupBase: r.stepGroupBase,
		StepUsers: r.stepUsers, StepGroups: r.stepGroups, StepUserSample: r.stepUserSample,
		StepGroupSample: r.stepGroupSample, StepAccess: r.stepAccess,
	}[id]
}

func (r *testRun) run() {
	status := map[string]StepStatus{}
	titles := map[string]string{}
	for _, st := range stepTitles {
		titles[st.id] = st.title
		var step Step
		if blocker := r.blocker(st.id, status); blocker != "" {
			step = Step{Status: StepNotRun, Detail: blocker}
		} else {
			step = r.stepFunc(st.id)()
		}
		step.ID, step.Title = st.id, st.title
		status[st.id] = step.Status
		r.result.Steps = append(r.result.Steps, step)
		if r.report != nil {
			r.report(step)
		}
	}
}

// blocker says why step id cannot run, or "" when it can.
func (r *testRun) blocker(id string, status map[string]StepStatus) string {
	if r.ctx.Err() != nil {
		return "not run: the test was cancelled"
	}
	for _, dep := range stepDeps[id] {
		switch status[dep] {
		case StepFailed:
			return "not run: " + titleOf(dep) + " failed"
		case StepNotRun:
			return "not run: " + titleOf(dep) + " did not run"
		}
	}
	if id != StepDNS && id != StepTCP && id != StepTLS && r.conn == nil {
		return "not run: the connection to the directory was lost"
	}
	return ""
}

func titleOf(id string) string {
	for _, st := range stepTitles {
		if st.id == id {
			return st.title
		}
	}
	return id
}

// close releases whatever the run still holds open.
func (r *testRun) close() {
	if r.conn != nil {
		r.conn.Close()
		r.conn = nil
	}
	if r.raw != nil {
		r.raw.Close()
		r.raw = nil
	}
}

// dropConn closes a connection that can no longer be used.
func (r *testRun) dropConn() {
	if r.conn != nil {
		r.conn.Close()
		r.conn = nil
	}
}

// failed builds a failed step from a diagnosis, prefixing context.
func failed(prefix string, d Diagnosis) Step {
	return diagStep(StepFailed, prefix, d)
}

func diagStep(status StepStatus, prefix string, d Diagnosis) Step {
	detail := d.Problem
	if prefix != "" {
		detail = prefix + ": " + detail
	}
	if d.Server != "" && (d.Code == goldap.LDAPResultInvalidCredentials || d.Policy != "") {
		detail += " (server said: " + d.Server + ")"
	}
	return Step{Status: status, Detail: detail, Hint: d.Hint, Setting: d.Setting}
}
