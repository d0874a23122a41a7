// Package kalshi is a small, read-only client for Kalshi's Trade API v2: the
// signed portfolio reads an order watcher needs (an order, its queue
// position, its market, its fills, and the batch forms of those), and the
// WebSocket that pushes the same orders, fills and prices as they change.
//
//	key, err := kalshi.LoadPrivateKey("kalshi.pem")
//	c, err := kalshi.New(kalshi.Config{BaseURL: kalshi.ProdBaseURL, KeyID: id, Key: key})
//	o, err := c.GetOrder(ctx, orderID)
//
// # Reads and their cost
//
// Each read costs read tokens from the API key's bucket at Kalshi:
//
//	GetOrder            GET /portfolio/orders/{id}                    2 tokens
//	GetQueuePosition    GET /portfolio/orders/{id}/queue_position    10 tokens
//	GetQueuePositions   GET /portfolio/orders/queue_positions        10 tokens
//	GetOrders           GET /portfolio/orders                        10 tokens
//	GetFills            GET /portfolio/fills?order_id=               10 tokens a page
//	GetMarket           GET /markets/{ticker}                        10 tokens
//
// The Basic tier refills 200 tokens a second into a bucket holding two
// seconds' worth (TierBudget, NewReadLimiter). Setting Config.Limiter makes
// every read wait for its Cost before it is sent, so the client paces itself
// instead of drawing 429s. Retries are new requests and cost again.
//
// # Signing
//
// Every request carries KALSHI-ACCESS-KEY, KALSHI-ACCESS-TIMESTAMP (Unix
// milliseconds from Config.Now) and KALSHI-ACCESS-SIGNATURE: the base64
// signature of timestamp + method + the escaped URL path from the API root
// (for example "1703123456789GET/trade-api/v2/portfolio/orders/abc"), with
// no host and no query string. RSA keys sign with RSA-PSS over SHA-256 with a
// 32-byte salt; Go's default "auto" salt is rejected by Kalshi, so it is
// never used. Ed25519 keys sign the same text. LoadPrivateKey reads PKCS#1
// and PKCS#8 RSA keys and PKCS#8 Ed25519 keys, and explains what it found
// when a file holds anything else. Kalshi rejects timestamps far from its
// own clock; after a 401, compare APIError.ServerDate (or
// Client.LastServerDate) with the local clock to tell clock skew from a bad
// key.
//
// # Wire shapes
//
// Kalshi has changed its order payload: today's shape has `*_fp`
// fixed-point count strings ("2.50"; counts may be fractional), `*_dollars`
// price strings with up to six decimals, and outcome_side/book_side. Old
// payloads carried integer cents, whole-contract counts, side/action and a
// status "pending". Order, Market and Fill decode either shape, or both at
// once (the fixed-point fields win), and record which in Shape. All amounts
// are exact fixed.Decimal values, never floats. Unknown enum values are kept
// verbatim and unknown fields ignored; a field of the wrong type, a "NaN", an
// exponent or text in a number is a DecodeError naming the field. The old
// inline queue_position, which Kalshi always sent as 0, is discarded: the
// only queue position is the queue-position endpoint's count of contracts
// ahead, where 0 means first in line.
//
// A good reply is decoded in one pass into typed structs whose fields
// decode themselves (decode_fast.go); only a reply that fails there is read
// again field by field (decode.go), for the error that names the field.
//
// # Push
//
// A Stream keeps one signed WebSocket to /trade-api/ws/v2 (the handshake is
// signed like a GET of that path) and subscribes to user_orders and fill,
// for the markets given to SetMarkets or for every market, and to ticker
// for those markets. Run delivers each user_order as the same Order REST
// reads (see MergePush), each fill as a Fill and each ticker as a Ticker,
// plus EventConnected, EventLive and EventDisconnected. The private
// channels carry no sequence numbers, so EventLive says when to read the
// watched orders over REST to catch what changed unseen. A connection
// silent for 30 s, heartbeats included, is dropped; reconnects back off
// (ReconnectDelay) up to 30 s; State says how fresh the stream is and why
// it is down. Frames are capped (StreamConfig.MaxFrameBytes), decoded with
// the REST decoders, and unknown message types ignored.
//
// # Errors
//
// A non-2xx reply is an *APIError, whichever of Kalshi's three error bodies
// it carried ({"error":{"code","message","details"}}, {"error":"too many
// requests"} or a bare {"code","message","details"}); a body that is not
// JSON, such as a gateway's HTML page, leaves a short sanitized Excerpt.
// IsNotFound, IsUnauthorized, IsRateLimited and StatusOf classify them. A
// request that got no reply is a *RequestError (Timeout set when
// Config.Timeout passed). An over-long reply wraps ErrBodyTooLarge and is
// never decoded in part. IDs and tickers are checked by ValidateID before
// anything is sent (ErrInvalidID).
//
// 429s, 5xx replies, timeouts and connection failures are retried up to
// Config.MaxAttempts times with exponential backoff and equal jitter (the
// loop the intent client uses too, internal/backoff), waiting at least any
// Retry-After but never past the context's deadline; other errors are
// returned at once (see Retryable).
//
// # Untrusted input and secrets
//
// Everything the server sends is bounded: each attempt has a timeout, the
// default transport caps reply headers at 64 KiB, each body has a size cap, and every string in an error is stripped of terminal
// escapes and cut short, so errors are safe to print. Decoded payload
// strings (IDs, tickers, statuses) are kept verbatim for matching and must
// go through textsafe.Clean before they reach a terminal. The base URL must
// be https (http only on loopback, for fakes), redirects are never followed
// because they would carry signed headers elsewhere, and no error, log
// record or Stringer ever includes the key, the signature or the key ID.
package kalshi
