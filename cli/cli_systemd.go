package cli

import (
	"context"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// serviceNotifier speaks systemd's notify protocol (a unit with
// Type=notify, and WatchdogSec=): ready, status lines, the watchdog and
// stopping. Outside systemd (no NOTIFY_SOCKET) every call does nothing.
type serviceNotifier struct{}

// ready says the service is up, with a status line.
func (serviceNotifier) ready(status string) {
	_, _ = daemon.SdNotify(false, daemon.SdNotifyReady+"\nSTATUS="+status)
}

// status replaces the status line "systemctl status" shows.
func (serviceNotifier) status(s string) { _, _ = daemon.SdNotify(false, "STATUS="+s) }

// stopping says the service is shutting down.
func (serviceNotifier) stopping() { _, _ = daemon.SdNotify(false, daemon.SdNotifyStopping) }

// watchdog pings systemd's watchdog at half its timeout until ctx ends,
// when the unit has one (WatchdogSec=).
func (serviceNotifier) watchdog(ctx context.Context) {
	every, err := daemon.SdWatchdogEnabled(false)
	if err != nil || every <= 0 {
		return
	}
	go func() {
		t := time.NewTicker(every / 2)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_, _ = daemon.SdNotify(false, daemon.SdNotifyWatchdog)
			}
		}
	}()
}
