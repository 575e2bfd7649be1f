// Package wizard holds the ldapwiz settings model: defaults, presets,
// validation, the wizard's step list and the map from each setting to the
// screen that edits it. The settings file itself is read and written by
// package config; the engine that uses the settings is package syncer. It
// knows nothing about the UI.
package wizard

// Settings is the whole ldapwiz configuration, as stored in ldapwiz.toml.
//
// Each field carries a `toml` tag (its key) and a `comment` tag: the one line
// written above the key when the file is saved, so a person can edit it by hand.
// Durations and limits are kept as the strings the user wrote ("10s", "10%") so
// that loading and saving an unchanged file changes nothing but formatting;
// the accessor methods parse them.
type Settings struct {
	Connection Connection    `toml:"connection" comment:"How ldapwiz reaches the directory and authenticates to it."`
	Users      Users         `toml:"users" comment:"Where users live in the directory and how their attributes map to the store."`
	Groups     Groups        `toml:"groups" comment:"Where groups live in the directory and how membership is expressed."`
	Sync       Sync          `toml:"sync" comment:"Which direction changes flow, who wins conflicts, and safety limits."`
	Enrollment Enrollment    `toml:"enrollment" comment:"Secure remote enrollment for users created by a sync."`
	SMTP       SMTP          `toml:"smtp" comment:"Mail server for enrollment invitations (needed by enrollment.auto_invite)."`
	Store      StoreSettings `toml:"store" comment:"The application's user database."`
}

// Connection holds the [connection] settings.
type Connection struct {
	URL              string `toml:"url" comment:"Directory URL: ldap://host (port 389, StartTLS optional) or ldaps://host (port 636); several separated by spaces are tried in turn."`
	StartTLS         bool   `toml:"start_tls" comment:"Upgrade an ldap:// connection to TLS with StartTLS (not with ldaps://)."`
	ActiveDirectory  bool   `toml:"active_directory" comment:"The server is Microsoft Active Directory (or Samba AD)."`
	VerifyTLS        bool   `toml:"verify_tls" comment:"Verify the server's TLS certificate. Turning this off is unsafe."`
	CAFile           string `toml:"ca_file" comment:"PEM file with the CA certificate(s) to trust; empty uses the system roots."`
	BindDN           string `toml:"bind_dn" comment:"DN (or, on Active Directory, user@domain) of the service account ldapwiz binds as."`
	BindPasswordFile string `toml:"bind_password_file" comment:"File holding the bind password (one of bind_password_file, bind_password_env, bind_password)."`
	BindPasswordEnv  string `toml:"bind_password_env" comment:"Name of an environment variable holding the bind password."`
	BindPassword     string `toml:"bind_password" comment:"The bind password inline (discouraged: prefer bind_password_file)."`
	Timeout          string `toml:"timeout" comment:"Connect and operation timeout, e.g. \"10s\"."`
	PageSize         int    `toml:"page_size" comment:"Entries per page in paged searches (1-10000)."`
	BindMethod       string `toml:"bind_method" comment:"\"simple\" (bind_dn and a password; the default), \"external\" (SASL EXTERNAL: the TLS client certificate is the identity) or \"gssapi\" (Kerberos with keytab_file, principal and krb5_conf)."`
	ClientCertFile   string `toml:"client_cert_file" comment:"PEM client certificate presented to the server over TLS (for bind_method = \"external\"); empty for none."`
	ClientKeyFile    string `toml:"client_key_file" comment:"PEM private key of client_cert_file; keep it readable only by ldapwiz (mode 0600)."`
	ServerOrder      string `toml:"server_order" comment:"Order in which several servers are tried: \"in-order\" (as listed; the default) or \"random\" (spreads the load)."`
	KeytabFile       string `toml:"keytab_file" comment:"For bind_method = \"gssapi\": keytab holding the key of principal; keep it readable only by ldapwiz (mode 0600)."`
	Principal        string `toml:"principal" comment:"For bind_method = \"gssapi\": the Kerberos principal ldapwiz logs in as, name@REALM (the realm upper case)."`
	Krb5Conf         string `toml:"krb5_conf" comment:"For bind_method = \"gssapi\": krb5.conf naming the realm and its KDC; empty means /etc/krb5.conf."`
}

