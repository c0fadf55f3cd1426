package alerts

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxCause is the longest cause class kept, in characters: enough for an operation and the
// vendor's explanation, short enough for a chat line and an issue title.
const maxCause = 160

// The parts of a message that name a record, a person or a secret rather than the kind of
// failure. Each is replaced by a placeholder, so two records failing the same way get the
// same class.
var (
	urlPattern   = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>()]+`)
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)
	// A credential after the word that introduces it.
	credentialPattern = regexp.MustCompile(`(?i)\b(bearer\s+|basic\s+|(?:[a-z_]*token|[a-z_]*secret|password|api[_-]?key)\s*[:=]\s*)[^\s;,&]+`)
	// Quoted values: Go's %q, JSON strings, 「」 and “”, and single-quoted words.
	quotedPattern = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|「[^」]*」|“[^”]*”|'[^'\s]{1,80}'`)
	// Anything long enough to be a token, a key or an opaque id (opaque when it mixes
	// letters and digits: see opaque).
	opaquePattern = regexp.MustCompile(`[A-Za-z0-9_\-+/=.]{24,}`)
	// Hexadecimal ids (uuids, hashes) that carry a digit.
	hexPattern    = regexp.MustCompile(`\b[0-9a-fA-F-]*[0-9][0-9a-fA-F-]*[a-fA-F][0-9a-fA-F-]*\b|\b[0-9a-fA-F-]*[a-fA-F][0-9a-fA-F-]*[0-9][0-9a-fA-F-]*\b`)
	digitsPattern = regexp.MustCompile(`[0-9０-９]+`)
	spacePattern  = regexp.MustCompile(`\s+`)
)

// markup are the characters that chat services and Markdown read as commands or layout
// (Slack's <!channel> and &-entities, Chatwork's [toall], table cells, code spans); a class
// carries plain text only.
var markup = strings.NewReplacer("<", "(", ">", ")", "[", "(", "]", ")", "`", "'", "|", "/", "&", "+")

// Class reduces an error message to its cause class: what went wrong, without what it went
// wrong for. URLs, email addresses, quoted values, credentials, long opaque strings,
// hexadecimal ids and numbers are taken out (an HTTP status after ": " is kept, as in
// "op: 400: message"), markup characters are neutralised, whitespace is folded, and the
// result is cut to 160 characters. The same failure of two records gives the same class; a
// name or an amount in the message does not survive (connectors keep them out of their
// messages in the first place: fault.PermanentError's contract).
func Class(msg string) string {
	s := urlPattern.ReplaceAllStringFunc(msg, func(u string) string {
		// Punctuation after a URL belongs to the sentence.
		return "(url)" + u[len(strings.TrimRight(u, ".,:;")):]
	})
	s = emailPattern.ReplaceAllString(s, "(email)")
	s = credentialPattern.ReplaceAllString(s, "$1(redacted)")
	s = quotedPattern.ReplaceAllString(s, `"…"`)
	s = hexPattern.ReplaceAllString(s, "#")
	s = opaquePattern.ReplaceAllStringFunc(s, opaque)
	s = keepStatus(s)
	s = markup.Replace(s)
	s = strings.TrimSpace(spacePattern.ReplaceAllString(s, " "))
	return cut(s, maxCause)
}

// opaque redacts a long run that mixes letters and digits (a token, a key, an opaque id);
// a URL path is kept with its numbers taken out, as "/hr/api/v#/employees/#".
func opaque(m string) string {
	if strings.HasPrefix(m, "/") {
		return m
	}
	hasDigit := strings.ContainsAny(m, "0123456789")
	hasLetter := strings.IndexFunc(m, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) >= 0
	if hasDigit && hasLetter {
		return "(redacted)"
	}
	return m
}

// keepStatus replaces every run of digits with "#", except a three-digit HTTP status
// standing as its own part of a message ("freee-hr: put summary: 400: month is closed").
func keepStatus(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range digitsPattern.FindAllStringIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		if isStatus(s, m[0], m[1]) {
			b.WriteString(s[m[0]:m[1]])
		} else {
			b.WriteString("#")
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func isStatus(s string, start, end int) bool {
	if end-start != 3 || s[start] < '1' || s[start] > '5' {
		return false
	}
	before := strings.HasSuffix(s[:start], ": ") || start == 0
	after := end == len(s) || s[end] == ':'
	return before && after
}

// cut shortens s to at most n characters, marking the cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
