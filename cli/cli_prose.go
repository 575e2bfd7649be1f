package cli

import "strings"

// prose joins the lines of each paragraph of s (paragraphs are separated by
// blank lines; a line indented by two spaces stays a line of its own), so
// help can wrap it to the terminal and the man page to its own width.
func prose(s string) string {
	var out strings.Builder
	for i, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if i > 0 {
			out.WriteString("\n\n")
		}
		for j, line := range strings.Split(para, "\n") {
			switch {
			case j == 0:
			case strings.HasPrefix(line, "  "):
				out.WriteString("\n")
			default:
				out.WriteString(" ")
			}
			out.WriteString(line)
		}
	}
	return out.String()
}
