// Package kalshi is a small, read-only client for Kalshi's Trade API v2: the
// signed portfolio reads an order watcher needs (an order, its queue
// position, its market, its fills, and the batch forms of those).
package kalshi
