// Package pipeline is the intent service: its HTTP client, its order
// (Intent) in the older and newer API shapes, its statuses and stages, and
// its JWT: where it comes from (TokenSource), when it expires and its
// cache.
//
// An order placed through the intent service moves through the stages
// pending → validated (funds locked) → placed (on Kalshi) → filled →
// txn_filled (tokens minted or burned on chain) → completed, and can fail
// at any of them; Timeline lays those out from an Intent.
package pipeline
