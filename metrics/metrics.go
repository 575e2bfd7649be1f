// Package metrics exposes ldapwiz's sync runs and SSH sessions as
// Prometheus metrics, for "ldapwiz sync --watch --metrics-listen" and
// "ldapwiz serve --metrics-listen". Each Metrics has its own registry:
// nothing is registered globally.
package metrics

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ldapwiz/store"
	"ldapwiz/syncer"
)

// Metrics holds one process's metrics.
type Metrics struct {
	reg *prometheus.Registry

	lastStart, lastEnd, lastSuccess prometheus.Gauge
	lastDuration                    prometheus.Gauge
	runs                            *prometheus.CounterVec // by outcome
	phases                          *prometheus.HistogramVec
	planned, applied, failed        *prometheus.CounterVec // by kind, side
	entriesRead                     prometheus.Counter
	guardRefusals                   *prometheus.CounterVec // by guard
	lockWaits                       prometheus.Counter
	invitations                     *prometheus.CounterVec // by result
	directoryErrors                 *prometheus.CounterVec // by LDAP result code
}

// namespace prefixes every metric name.
const namespace = "ldapwiz"

// New returns metrics registered in a new registry, with the Go runtime's
// and the process's own collectors beside them.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Subsystem: "sync", Name: name, Help: help})
	}
	counters := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: "sync", Name: name, Help: help}, labels)
	}
	m.lastStart = gauge("last_run_start_timestamp_seconds", "When the last sync run started (Unix time).")
	m.lastEnd = gauge("last_run_end_timestamp_seconds", "When the last sync run ended (Unix time).")
	m.lastSuccess = gauge("last_run_success", "1 when the last sync run succeeded, 0 when it failed, was refused or was cancelled.")
	m.lastDuration = gauge("last_run_duration_seconds", "How long the last sync run took.")
	m.runs = counters("runs_total", "Sync runs by outcome (success, failed, refused, cancelled).", "outcome")
	m.phases = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "sync", Name: "phase_duration_seconds",
		Help:    "How long each phase of a sync run took (connecting, reading directory, reading store, planning, applying).",
		Buckets: prometheus.ExponentialBuckets(0.005, 4, 10),
	}, []string{"phase"})
	m.planned = counters("changes_planned_total", "Changes planned by sync runs, by object kind and the side written.", "kind", "side")
	m.applied = counters("changes_applied_total", "Changes applied by sync runs, by object kind and the side written.", "kind", "side")
	m.failed = counters("changes_failed_total", "Changes that failed, by object kind and the side written.", "kind", "side")
	m.entriesRead = prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Subsystem: "sync", Name: "directory_entries_read_total", Help: "Directory entries read by sync runs."})
	m.guardRefusals = counters("guard_refusals_total", "Sync runs a safety guard refused, by guard (empty-result, max_delete).", "guard")
	m.lockWaits = prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Subsystem: "sync", Name: "lock_waits_total", Help: "Sync runs that did not start because another sync held the lock."})
	m.invitations = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: "enroll", Name: "invitations_total", Help: "Enrollment invitations after sync runs, by result (sent, queued, failed)."}, []string{"result"})
	m.directoryErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: "directory", Name: "errors_total", Help: "Directory writes that failed, by LDAP result code."}, []string{"code"})
	m.reg.MustRegister(m.lastStart, m.lastEnd, m.lastSuccess, m.lastDuration, m.runs, m.phases,
		m.planned, m.applied, m.failed, m.entriesRead, m.guardRefusals, m.lockWaits, m.invitations, m.directoryErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveRun records a finished sync run: its report (nil when the run
// could not start) and its error.
func (m *Metrics) ObserveRun(rep *syncer.Report, err error) {
	var guard *syncer.GuardError
	switch {
	case errors.Is(err, store.ErrSyncRunning):
		m.lockWaits.Inc()
	case errors.As(err, &guard):
		m.guardRefusals.WithLabelValues(guard.Guard).Inc()
	}
	if rep == nil {
		m.runs.WithLabelValues(store.OutcomeFailed).Inc()
		m.lastSuccess.Set(0)
		return
	}
	m.runs.WithLabelValues(rep.Outcome).Inc()
	m.lastStart.Set(float64(rep.StartedAt.UnixNano()) / 1e9)
	m.lastEnd.Set(float64(rep.FinishedAt.UnixNano()) / 1e9)
	m.lastDuration.Set(rep.Duration().Seconds())
	if rep.Outcome == store.OutcomeSuccess && err == nil {
		m.lastSuccess.Set(1)
	} else {
		m.lastSuccess.Set(0)
	}
	for _, p := range rep.Phases {
		m.phases.WithLabelValues(string(p.Phase)).Observe(p.Duration.Seconds())
	}
	if p := rep.Plan; p != nil {
		m.entriesRead.Add(float64(p.EntriesRead()))
		for _, a := range p.Actions {
			if a.Hidden {
				continue
			}
			labels := []string{string(a.Kind), a.Side}
			m.planned.WithLabelValues(labels...).Inc()
			switch {
			case a.Done:
				m.applied.WithLabelValues(labels...).Inc()
			case a.Failed:
				m.failed.WithLabelValues(labels...).Inc()
				if a.ResultCode() != 0 {
					m.directoryErrors.WithLabelValues(strconv.Itoa(a.ResultCode())).Inc()
				}
			}
		}
	}
	if inv := rep.Invites; inv != nil {
		m.invitations.WithLabelValues("sent").Add(float64(inv.Sent))
		m.invitations.WithLabelValues("queued").Add(float64(inv.Queued))
		m.invitations.WithLabelValues("failed").Add(float64(len(inv.Failures)))
	}
}

// WatchSessions exposes the number of open SSH sessions, read from open
// at each scrape.
func (m *Metrics) WatchSessions(open func() int) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Subsystem: "ssh", Name: "sessions_open", Help: "SSH sessions of the wizard open now.",
	}, func() float64 { return float64(open()) }))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
