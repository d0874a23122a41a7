// Package engine joins the intent service and Kalshi into one truthful
// Snapshot of each watched order, keeps it fresh within Kalshi's rate
// budget, and says what is wrong (Diagnose), what matters most
// (Snapshot.Verdict) and what changed (Tracker).
//
// Diagnose, the verdict and Tracker are pure and take the time (and the
// zone) from the caller, so the live screen, the headless modes and the
// export say the same thing and tests run on a fixed clock.
package engine