// Users holds the [users] settings.
type Users struct {
	SearchBase              string         `toml:"search_base" comment:"DN under which users are searched (whole subtree)."`
	ObjectClass             string         `toml:"object_class" comment:"Object class of user entries."`
	AdditionalObjectClasses []string       `toml:"additional_object_classes" comment:"Extra object classes added to users created in the directory."`
	UsernameAttribute       string         `toml:"username_attribute" comment:"Attribute holding the username; must be unique across users."`
	RDNAttribute            string         `toml:"rdn_attribute" comment:"Attribute used in the DN of created users; empty means username_attribute."`
	MemberAttribute         string         `toml:"member_attribute" comment:"Attribute on a user listing the DNs of its groups (usually memberOf)."`
	Filter                  string         `toml:"filter" comment:"Optional extra LDAP filter users must match, e.g. \"(mail=*)\"."`
	AccountState            string         `toml:"account_state" comment:"How the directory marks a disabled account: \"auto\" (from the server), \"ad\" (userAccountControl), \"389\" (nsAccountLock), \"ppolicy\" (pwdAccountLockedTime), \"attribute\" (disabled_attribute: disabled_value) or \"none\" (disabled stays in the store)."`
	DisabledAttribute       string         `toml:"disabled_attribute" comment:"With account_state = \"attribute\": the attribute marking a disabled account, e.g. \"employeeType\"."`
	DisabledValue           string         `toml:"disabled_value" comment:"With account_state = \"attribute\": its value on a disabled account, e.g. \"disabled\"; other values are kept."`
	Attributes              UserAttributes `toml:"attributes" comment:"Directory attribute for each store field (empty: not synchronized)."`
}

// UserAttributes maps store user fields to directory attributes.
type UserAttributes struct {
	Email     string `toml:"email" comment:"Directory attribute for the e-mail address."`
	FirstName string `toml:"first_name" comment:"Directory attribute for the first name."`
	LastName  string `toml:"last_name" comment:"Directory attribute for the last name."`
	Phone     string `toml:"phone" comment:"Directory attribute for the phone number."`
}

// Groups holds the [groups] settings.
type Groups struct {
	SearchBase      string   `toml:"search_base" comment:"DN under which groups are searched (whole subtree)."`
	ObjectClass     string   `toml:"object_class" comment:"Object class of group entries."`
	NameAttribute   string   `toml:"name_attribute" comment:"Attribute holding the group name; must be unique across groups."`
	MemberAttribute string   `toml:"member_attribute" comment:"Attribute on a group listing its members' DNs (usually member)."`
	SyncOnly        []string `toml:"sync_only" comment:"Limit synchronization to members of these groups (names); empty means all users."`
	Filter          string   `toml:"filter" comment:"Optional extra LDAP filter groups must match, e.g. \"(!(cn=archive*))\"."`
	FlattenNested   bool     `toml:"flatten_nested" comment:"Give users the memberships of the groups their groups are nested in (parent groups) in the store."`
}

// Sync holds the [sync] settings.
type Sync struct {
	Mode      string `toml:"mode" comment:"\"import\" (directory -> store), \"one-way\" (store -> directory) or \"two-way\"."`
	Authority string `toml:"authority" comment:"Who wins a field changed on both sides: \"ldap\" or \"store\"."`
	MaxDelete string `toml:"max_delete" comment:"Refuse a run deleting more than this (\"N\" or \"N%\" of linked users), unless --force."`
	Interval  string `toml:"interval" comment:"Time between runs for sync --watch, e.g. \"5m\"."`
	// MissingUsers and MissingGrace: what happens to a store user whose
	// entry left the directory (or the scope).
	MissingUsers string `toml:"missing_users" comment:"A user gone from the directory is \"delete\"d from the store (the default) or \"disable\"d there."`
	MissingGrace string `toml:"missing_grace" comment:"With missing_users = \"disable\": delete the disabled user after this long, e.g. \"72h\"; empty keeps it disabled."`
	// Incremental and FullEvery: read only what changed since the last run
	// when the directory can say (see incremental.go).
	Incremental string `toml:"incremental" comment:"Read only what changed since the last run: \"auto\" (what the server offers), \"off\", or \"syncrepl\", \"dirsync\", \"usn\"."`
	FullEvery   string `toml:"full_every" comment:"Read the directory whole at least this often, e.g. \"24h\", so nothing a token missed stays missed."`
}

