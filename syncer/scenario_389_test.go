package syncer

import (
	"testing"

	"ldapwiz/internal/ds389test"
	"ldapwiz/wizard"
)

// newSmall389Env starts a 389 Directory Server holding smallLDIF (imported
// offline, memberOf and entryUUID filled in by the plug-ins' fix-up tasks)
// and links everything with a first two-way sync, like newSmallEnv does
// with slapd. It connects as the 389 DS preset does: StartTLS as the
// Directory Manager.
func newSmall389Env(t *testing.T) *syncEnv {
	t.Helper()
	e, _ := newLinked389Env(t, ds389test.Options{})
	return e
}

// newLinked389Env starts a 389 DS holding smallLDIF with opts, connects as
// the 389 DS preset does (StartTLS as the Directory Manager) and links
// everything with a first two-way sync.
func newLinked389Env(t *testing.T, opts ds389test.Options) (*syncEnv, *ds389test.Server) {
	t.Helper()
	opts.NoFixture, opts.ExtraLDIF = true, smallLDIF
	srv := ds389test.StartWith(t, opts)
	s, _ := wizard.Preset(wizard.Preset389DS)
	s.Connection.URL = srv.URL
	s.Connection.VerifyTLS = true
	s.Connection.CAFile = srv.CAFile
	s.Connection.BindDN = srv.AdminDN
	s.Connection.BindPassword = srv.AdminPassword
	e := newSyncEnvFor(t, s)
	rep := e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if rep.Plan.DirectoryUsers != 6 || rep.Failed != 0 {
		t.Fatalf("baseline sync read %d users, failed %d: %s", rep.Plan.DirectoryUsers, rep.Failed, rep.Error)
	}
	return e, srv
}

// TestSyncScenarios389 runs the sync scenario table (every scenario in the
// three modes with both authorities, each followed by a rerun that must
// plan nothing) against a real 389 Directory Server.
func TestSyncScenarios389(t *testing.T) { runScenarios(t, newSmall389Env) }
