package kalshitest

import (
	"fmt"
	"net/http"
	"strings"
)

// reply is a response built in memory before faults may rewrite it.
type reply struct {
	status int
	ctype  string
	body   []byte
	header http.Header // extra headers, such as Allow
}

func jsonReply(status int, v any) reply {
	return reply{status: status, ctype: "application/json; charset=utf-8", body: mustJSON(v)}
}

// kalshiError is Kalshi's error envelope: {"error":{code,message,details}}.
// The service field was removed in August 2026, so it is not sent.
type kalshiError struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

func errorReply(status int, code, message, details string) reply {
	return jsonReply(status, kalshiError{errorBody{Code: code, Message: message, Details: details}})
}

// The replies Kalshi sends for common failures.

func notFound(details string) reply {
	return errorReply(http.StatusNotFound, "not_found", "not found", details)
}

func badRequest(details string) reply {
	return errorReply(http.StatusBadRequest, "invalid_parameters", "invalid parameters", details)
}

func unauthorized(details string) reply {
	// Kalshi repeats the code as the message on authentication failures.
	return errorReply(http.StatusUnauthorized, "authentication_error", "authentication_error", details)
}

// tooManyRequests is Kalshi's 429 body verbatim: "error" is a string here,
// unlike every other error, and no Retry-After header is sent.
func tooManyRequests() reply {
	return reply{
		status: http.StatusTooManyRequests,
		ctype:  "application/json; charset=utf-8",
		body:   []byte(`{"error":"too many requests"}`),
	}
}

func methodNotAllowed() reply {
	r := errorReply(http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed", "")
	r.header = http.Header{"Allow": {http.MethodGet}}
	return r
}

// statusReply is the body Kalshi, or the proxy in front of it, sends for a
// status: the JSON error envelope for API errors, the bare 429 body, and an
// nginx HTML page for gateway failures, which never reach Kalshi's API
// code.
func statusReply(status int) reply {
	switch status {
	case http.StatusTooManyRequests:
		return tooManyRequests()
	case http.StatusBadRequest:
		return badRequest("")
	case http.StatusUnauthorized:
		return unauthorized("")
	case http.StatusNotFound:
		return notFound("")
	case http.StatusMethodNotAllowed:
		return methodNotAllowed()
	case http.StatusInternalServerError:
		return errorReply(status, "internal_server_error", "internal server error", "")
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return nginxReply(status)
	}
	text := http.StatusText(status)
	if text == "" {
		text = fmt.Sprintf("status %d", status)
	}
	code := strings.ReplaceAll(strings.ToLower(text), " ", "_")
	return errorReply(status, code, strings.ToLower(text), "")
}

// nginxReply is the HTML page nginx serves for a gateway failure.
func nginxReply(status int) reply {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	if status == http.StatusGatewayTimeout {
		title = "504 Gateway Time-out" // nginx's own spelling
	}
	body := "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" +
		title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return reply{status: status, ctype: "text/html", body: []byte(body)}
}
