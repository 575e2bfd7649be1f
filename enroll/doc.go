// Package enroll handles the enrollment of users a sync created: single-use
// expiring tokens (stored only as hashes), invitation e-mails over SMTP, the
// queue of invitations that could not be sent, and retriggering enrollment.
package enroll
