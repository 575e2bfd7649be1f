package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/muesli/roff"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newManCmd is "ldapwiz man": the manual page, in roff, built from the
// command tree, so it lists exactly the commands and flags of this build.
func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the manual page (roff)",
		Long: prose(`Prints ldapwiz's manual page in roff, built from the commands and flags of this
build. Read it with "ldapwiz man | man -l -", or install it as ldapwiz.1.`),
		Example: `ldapwiz man | man -l -
ldapwiz man > /usr/local/share/man/man1/ldapwiz.1`,
		Args: noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprint(cmd.OutOrStdout(), manPage(cmd.Root()))
		},
	}
}

// manPage renders the manual page of the command tree under root.
func manPage(root *cobra.Command) string {
	d := roff.NewDocument()
	d.Heading(1, root.Name(), root.Short, time.Now())
	d.Section("Name")
	d.Text(root.Name() + " - " + root.Short)
	d.Section("Synopsis")
	d.TextBold("ldapwiz")
	d.Text(" [-c FILE] [--demo [--ad] [--listen ADDR]]")
	d.Paragraph()
	d.TextBold("ldapwiz")
	d.Text(" COMMAND [-c FILE] [flags] [arguments]")
	d.Section("Description")
	manText(d, root.Long)
	d.Section("Options")
	manFlags(d, root.Flags())
	d.Section("Commands")
	for _, c := range root.Commands() {
		manCommand(d, c)
	}
	d.Section("Environment")
	d.TaggedParagraph(-1)
	d.TextBold(configEnvVar)
	d.EndSection()
	d.Text("The config file when -c/--config is not given.")
	d.TaggedParagraph(-1)
	d.TextBold("NO_COLOR")
	d.EndSection()
	d.Text("When set, output and the wizard use no colour.")
	d.Section("Files")
	d.TaggedParagraph(-1)
	d.TextBold("./" + defaultConfigPath)
	d.EndSection()
	d.Text("The config file when neither -c/--config nor " + configEnvVar + " names one.")
	d.Section("Exit status")
	for _, s := range []struct{ code, means string }{
		{"0", "Success; warnings may have been printed."},
		{"1", "The check, test or run found errors: validation errors, a failed connection step, a sync that failed or was refused by a safety guard."},
		{"2", "Bad usage (an unknown command or flag, a missing or extra argument), or a config file that cannot be loaded (validate reports those as errors: exit 1)."},
	} {
		d.TaggedParagraph(-1)
		d.TextBold(s.code)
		d.EndSection()
		d.Text(s.means)
	}
	d.Section("Examples")
	manText(d, root.Example)
	return d.String()
}

// manCommand renders a command and, below it, its subcommands.
func manCommand(d *roff.Document, c *cobra.Command) {
	if c.Hidden || c.Name() == "help" {
		return
	}
	d.Paragraph()
	d.TextBold(strings.TrimSuffix(c.UseLine(), " [flags]"))
	d.Indent(4)
	d.EndSection()
	if c.Name() == "completion" {
		// cobra's own command: its long text is written for a terminal.
		d.Text(c.Short + ` for bash, zsh, fish or powershell; "ldapwiz completion SHELL --help" says how to install it.`)
		d.IndentEnd()
		return
	}
	manText(d, firstNonEmpty(c.Long, c.Short))
	if c.Example != "" {
		d.Paragraph()
		d.Text("Examples:")
		d.Indent(2)
		for i, line := range strings.Split(c.Example, "\n") {
			if i > 0 {
				d.Paragraph()
			}
			d.Text(line)
		}
		d.IndentEnd()
	}
	manFlags(d, c.LocalNonPersistentFlags())
	manFlags(d, c.PersistentFlags())
	d.IndentEnd()
	for _, sub := range c.Commands() {
		manCommand(d, sub)
	}
}

// manFlags renders a flag set, one tagged paragraph per visible flag.
func manFlags(d *roff.Document, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		if f.Value.Type() != "bool" {
			name += " " + flagValueName(f.Name)
		}
		d.TaggedParagraph(-1)
		d.TextBold(name)
		d.EndSection()
		usage := f.Usage
		if f.DefValue != "" && f.DefValue != "false" {
			usage += " (default " + f.DefValue + ")"
		}
		d.Text(usage)
	})
}

// flagValueName is what a flag's value is called on the man page.
func flagValueName(flag string) string {
	switch flag {
	case "config", "report", "db":
		return "FILE"
	case "listen":
		return "ADDR"
	case "user", "username":
		return "NAME"
	case "email":
		return "ADDRESS"
	}
	return "TEXT"
}

// manText renders text one roff paragraph per paragraph of prose.
func manText(d *roff.Document, text string) {
	for i, para := range strings.Split(strings.TrimSpace(prose(text)), "\n\n") {
		if i > 0 {
			d.Paragraph()
		}
		d.Text(para)
	}
}

// firstNonEmpty returns the first of ss that is not empty.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
