package enroll

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"ldapwiz/internal/smtptest"
)

// TestInvitationsAreLogged sends invitations through a real SMTP server
// that rejects one recipient, with a JSON logger: one line per invitation
// sent or queued, naming the user (and a queued one's reason, which may
// quote the server's refusal), never the token or the link.
func TestInvitationsAreLogged(t *testing.T) {
	e := NewTestEnv(t)
	e.smtp = smtptest.Start(t, smtptest.Options{RejectRcpt: []string{"gone@example.com"}})
	e.S.SMTP.Port = e.smtp.Port
	var buf bytes.Buffer
	en := e.Enroller()
	en.Log = slog.New(slog.NewJSONHandler(&buf, nil))
	ids := []int64{e.user("l1", "l1@example.com", "L", "One").ID, e.user("gone", "gone@example.com", "G", "One").ID}
	rep, err := en.OnUsersCreated(e.Ctx, ids)
	if err != nil || rep.Sent != 1 || rep.Queued != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		got[m["user"].(string)] = m["msg"].(string) + "/" + m["level"].(string)
	}
	if got["l1"] != "invitation sent/INFO" || got["gone"] != "invitation queued/WARN" {
		t.Errorf("log lines: %v\n%s", got, buf.String())
	}
	sent := e.Mails(0)["l1@example.com"]
	if sent.link == "" || sent.Token == "" {
		t.Fatalf("no invitation mailed to l1: %+v", sent)
	}
	for _, secret := range []string{"l1@example.com", sent.Token, sent.link} {
		if secret != "" && strings.Contains(buf.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, buf.String())
		}
	}
}
