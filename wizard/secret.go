package wizard

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// ErrNoPasswordSource is returned (wrapped) when a password is needed but no
// source is configured.
var ErrNoPasswordSource = errors.New("no password source configured")

// secretSpec is one password with its three possible sources. prefix is the
// dotted setting name the sources share: "connection.bind_password".
type secretSpec struct {
	prefix string
	file   string // path of a file holding the secret
	env    string // name of an environment variable holding it
	inline string // the secret itself; empty when the setting has no inline form
}

func bindSecret(c Connection) secretSpec {
	return secretSpec{prefix: "connection.bind_password", file: c.BindPasswordFile, env: c.BindPasswordEnv, inline: c.BindPassword}
}

func smtpSecret(s SMTP) secretSpec {
	return secretSpec{prefix: "smtp.password", file: s.PasswordFile, env: s.PasswordEnv}
}

// sources returns the setting names of the sources that are set, in
// priority order: file, env, inline.
func (sp secretSpec) sources() []string {
	var out []string
	if sp.file != "" {
		out = append(out, sp.prefix+"_file")
	}
	if sp.env != "" {
		out = append(out, sp.prefix+"_env")
	}
	if sp.inline != "" {
		out = append(out, sp.prefix)
	}
	return out
}

var (
	envNameRE         = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	conventionalEnvRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	secretFileNameRE  = regexp.MustCompile(`(?i)\.(pw|pwd|pass|passwd|password|secret|txt|key)$`)
)

// looksLikePath reports whether a password file setting is plainly a path
// (has a directory part or a usual extension), so quoting it in an error
// cannot reveal a password typed into the wrong setting.
func looksLikePath(p string) bool {
	return strings.ContainsAny(p, "/\\") || secretFileNameRE.MatchString(p)
}

// resolve returns the secret and, on failure, the setting to fix. Error
// messages name the file or variable but never include the secret.
func (sp secretSpec) resolve(getenv func(string) string, readFile func(string) ([]byte, error)) (secret, setting string, err error) {
	set := sp.sources()
	switch len(set) {
	case 0:
		return "", sp.prefix + "_file", fmt.Errorf("%w: set %s_file (a file holding the password) or %s_env (an environment variable)", ErrNoPasswordSource, sp.prefix, sp.prefix)
	case 1:
	default:
		all := "both"
		if len(set) > 2 {
			all = "all"
		}
		return "", set[1], fmt.Errorf("%s are %s set; keep exactly one password source and empty the others", strings.Join(set, " and "), all)
	}
	switch {
	case sp.file != "":
		data, err := readFile(sp.file)
		if err != nil {
			if !looksLikePath(sp.file) {
				return "", set[0], fmt.Errorf("cannot read the file named in %s (name not shown in case it is the password itself); it must hold the path of a file containing the password", set[0])
			}
			return "", set[0], fmt.Errorf("cannot read the password file: %s; check the path and that ldapwiz may read it", describeFileErr(err))
		}
		pw := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
		if pw == "" {
			return "", set[0], fmt.Errorf("the password file %s is empty; write the password into it", sp.file)
		}
		return pw, "", nil
	case sp.env != "":
		if !envNameRE.MatchString(sp.env) {
			return "", set[0], fmt.Errorf("%s must be the name of an environment variable (letters, digits and _), not the password itself", set[0])
		}
		pw := getenv(sp.env)
		if pw == "" && !conventionalEnvRE.MatchString(sp.env) {
			return "", set[0], fmt.Errorf("the environment variable named in %s is not set or empty (name not shown: it is not in the usual UPPER_CASE form and might be the password itself); export it before running ldapwiz, or use %s_file", set[0], sp.prefix)
		}
		if pw == "" {
			return "", set[0], fmt.Errorf("the environment variable %s is not set or empty; export it before running ldapwiz, or use %s_file", sp.env, sp.prefix)
		}
		return pw, "", nil
	}
	return sp.inline, "", nil
}

// describeFileErr renders a file error (which names the path but never the
// file's contents) without Go's "open PATH:" noise where possible.
func describeFileErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// ResolveBindPassword returns the bind password from its one configured
// source. An empty bind DN (anonymous bind) needs no password and returns "".
// getenv and readFile default to os.Getenv and os.ReadFile when nil.
func (c Connection) ResolveBindPassword(getenv func(string) string, readFile func(string) ([]byte, error)) (string, error) {
	if strings.TrimSpace(c.BindDN) == "" {
		return "", nil
	}
	getenv, readFile = osDefaults(getenv, readFile)
	pw, setting, err := bindSecret(c).resolve(getenv, readFile)
	if err != nil {
		return "", fmt.Errorf("%s: %w", setting, err)
	}
	return pw, nil
}

// ResolvePassword returns the SMTP password from its configured source, or
// "" when no username is set (no authentication).
func (s SMTP) ResolvePassword(getenv func(string) string, readFile func(string) ([]byte, error)) (string, error) {
	if s.Username == "" {
		return "", nil
	}
	getenv, readFile = osDefaults(getenv, readFile)
	pw, setting, err := smtpSecret(s).resolve(getenv, readFile)
	if err != nil {
		return "", fmt.Errorf("%s: %w", setting, err)
	}
	return pw, nil
}

func osDefaults(getenv func(string) string, readFile func(string) ([]byte, error)) (func(string) string, func(string) ([]byte, error)) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if readFile == nil {
		readFile = os.ReadFile
	}
	return getenv, readFile
}
