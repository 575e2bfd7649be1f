package cli

import (
	"context"
	"fmt"
	"net"

	"ldapwiz/metrics"
)

// startMetrics serves Prometheus metrics on addr until ctx ends and says
// where on stderr; an empty addr serves none (nil metrics, exitOK). A
// non-zero code (exitUsage) means addr could not be listened on.
func startMetrics(ctx context.Context, env *cliEnv, who, addr string) (*metrics.Metrics, int) {
	if addr == "" {
		return nil, exitOK
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: --metrics-listen %s: %v\n", who, addr, err)
		return nil, exitUsage
	}
	m := metrics.New()
	go func() {
		if err := m.Serve(ctx, l); err != nil {
			fmt.Fprintf(env.stderr, "%s: metrics: %v\n", who, err)
		}
	}()
	fmt.Fprintf(env.stderr, "%s: metrics on http://%s/metrics\n", who, l.Addr())
	return m, exitOK
}
