//go:build !unix

package wizard

// writable is not checked where the access call is not available.
func writable(string) error { return nil }
