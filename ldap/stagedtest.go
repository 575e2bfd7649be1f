package ldap

import (
	"context"
)

// StepStatus is the outcome of one step of the staged connection test.
type StepStatus string

// Step outcomes.
const (
	StepOK      StepStatus = "ok"
	StepWarning StepStatus = "warning" // works, but something deserves attention
	StepFailed  StepStatus = "failed"
	StepNotRun  StepStatus = "not_run" // an earlier failure made this step impossible
)

// Step IDs of the staged test, in the order they run.
const (
	StepDNS         = "dns"
	StepTCP         = "tcp"
	StepTLS         = "tls"
	StepRootDSE     = "rootdse"
	StepBind        = "bind"
	StepUserBase    = "user_base"
	StepGroupBase   = "group_base"
	StepUsers       = "users"
	StepGroups      = "groups"
	StepUserSample  = "user_sample"
	StepGroupSample = "group_sample"
	StepAccess      = "access"
)

// stepTitles are the human titles of the steps, in order.
var stepTitles = []struct{ id, title string }{
	{StepDNS, "Resolve the host name"},
	{StepTCP, "Connect (TCP)"},
	{StepTLS, "Encryption (TLS)"},
	{StepRootDSE, "Read the server's RootDSE"},
	{StepBind, "Bind"},
	{StepUserBase, "User search base exists"},
	{StepGroupBase, "Group search base exists"},
	{StepUsers, "Users matched by the settings"},
	{StepGroups, "Groups matched by the settings"},
	{StepUserSample, "Sample users carry the username and member attributes"},
	{StepGroupSample, "Sample groups carry the name and member attributes"},
	{StepAccess, "The bind account can read what sync needs"},
}

// Step is one stage of the connection test and its outcome. Detail says
// what was found; for warnings and failures Hint says what to change and
// Setting names it (a dotted key such as "connection.ca_file"). Neither ever
// contains the bind password.
type Step struct {
	ID      string     `json:"id"`
	Title   string     `json:"title"`
	Status  StepStatus `json:"status"`
	Detail  string     `json:"detail,omitempty"`
	Hint    string     `json:"hint,omitempty"`
	Setting string     `json:"setting,omitempty"`
}

// TestScope is what the users and groups settings select, for the steps
// after the bind. Empty attribute names skip their checks.
type TestScope struct {
	UserBase             string
	UserObjectClass      string
	UserFilter           string // optional extra filter, with or without parentheses
	UsernameAttribute    string
	UserMemberAttribute  string // on the user, e.g. memberOf; empty when membership is read from groups
	GroupBase            string
	GroupObjectClass     string
	GroupFilter          string // optional extra filter, with or without parentheses
	GroupNameAttribute   string
	GroupMemberAttribute string
	// UserAttributes maps a setting key to the directory attribute it names,
	// e.g. "users.attributes.email" -> "mail": their visibility is checked.
	UserAttributes map[string]string
}

// TestResult is the outcome of RunTest: every step in order (steps made
// impossible by an earlier failure have StepNotRun), and what was learnt.
type TestResult struct {
	Steps   []Step    `json:"steps"`
	RootDSE *RootDSE  `json:"root_dse,omitempty"`
	Cert    *CertInfo `json:"certificate,omitempty"`
	// Servers is each listed server's result, in listed order, when
	// connection.url lists several (see StepServerPrefix).
	Servers []ServerResult `json:"servers,omitempty"`
}

// Failed reports whether any step failed.
func (r TestResult) Failed() bool {
	for _, s := range r.Steps {
		if s.Status == StepFailed {
			return true
		}
	}
	return false
}

// Step returns the step with the given ID, or a zero Step.
func (r TestResult) Step(id string) Step {
	for _, s := range r.Steps {
		if s.ID == id {
			return s
		}
	}
	return Step{}
}

// RunTest runs the staged connection test: DNS, TCP, TLS or StartTLS,
// RootDSE, bind, the search bases, how many users and groups the settings
// match, sample entries, and read access. report, when not nil, is called
// with each step as it completes (from the calling goroutine). The result
// lists every step; those an earlier failure made impossible are StepNotRun.
// Cancelling ctx fails the running step and stops the test.
//
// With several servers listed (Config.Servers), the test runs against the
// first one, in the listed order, that a sync would use: servers that do
// not answer (refused, timed out, busy, not LDAP) are passed over, while one
// that refuses the bind or that the settings cannot reach (a bad URL, the
// CA file) is the one tested, so the test shows why. The TCP step names
// the servers passed over and why. After the staged steps, one step per
// listed server gives its result: every other server is checked too
// (connect, TLS, bind, the search bases), and TestResult.Servers holds the
// details.
func RunTest(ctx context.Context, cfg Config, scope TestScope, report func(Step)) TestResult {
	var passedOver []string
	var failures []ServerFailure
	servers := cfg.Servers()
	if len(servers) > 1 {
		cfg.URL, failures = pickServer(ctx, cfg, servers)
		for _, f := range failures {
			passedOver = append(passedOver, f.URL+": "+Explain(f.Err).Problem)
		}
	}
	r := &testRun{ctx: ctx, cfg: cfg, scope: scope, report: report, passedOver: passedOver}
	defer r.close()
	r.run()
	if len(servers) > 1 {
		r.checkServers(servers, failures)
	}
	return r.result
}

// pickServer returns the server of servers the staged test runs against,
// and the ones passed over before it, each with why.
func pickServer(ctx context.Context, cfg Config, servers []string) (string, []ServerFailure) {
	var passedOver []ServerFailure
	for i, s := range servers {
		if i == len(servers)-1 {
			return s, passedOver
		}
		one := cfg
		one.URL = s
		c, err := Dial(ctx, one)
		if err == nil {
			_, err = c.RootDSE(ctx) // it speaks LDAP, even to an anonymous client
			c.Close()
		}
		if err == nil || !connectFailsOver(err) || !failsOver(err) || ctx.Err() != nil {
			return s, passedOver
		}
		passedOver = append(passedOver, ServerFailure{URL: s, Err: err})
	}
	return servers[len(servers)-1], passedOver
}
