package kalshi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"ordermon/internal/httpsafe"
)

// endpoint is one read: the operation name (for costs and logs), the path
// below the base URL, already escaped, and the query.
type endpoint struct {
	op    string
	path  string // escaped, e.g. "/portfolio/orders/abc"
	query url.Values
}

// result is what one attempt produced: a 2xx body, or an error.
type result struct {
	status int
	body   []byte
	err    error
}

// url returns the request URL and the escaped path that is both signed and
// used to name the request in errors and logs.
func (c *Client) url(ep endpoint) (string, string, error) {
	escaped := c.base.EscapedPath() + ep.path
	plain, err := url.PathUnescape(escaped)
	if err != nil {
		return "", "", fmt.Errorf("kalshi: building path %q: %s", bound(escaped, 80), cleanErr(err))
	}
	u := *c.base
	u.Path, u.RawPath = plain, escaped
	u.RawQuery = ep.query.Encode()
	return u.String(), u.EscapedPath(), nil
}

// attempt sends one signed GET and reads the reply within the per-request
// timeout. A 2xx reply's body is returned for decoding; anything else is an
// error: *APIError for an HTTP error status, *RequestError when no reply
// came, or a wrapped ErrBodyTooLarge.
func (c *Client) attempt(ctx context.Context, ep endpoint) result {
	rawURL, path, err := c.url(ep)
	if err != nil {
		return result{err: err}
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, rawURL, nil)
	if err != nil {
		return result{err: fmt.Errorf("kalshi: GET %s: %s", path, cleanErr(err))}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", httpsafe.UserAgent)
	if err := SignRequest(req, c.cfg.KeyID, c.cfg.Key, c.cfg.Now()); err != nil {
		return result{err: err}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return result{err: c.requestError(ctx, actx, path, err)}
	}
	defer resp.Body.Close()
	if t := parseHTTPDate(resp.Header.Get("Date")); !t.IsZero() {
		c.lastDate.Store(&t)
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	// An error reply is read only as far as its code and an excerpt need.
	body, truncated, err := httpsafe.ReadBody(resp, c.cfg.MaxBodyBytes)
	if err != nil {
		return result{status: resp.StatusCode, err: c.requestError(ctx, actx, path, err)}
	}
	if !ok {
		return result{status: resp.StatusCode, err: newAPIError(http.MethodGet, path, resp.StatusCode, resp.Header, body, truncated, c.cfg.Now())}
	}
	if truncated {
		return result{status: resp.StatusCode, err: fmt.Errorf("kalshi: GET %s: %w (over %d bytes)", path, ErrBodyTooLarge, c.cfg.MaxBodyBytes)}
	}
	return result{status: resp.StatusCode, body: body}
}

// requestError names a failed request by method and path only, never the
// full URL with its query.
func (c *Client) requestError(ctx, actx context.Context, path string, err error) error {
	cause, timedOut := httpsafe.NoReply(ctx, actx, err)
	re := &RequestError{Method: http.MethodGet, Path: path, Err: cause, Timeout: timedOut}
	if timedOut {
		re.Err = fmt.Errorf("no reply within %s: %w", c.cfg.Timeout, context.DeadlineExceeded)
	}
	return re
}

// decodeBody runs decode on a 2xx body and names the request in any error.
func (c *Client) decodeBody(ep endpoint, body []byte, decode func([]byte) error) error {
	_, path, _ := c.url(ep)
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return fmt.Errorf("kalshi: GET %s: %w", path, &DecodeError{Object: "reply", Problem: "empty body"})
	}
	if t[0] != '{' {
		return fmt.Errorf("kalshi: GET %s: %w", path, &DecodeError{Object: "reply", Problem: "not a JSON object: " + excerpt(t)})
	}
	if err := decode(t); err != nil {
		var de *DecodeError
		if !errors.As(err, &de) {
			err = &DecodeError{Object: "reply", Problem: cleanErr(err)}
		}
		return fmt.Errorf("kalshi: GET %s: %w", path, err)
	}
	return nil
}

// unmarshal is json.Unmarshal with the decode errors of this package passed
// through and the standard library's made clean.
func unmarshal(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	return &DecodeError{Object: "reply", Problem: cleanErr(err)}
}

func excerpt(b []byte) string {
	return fmt.Sprintf("%q", bound(string(b[:min(len(b), 4*ExcerptRunes)]), ExcerptRunes))
}
