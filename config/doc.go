// Package config reads and writes ldapwiz's TOML settings file without
// knowing what the settings mean: decoding into any struct with every problem
// located by line and column (unknown keys get a did-you-mean), encoding with
// a comment above every setting, and saving atomically with a backup.
//
// The settings model itself, its defaults and validation live in package
// wizard; this package is only the file.
package config
