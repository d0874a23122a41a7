package kalshitest

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kalshi's page sizes: 100 by default, at most 1000.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// pageKey is an item's place in a newest-first listing: creation time,
// then insertion order. A cursor holds the key of the last item served, so
// paging stays correct when items are added or removed between pages.
type pageKey struct {
	t   time.Time
	seq uint64
}

// before reports whether a sorts before b: newer first, and among equal
// times the later inserted first.
func (a pageKey) before(b pageKey) bool {
	if !a.t.Equal(b.t) {
		return a.t.After(b.t)
	}
	return a.seq > b.seq
}

func orderKey(e *orderEntry) pageKey { return pageKey{e.CreatedTime, e.seq} }
func fillKey(f *fillEntry) pageKey   { return pageKey{f.CreatedTime, f.seq} }

func sortNewestFirst[T any](items []T, key func(T) pageKey) {
	sort.Slice(items, func(i, j int) bool { return key(items[i]).before(key(items[j])) })
}

// page returns up to limit items that sort after the cursor, and the
// cursor of the next page, empty on the last page. items must already be
// sorted.
func page[T any](items []T, key func(T) pageKey, limit int, cursor string) ([]T, string, error) {
	if cursor != "" {
		after, err := decodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		i := sort.Search(len(items), func(i int) bool { return after.before(key(items[i])) })
		items = items[i:]
	}
	if len(items) <= limit {
		return items, "", nil
	}
	items = items[:limit]
	return items, encodeCursor(key(items[limit-1])), nil
}

var errCursor = errors.New("invalid cursor")

func encodeCursor(k pageKey) string {
	raw := k.t.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatUint(k.seq, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (pageKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageKey{}, errCursor
	}
	ts, seqText, ok := strings.Cut(string(raw), "|")
	if !ok {
		return pageKey{}, errCursor
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return pageKey{}, errCursor
	}
	seq, err := strconv.ParseUint(seqText, 10, 64)
	if err != nil {
		return pageKey{}, errCursor
	}
	return pageKey{t, seq}, nil
}

// parseLimit reads limit: absent means 100; anything but an integer from 1
// to 1000 is refused, as Kalshi's validator does.
func parseLimit(q url.Values) (int, error) {
	s := q.Get("limit")
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, errors.New("limit must be an integer from 1 to 1000")
	}
	return n, nil
}

// tsBound is an optional Unix-seconds bound.
type tsBound struct {
	set bool
	v   int64
}

// parseTsRange reads min_ts and max_ts (Unix seconds).
func parseTsRange(q url.Values) (lo, hi tsBound, err error) {
	read := func(name string) (tsBound, error) {
		s := q.Get(name)
		if s == "" {
			return tsBound{}, nil
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return tsBound{}, errors.New(name + " must be a Unix timestamp in seconds")
		}
		return tsBound{true, v}, nil
	}
	if lo, err = read("min_ts"); err != nil {
		return
	}
	hi, err = read("max_ts")
	return
}

// inRange reports whether a time (Unix seconds) lies within the bounds,
// both inclusive. An item without a time matches only when no bound is set.
func inRange(unix int64, zero bool, lo, hi tsBound) bool {
	if !lo.set && !hi.set {
		return true
	}
	if zero {
		return false
	}
	return (!lo.set || unix >= lo.v) && (!hi.set || unix <= hi.v)
}

// listQuery is what every paged listing reads from its query: the page
// size, the creation-time bounds and the cursor.
type listQuery struct {
	limit  int
	lo, hi tsBound
	cursor string
}

// parseListQuery reads limit, min_ts, max_ts and cursor.
func parseListQuery(q url.Values) (listQuery, error) {
	limit, err := parseLimit(q)
	if err != nil {
		return listQuery{}, err
	}
	lo, hi, err := parseTsRange(q)
	if err != nil {
		return listQuery{}, err
	}
	return listQuery{limit: limit, lo: lo, hi: hi, cursor: q.Get("cursor")}, nil
}

// created reports whether an item created at t is within the query's
// bounds.
func (lq listQuery) created(t time.Time) bool { return inRange(t.Unix(), t.IsZero(), lq.lo, lq.hi) }

// pageReply answers a listing: items newest first, the page after the
// query's cursor, each encoded, as {name: [...], "cursor": next}.
func pageReply[T any](items []T, key func(T) pageKey, lq listQuery, name string, encode func(T) any) reply {
	sortNewestFirst(items, key)
	pg, next, err := page(items, key, lq.limit, lq.cursor)
	if err != nil {
		return badRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, it := range pg {
		out = append(out, encode(it))
	}
	return jsonReply(http.StatusOK, map[string]any{name: out, "cursor": next})
}
