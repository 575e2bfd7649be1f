package ldap

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// StepServerPrefix starts the IDs of the steps that give each listed
// server's result ("server_1", "server_2", ...) when connection.url lists
// several: they follow the staged steps, one per server in listed order.
const StepServerPrefix = "server_"

// ServerResult is what the connection test found for one listed server.
// The server tested in full (Tested) takes its checks from the staged
// steps; every other one is checked on its own connection: resolve,
// connect, TLS, bind and reading the search bases.
type ServerResult struct {
	URL     string     `json:"url"`
	Tested  bool       `json:"tested"` // the staged test ran against this server
	Status  StepStatus `json:"status"`
	Detail  string     `json:"detail,omitempty"`
	Hint    string     `json:"hint,omitempty"`
	Setting string     `json:"setting,omitempty"`
	Checks  []Step     `json:"checks"`
}

// serverCheckSteps are the steps run against each listed server that is
// not tested in full, in order.
var serverCheckSteps = []string{StepDNS, StepTCP, StepTLS, StepBind, StepUserBase, StepGroupBase}

// checkServers adds each listed server's result after the staged steps:
// the tested one's from those steps, the others' from checks run on their
// own connections at the same time (so that several servers that do not
// answer cost one timeout, not one each). Servers pickServer passed over
// keep the failure it saw instead of being tried again.
func (r *testRun) checkServers(servers []string, passedOver []ServerFailure) {
	results := make([]ServerResult, len(servers))
	var wg sync.WaitGroup
	for i, u := range servers {
		switch {
		case u == r.cfg.URL:
			results[i] = r.testedServer()
		case failureOf(passedOver, u) != nil:
			results[i] = passedOverServer(u, failureOf(passedOver, u))
		default:
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = r.checkOther(u)
			}()
		}
	}
	wg.Wait()
	for i, res := range results {
		r.result.Servers = append(r.result.Servers, res)
		step := Step{ID: StepServerPrefix + strconv.Itoa(i+1),
			Title:  fmt.Sprintf("Server %d of %d, %s", i+1, len(servers), res.URL),
			Status: res.Status, Detail: res.Detail, Hint: res.Hint, Setting: res.Setting}
		r.result.Steps = append(r.result.Steps, step)
		if r.report != nil {
			r.report(step)
		}
	}
}

// failureOf returns the error pickServer saw for url, or nil.
func failureOf(fs []ServerFailure, url string) error {
	for _, f := range fs {
		if f.URL == url {
			return f.Err
		}
	}
	return nil
}

// testedServer is the result of the server the staged test ran against.
func (r *testRun) testedServer() ServerResult {
	var checks []Step
	for _, id := range serverCheckSteps {
		checks = append(checks, r.result.Step(id))
	}
	res := serverVerdict(r.cfg.URL, checks, r.conn == nil)
	res.Tested = true
	if res.Status == StepOK {
		res.Detail = "answered; tested in full above"
	}
	return res
}

// passedOverServer is the result of a server that did not answer when the
// test looked for one to run against.
func passedOverServer(url string, err error) ServerResult {
	d := Explain(err)
	check := Step{ID: StepTCP, Title: titleOf(StepTCP), Status: StepFailed, Detail: d.Problem, Hint: d.Hint, Setting: d.Setting}
	return ServerResult{URL: url, Status: StepWarning, Checks: []Step{check},
		Detail: "does not answer: " + d.Problem + "; a sync passes over it to the next server",
		Hint:   "start the server or make it reachable, or remove it from connection.url", Setting: "connection.url"}
}

// checkOther runs the per-server checks against url on a connection of
// its own.
func (r *testRun) checkOther(url string) ServerResult {
	cfg := r.cfg
	cfg.URL = url
	o := &testRun{ctx: r.ctx, cfg: cfg, scope: r.scope}
	defer o.close()
	status := map[string]StepStatus{}
	var checks []Step
	lost := false
	for _, id := range serverCheckSteps {
		var step Step
		if blocker := o.blocker(id, status); blocker != "" {
			step = Step{Status: StepNotRun, Detail: blocker}
		} else {
			step = o.stepFunc(id)()
		}
		step.ID, step.Title = id, titleOf(id)
		status[id] = step.Status
		checks = append(checks, step)
		if id == StepBind && step.Status == StepFailed {
			lost = o.conn == nil
		}
	}
	return serverVerdict(url, checks, lost)
}

// serverVerdict sums up one server's checks. A server that cannot be
// reached (name, connection, TLS, or a connection lost during the bind) is
// a warning: a sync passes over it. One that answers but refuses the bind
// or lacks a search base is a failure: a sync that reaches it first stops
// there, since a refused bind never fails over.
func serverVerdict(url string, checks []Step, lostAtBind bool) ServerResult {
	res := ServerResult{URL: url, Status: StepOK, Checks: checks}
	var done, warned []string
	for _, c := range checks {
		switch c.Status {
		case StepOK:
			if p := checkDone[c.ID]; p != "" {
				done = append(done, p)
			}
			continue
		case StepWarning:
			warned = append(warned, c.Title)
			continue
		case StepNotRun:
			// Nothing failed before it: the test was cancelled.
			res.Status, res.Detail = StepNotRun, c.Detail
			return res
		}
		res.Detail, res.Hint, res.Setting = c.Title+" failed: "+c.Detail, c.Hint, c.Setting
		switch {
		case c.ID == StepDNS || c.ID == StepTCP || c.ID == StepTLS || (c.ID == StepBind && lostAtBind):
			res.Status = StepWarning
			res.Detail += "; a sync passes over this server to the next"
			if res.Hint == "" {
				res.Hint = "make the server reachable, or remove it from connection.url"
				res.Setting = "connection.url"
			}
		default:
			res.Status = StepFailed
			res.Detail += "; a sync that reaches this server first stops here"
		}
		return res
	}
	res.Detail = "answers: " + strings.Join(done, ", ")
	if len(warned) > 0 {
		res.Detail += "; with warnings at: " + strings.Join(warned, ", ")
	}
	return res
}

// checkDone says in a word or two what a check that passed did.
var checkDone = map[string]string{
	StepTCP: "connected", StepTLS: "encrypted", StepBind: "bound",
	StepUserBase: "users.search_base read", StepGroupBase: "groups.search_base read",
}
