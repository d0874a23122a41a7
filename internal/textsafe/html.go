package textsafe

import "strings"

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// indexFold is strings.Index ignoring ASCII case, for an ASCII sub. It
// works on bytes, so unlike lowercasing s first it cannot shift offsets.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if hasPrefixFold(s[i:], sub) {
			return i
		}
	}
	return -1
}

// HTMLText drops tags, comments, and the contents of script and style
// elements, keeping the words a person would read on the page: a gateway's
// 502 page says more in a few characters as text than as markup.
func HTMLText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i:]
		var end string
		switch {
		case strings.HasPrefix(s, "<!--"):
			end = "-->"
		case hasPrefixFold(s, "<script"):
			end = "</script>"
		case hasPrefixFold(s, "<style"):
			end = "</style>"
		default:
			end = ">"
		}
		j := indexFold(s, end)
		if j < 0 {
			break
		}
		s = s[j+len(end):]
	}
	return b.String()
}
