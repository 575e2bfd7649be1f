// Package syncer is the synchronization engine: it reads the directory and
// the store, plans what each side needs (a three-way merge against the values
// of the last successful sync), checks the safety guards, applies the plan
// directory-first so an interrupted run converges on the next one, and
// reports progress events and a final report.
//
// Enrollment of the users a run creates is delegated to package enroll; the
// settings come from package wizard. Nothing here knows about the UI.
package syncer
