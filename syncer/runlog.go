package syncer

import (
	"context"
	"log/slog"

	"ldapwiz/wizard"
)

// runLog writes a run's structured log lines: one when it starts, one as
// each phase ends, one per change that failed and one when it ends. The
// report stays the per-change record; these lines are for a service's
// journal. A nil logger writes nothing.
type runLog struct{ l *slog.Logger }

// started logs the start of a run.
func (r runLog) started(s wizard.Settings, opts Options) {
	if r.l == nil {
		return
	}
	cfg := newSyncConfig(s)
	r.l.LogAttrs(context.Background(), slog.LevelInfo, "sync run started",
		slog.String("mode", cfg.mode), slog.String("authority", cfg.authority),
		slog.Bool("dry_run", opts.DryRun), slog.Bool("force", opts.Force))
}

// phaseEnded logs one phase's duration and item count.
func (r runLog) phaseEnded(p PhaseTiming) {
	if r.l == nil {
		return
	}
	r.l.LogAttrs(context.Background(), slog.LevelInfo, "sync phase finished",
		slog.String("phase", string(p.Phase)), slog.Duration("duration", p.Duration), slog.Int("items", p.Items))
}

// finished logs each failed change, the invitations and the outcome.
func (r runLog) finished(rep *Report, err error) {
	if r.l == nil {
		return
	}
	ctx := context.Background()
	if rep == nil {
		r.l.LogAttrs(ctx, slog.LevelError, "sync run finished", slog.String("outcome", "failed"), slog.Any("error", err))
		return
	}
	if rep.Plan != nil {
		for _, a := range rep.Plan.Actions {
			if !a.Failed {
				continue
			}
			attrs := []slog.Attr{slog.String("side", a.Side), slog.String("op", a.Op), slog.String("kind", string(a.Kind)),
				slog.String("name", a.Name), slog.String("dn", a.DN), slog.String("error", a.ErrorText())}
			if a.ResultCode() != 0 {
				attrs = append(attrs, slog.Int("result_code", a.ResultCode()))
			}
			r.l.LogAttrs(ctx, slog.LevelWarn, "sync change failed", attrs...)
		}
	}
	if inv := rep.Invites; inv != nil {
		r.l.LogAttrs(ctx, slog.LevelInfo, "enrollment invitations",
			slog.Int("sent", inv.Sent), slog.Int("queued", inv.Queued), slog.Int("failed", len(inv.Failures)))
	}
	attrs := []slog.Attr{slog.Int64("run_id", rep.RunID), slog.String("outcome", rep.Outcome),
		slog.Duration("duration", rep.Duration()), slog.Bool("dry_run", rep.DryRun)}
	if p := rep.Plan; p != nil {
		attrs = append(attrs, slog.String("server", p.Server), slog.Int("entries_read", p.entriesRead),
			slog.Int("planned", p.Changes()), slog.Int("applied", rep.Applied), slog.Int("failed", rep.Failed),
			slog.Int("skipped", len(p.Skipped)), slog.Int("conflicts", len(p.Conflicts)))
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	r.l.LogAttrs(ctx, level, "sync run finished", attrs...)
}