// Enrollment holds the [enrollment] settings.
type Enrollment struct {
	Enabled    bool   `toml:"enabled" comment:"Users created in the store by a sync must enroll before use."`
	AutoInvite bool   `toml:"auto_invite" comment:"Send each new user an invitation e-mail (needs enabled and [smtp])."`
	InviteURL  string `toml:"invite_url" comment:"Enrollment page URL; the token is appended to it."`
	TokenTTL   string `toml:"token_ttl" comment:"How long an enrollment token stays valid, e.g. \"48h\"."`
}

// SMTP holds the [smtp] settings.
type SMTP struct {
	Host         string `toml:"host" comment:"SMTP server host name; empty queues invitations instead of sending."`
	Port         int    `toml:"port" comment:"SMTP server port (587 for starttls, 465 for tls, 25 for none)."`
	From         string `toml:"from" comment:"Sender address of invitation e-mails."`
	TLS          string `toml:"tls" comment:"\"starttls\", \"tls\" or \"none\"."`
	VerifyTLS    bool   `toml:"verify_tls" comment:"Verify the SMTP server's TLS certificate."`
	Username     string `toml:"username" comment:"SMTP user name; empty sends without authentication."`
	PasswordFile string `toml:"password_file" comment:"File holding the SMTP password (or use password_env)."`
	PasswordEnv  string `toml:"password_env" comment:"Name of an environment variable holding the SMTP password."`
}

// StoreSettings holds the [store] settings.
type StoreSettings struct {
	Path         string `toml:"path" comment:"Path of the SQLite user database (with url set: where the key file sealing pending passwords lives, path + \".key\")."`
	URL          string `toml:"url" comment:"postgres://USER@HOST:5432/DATABASE puts the store in PostgreSQL instead (no password in it); empty: SQLite at path."`
	PasswordFile string `toml:"password_file" comment:"File holding the PostgreSQL password (or use password_env)."`
	PasswordEnv  string `toml:"password_env" comment:"Name of an environment variable holding the PostgreSQL password."`
	CAFile       string `toml:"ca_file" comment:"PEM file of the CA that signed the PostgreSQL server's certificate; empty: the system's CAs."`
}

// Sync modes.
const (
	ModeImport = "import"
	ModeOneWay = "one-way"
	ModeTwoWay = "two-way"
)

// What happens to a user gone from the directory (sync.missing_users).
const (
	MissingDelete  = "delete"
	MissingDisable = "disable"
)

// Authorities.
const (
	AuthorityLDAP  = "ldap"
	AuthorityStore = "store"
)

// SMTP TLS modes.
const (
	SMTPStartTLS = "starttls"
	SMTPTLS      = "tls"
	SMTPNone     = "none"
)

// Default returns the settings a new configuration starts from: the
// OpenLDAP preset with placeholder example.com names.
func Default() Settings {
	return Settings{
		Connection: Connection{
			URL:       "ldap://localhost",
			VerifyTLS: true,
			Timeout:   "10s",
			PageSize:  500,
		},
		Users: Users{
			SearchBase:              "ou=people,dc=example,dc=com",
			ObjectClass:             "inetOrgPerson",
			AdditionalObjectClasses: []string{},
			UsernameAttribute:       "uid",
			MemberAttribute:         "memberOf",
			AccountState:            AccountStateAuto,
			Attributes: UserAttributes{
				Email:     "mail",
				FirstName: "givenName",
				LastName:  "sn",
				Phone:     "telephoneNumber",
			},
		},
		Groups: Groups{
			SearchBase:      "ou=groups,dc=example,dc=com",
			ObjectClass:     "groupOfNames",
			NameAttribute:   "cn",
			MemberAttribute: "member",
			SyncOnly:        []string{},
		},
		Sync: Sync{
			Mode:         ModeTwoWay,
			Authority:    AuthorityLDAP,
			MaxDelete:    "10%",
			Interval:     "5m",
			MissingUsers: MissingDelete,
			Incremental:  IncrementalAuto,
			FullEvery:    "24h",
		},
		Enrollment: Enrollment{
			TokenTTL: "48h",
		},
		SMTP: SMTP{
			Port:      587,
			TLS:       SMTPStartTLS,
			VerifyTLS: true,
		},
		Store: StoreSettings{Path: "ldapwiz.db"},
	}
}
