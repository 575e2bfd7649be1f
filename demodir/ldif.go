package demodir

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
)

// ldifRecord is one entry of an LDIF content file (RFC 2849).
type ldifRecord struct {
	line  int // line of the dn: line, for error messages
	dn    string
	attrs []ldifAttr
}

// ldifAttr is one attribute value line of an LDIF record.
type ldifAttr struct {
	name, value string
}

// parseLDIF reads LDIF content records: "dn:" first, "name: value",
// "name:: base64", folded lines (a leading space continues the previous
// line), comments and blank lines between records.
func parseLDIF(data []byte) ([]ldifRecord, error) {
	var (
		recs    []ldifRecord
		cur     *ldifRecord
		lines   []string
		lineNos []int
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(l, " ") && len(lines) > 0 {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
		lineNos = append(lineNos, n)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			continue
		}
		if strings.TrimSpace(l) == "" {
			cur = nil
			continue
		}
		if strings.HasPrefix(l, "version:") && cur == nil {
			continue
		}
		name, value, err := ldifLine(l)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNos[i], err)
		}
		if cur == nil {
			if !strings.EqualFold(name, "dn") {
				return nil, fmt.Errorf("line %d: a record must start with dn:, found %q", lineNos[i], name)
			}
			recs = append(recs, ldifRecord{line: lineNos[i], dn: value})
			cur = &recs[len(recs)-1]
			continue
		}
		cur.attrs = append(cur.attrs, ldifAttr{name: name, value: value})
	}
	return recs, nil
}

func ldifLine(l string) (string, string, error) {
	i := strings.IndexByte(l, ':')
	if i <= 0 {
		return "", "", fmt.Errorf("expected \"name: value\", found %q", l)
	}
	name, rest := l[:i], l[i+1:]
	if strings.HasPrefix(rest, ":") {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest[1:]))
		if err != nil {
			return "", "", fmt.Errorf("attribute %s: bad base64 value: %w", name, err)
		}
		return name, string(b), nil
	}
	if strings.HasPrefix(rest, "<") {
		return "", "", fmt.Errorf("attribute %s: URL values are not supported", name)
	}
	return name, strings.TrimLeft(rest, " "), nil
}
