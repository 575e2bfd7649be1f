package ldap

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"
)

// stepDNS parses the URL and resolves its host.
func (r *testRun) stepDNS() Step {
	t, err := ParseURL(r.cfg.URL)
	if err != nil {
		return Step{Status: StepFailed, Detail: err.Error(),
			Hint: "write the directory's address in connection.url, e.g. ldaps://ldap.example.com", Setting: "connection.url"}
	}
	r.target = t
	if ip := net.ParseIP(t.Host); ip != nil {
		r.addrs = []string{t.Host}
		return Step{Status: StepOK, Detail: t.Host + " is an IP address: no lookup needed"}
	}
	ctx, cancel := context.WithTimeout(r.ctx, r.cfg.timeout())
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, t.Host)
	if err != nil {
		return failed("cannot resolve "+t.Host, Explain(err))
	}
	r.addrs = addrs
	return Step{Status: StepOK, Detail: t.Host + " resolves to " + strings.Join(addrs, ", ")}
}

// stepTCP connects to the first resolved address that answers.
func (r *testRun) stepTCP() Step {
	var lastErr error
	for _, a := range r.addrs {
		addr := net.JoinHostPort(a, r.target.Port)
		start := time.Now()
		conn, err := r.dial(addr, r.cfg.timeout())
		if err != nil {
			lastErr = err
			continue
		}
		r.raw, r.addr = conn, addr
		detail := fmt.Sprintf("connected to %s in %.1f ms", addr, float64(time.Since(start).Microseconds())/1000)
		if len(r.passedOver) > 0 {
			detail += "; testing " + r.cfg.URL + " (listed servers passed over for not answering: " + strings.Join(r.passedOver, "; ") + ")"
		}
		return Step{Status: StepOK, Detail: detail}
	}
	st := failed("cannot connect to "+r.target.Addr(), Explain(lastErr))
	if len(r.passedOver) > 0 {
		st.Detail += "; no listed server answers (" + strings.Join(r.passedOver, "; ") + ")"
	}
	return st
}

func (r *testRun) dial(addr string, timeout time.Duration) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	return d.DialContext(r.ctx, "tcp", addr)
}

// probeTimeout bounds the extra connections made to tell what a port speaks.
func (r *testRun) probeTimeout() time.Duration {
	return min(r.cfg.timeout(), 3*time.Second)
}
