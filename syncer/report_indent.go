package syncer

import (
	"bufio"
	"io"
)

// indentWriter indents the JSON written to it as it goes, exactly as
// json.Indent(dst, src, "", "  ") indents it whole: a report that
// EncodeJSON streams one action at a time is written indented without its
// text (about 100 MB at 100,000 actions) being built in memory, twice,
// first.
type indentWriter struct {
	out      *bufio.Writer
	depth    int
	open     bool // just after { or [: the indent waits, so {} and [] stay empty
	inString bool
	escaped  bool   // inside a string, just after a backslash
	started  bool   // the value has begun: a space at depth 0 now follows it
	indent   []byte // a newline and spaces enough for the deepest line yet
	err      error
}

// writeIndented runs encode on a writer that indents what it writes and
// passes it on to w.
func writeIndented(w io.Writer, encode func(io.Writer) error) error {
	iw := &indentWriter{out: bufio.NewWriterSize(w, 64<<10), indent: []byte{'\n'}}
	if err := encode(iw); err != nil {
		return err
	}
	if iw.err != nil {
		return iw.err
	}
	return iw.out.Flush()
}

// Write indents p, which continues the JSON written so far. The text of
// strings is copied in runs, not byte by byte.
func (iw *indentWriter) Write(p []byte) (int, error) {
	for i := 0; i < len(p); {
		if iw.inString {
			j := i
			if iw.escaped {
				iw.escaped = false
				j++
			}
			for j < len(p) && p[j] != '"' && p[j] != '\\' {
				j++
			}
			if j == len(p) {
				iw.write(p[i:])
				break
			}
			iw.write(p[i : j+1])
			if p[j] == '\\' {
				iw.escaped = true
			} else {
				iw.inString = false
			}
			i = j + 1
			continue
		}
		c := p[i]
		i++
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			if iw.depth == 0 && !iw.open && iw.started {
				iw.put(c) // after the value, such as the encoder's newline: kept
			}
			continue
		}
		iw.started = true
		if iw.open && c != '}' && c != ']' {
			iw.open = false
			iw.depth++
			iw.newline()
		}
		switch c {
		case '"':
			iw.inString = true
			iw.put(c)
		case '{', '[':
			iw.open = true
			iw.put(c)
		case ',':
			iw.put(c)
			iw.newline()
		case ':':
			iw.put(c)
			iw.put(' ')
		case '}', ']':
			if iw.open {
				iw.open = false
			} else {
				iw.depth--
				iw.newline()
			}
			iw.put(c)
		default:
			iw.put(c)
		}
	}
	if iw.err != nil {
		return 0, iw.err
	}
	return len(p), nil
}

func (iw *indentWriter) put(c byte) {
	if err := iw.out.WriteByte(c); err != nil && iw.err == nil {
		iw.err = err
	}
}

func (iw *indentWriter) write(b []byte) {
	if _, err := iw.out.Write(b); err != nil && iw.err == nil {
		iw.err = err
	}
}

// newline starts a line indented to the current depth.
func (iw *indentWriter) newline() {
	for len(iw.indent) < 1+2*iw.depth {
		iw.indent = append(iw.indent, ' ')
	}
	iw.write(iw.indent[:1+2*iw.depth])
}
