// Command ldapwiz sets up and runs an LDAP / Active Directory integration for
// an application's user database: a terminal wizard, and the headless engine
// behind it. Run "ldapwiz --help" for the commands.
package main

import (
	"os"

	"ldapwiz/cli"
)

func main() { os.Exit(cli.Main()) }
