package syncer

import (
	"context"
	"errors"
	"fmt"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// openPostgresStore is OpenStore for a store in PostgreSQL (store.url). A
// dry run opens it read only; when the database has no schema yet (nothing
// synced into it), the plan is made against an empty temporary store, as
// for an SQLite file that does not exist yet.
func openPostgresStore(ctx context.Context, s wizard.Settings, dryRun bool) (*store.DB, func(), error) {
	cfg, err := s.Store.Config(nil, nil)
	if err != nil {
		return nil, nil, err
	}
	if !dryRun {
		db, err := cfg.Open(ctx)
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	db, err := cfg.OpenReadOnly(ctx)
	switch {
	case err == nil:
		return db, func() { db.Close() }, nil
	case errors.Is(err, store.ErrNoSchema):
		return openTempStore(ctx, "")
	case errors.Is(err, store.ErrSchemaNotCurrent):
		return nil, nil, fmt.Errorf("%w: a sync (not a dry run) migrates it first", err)
	}
	return nil, nil, err
}
