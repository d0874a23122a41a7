// Package engine joins the intent service and Kalshi into one truthful
// Snapshot of each watched order, keeps it fresh within Kalshi's rate
// budget, and says what is wrong (Diagnose) and what changed (Tracker).
//
// Diagnose and Tracker are pure and take the time from the caller, so the
// live screen and the headless modes show the same truth and tests run on a
// fixed clock.
package engine
