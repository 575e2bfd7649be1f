package syncer

import "io"

// indentWriter indents the JSON written to it as it goes, exactly as
// json.Indent(dst, src, "", "  ") indents it whole: a report that
// EncodeJSON streams one action at a time is written indented without its
// text (about 100 MB at 100,000 actions) being built in memory, twice,
// first. It appends to its own buffer and writes it on in blocks of
// indentBlock bytes: a byte at a time through a bufio.Writer cost an
// import of 100,000 users six times what encoding its report did.
type indentWriter struct {
	w        io.Writer
	buf      []byte // indented text not yet written to w
	depth    int
	open     bool // just after { or [: the indent waits, so {} and [] stay empty
	inString bool
	escaped  bool   // inside a string, just after a backslash
	started  bool   // the value has begun: a space at depth 0 now follows it
	indent   []byte // a newline and spaces enough for the deepest line yet
	err      error
}

// indentBlock is how much indented text the writer gathers before it
// writes it on.
const indentBlock = 64 << 10

// writeIndented runs encode on a writer that indents what it writes and
// passes it on to w.
func writeIndented(w io.Writer, encode func(io.Writer) error) error {
	iw := &indentWriter{w: w, buf: make([]byte, 0, indentBlock+4<<10), indent: []byte{'\n'}}
	if err := encode(iw); err != nil {
		return err
	}
	iw.flush()
	return iw.err
}

// Write indents p, which continues the JSON written so far. The text of
// strings, and literals, are copied in runs, not byte by byte.
func (iw *indentWriter) Write(p []byte) (int, error) {
	if iw.err != nil {
		return 0, iw.err
	}
	b := iw.buf
	for i := 0; i < len(p); {
		if iw.inString {
			j := i
			if iw.escaped {
				iw.escaped = false
				j++
			}
			k := stringEnd(p[j:])
			if k < 0 {
				b = append(b, p[i:]...)
				break
			}
			j += k
			b = append(b, p[i:j+1]...)
			if p[j] == '\\' {
				iw.escaped = true
			} else {
				iw.inString = false
			}
			i = j + 1
			continue
		}
		c := p[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			if iw.depth == 0 && !iw.open && iw.started {
				b = append(b, c) // after the value, such as the encoder's newline: kept
			}
			i++
			continue
		}
		iw.started = true
		if iw.open && c != '}' && c != ']' {
			iw.open = false
			iw.depth++
			b = iw.newline(b)
		}
		switch c {
		case '"':
			iw.inString = true
			b = append(b, c)
		case '{', '[':
			iw.open = true
			b = append(b, c)
		case ',':
			b = append(b, c)
			b = iw.newline(b)
		case ':':
			b = append(b, ':', ' ')
		case '}', ']':
			if iw.open {
				iw.open = false
			} else {
				iw.depth--
				b = iw.newline(b)
			}
			b = append(b, c)
		default: // a number, true, false or null: up to the next mark
			j := i + 1
			for j < len(p) && !jsonMark(p[j]) {
				j++
			}
			b = append(b, p[i:j]...)
			i = j
			continue
		}
		i++
	}
	iw.buf = b
	if len(iw.buf) >= indentBlock {
		iw.flush()
	}
	if iw.err != nil {
		return 0, iw.err
	}
	return len(p), nil
}

// stringEnd is the index in p of the first quote or backslash, or -1.
// A plain loop: the strings of a report are short, too short for
// bytes.IndexByte to pay for its start.
func stringEnd(p []byte) int {
	for i, c := range p {
		if c == '"' || c == '\\' {
			return i
		}
	}
	return -1
}

// jsonMark reports whether c ends a literal: white space or punctuation.
func jsonMark(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '{', '}', '[', ']', ',', ':':
		return true
	}
	return false
}

// newline appends to b a line break indented to the current depth.
func (iw *indentWriter) newline(b []byte) []byte {
	for len(iw.indent) < 1+2*iw.depth {
		iw.indent = append(iw.indent, ' ')
	}
	return append(b, iw.indent[:1+2*iw.depth]...)
}

// flush writes the gathered text on.
func (iw *indentWriter) flush() {
	if iw.err == nil && len(iw.buf) > 0 {
		_, iw.err = iw.w.Write(iw.buf)
	}
	iw.buf = iw.buf[:0]
}
