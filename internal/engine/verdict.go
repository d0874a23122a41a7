package engine

import (
	"strings"
	"time"

	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Mark is an order's one-glyph summary: the list's first column, the
// verdict's glyph and the header's counts. The marks from MarkNotFound up
// need someone's attention.
type Mark int

// Marks, from nothing known to the most serious.
const (
	MarkWaiting  Mark = iota // no answer from any source yet
	MarkActive               // moving through the pipeline, nothing wrong
	MarkDone                 // ended well: completed, or executed on Kalshi
	MarkEnded                // marked complete with no clear outcome
	MarkNotFound             // no system knows the ID
	MarkWarn                 // the worst finding is a warning
	MarkError                // the worst finding is an error, or the order failed
)

// The glyphs of the marks. Each carries its meaning without colour, so
// NO_COLOR, plain text and a colour-blind reader lose nothing.
const (
	GlyphWaiting  = "○"
	GlyphActive   = "●"
	GlyphDone     = "✓"
	GlyphEnded    = "■"
	GlyphNotFound = "?"
	GlyphWarn     = "⚠"
	GlyphError    = "✗"
)

// Glyph is the mark's one-cell glyph.
func (m Mark) Glyph() string {
	switch m {
	case MarkActive:
		return GlyphActive
	case MarkDone:
		return GlyphDone
	case MarkEnded:
		return GlyphEnded
	case MarkNotFound:
		return GlyphNotFound
	case MarkWarn:
		return GlyphWarn
	case MarkError:
		return GlyphError
	}
	return GlyphWaiting
}

// Attention reports whether an order with this mark needs someone to look
// at it: an error, a warning, or an ID nobody knows.
func (m Mark) Attention() bool { return m >= MarkNotFound }

// Verdict is the one line that says what matters about an order, the
// same on the screen, in plain text and in an export.
type Verdict struct {
	Mark Mark
	// Text follows the glyph: "stuck at validated for 11m: funds locked,
	// no Kalshi order", "resting, 12 ahead at $0.56, 3/10 filled",
	// "completed 10:12:05 EST: 10/10 filled at $0.56".
	Text string
	// Short is the problem in a few words for the order list; "" when
	// nothing needs attention.
	Short string
	// Code is the code of the finding the verdict reports; "" when it
	// reports no finding.
	Code string
}

// String is the glyph and the text: the verdict line.
func (v Verdict) String() string { return v.Mark.Glyph() + " " + v.Text }

// Verdict judges the order at now, writing times in loc (UTC when nil):
// its worst warning or error if it has one, else where it stands. Ages
// are measured at now from the same timestamps the timeline uses, so the
// verdict ticks with the screen.
func (s Snapshot) Verdict(now time.Time, loc *time.Location) Verdict {
	if loc == nil {
		loc = time.UTC
	}
	if f, ok := s.WorstFinding(); ok {
		return s.findingVerdict(f, now)
	}
	v := Verdict{Mark: s.standing()}
	switch v.Mark {
	case MarkDone:
		v.Text = s.successText(now, loc)
	case MarkError:
		v.Text, v.Short = s.failureText(now, loc), "canceled"
	case MarkEnded:
		v.Text = "marked complete as " + quoteIfEmpty(s.StageText())
	case MarkWaiting:
		v.Text = s.waitingText()
	default:
		v.Text = s.activeText(now)
	}
	return v
}

// Mark is the verdict's mark alone, without writing its text: what the
// list and the header count.
func (s Snapshot) Mark() Mark {
	if f, ok := s.WorstFinding(); ok {
		return f.mark()
	}
	return s.standing()
}

// standing is the mark of an order without warnings or errors: where it
// stands, from its outcome and what is known of it.
func (s Snapshot) standing() Mark {
	switch s.Outcome() {
	case OutcomeSuccess:
		return MarkDone
	case OutcomeFailure:
		// Only a Kalshi-only order fails without a finding: Kalshi
		// canceled it.
		return MarkError
	}
	switch {
	case s.Terminal():
		return MarkEnded
	case s.Intent == nil && s.Order == nil:
		return MarkWaiting
	}
	return MarkActive
}

// mark is the mark of an order whose worst finding is f.
func (f Finding) mark() Mark {
	switch {
	case f.Code == CodeNotFound:
		return MarkNotFound
	case f.Severity >= SevError:
		return MarkError
	}
	return MarkWarn
}

// WorstFinding returns the most severe warning or error, if any. Info
// findings never decide a verdict: they note what is expected to pass.
func (s Snapshot) WorstFinding() (Finding, bool) {
	var worst Finding
	found := false
	for _, f := range s.Diagnosis {
		if f.Severity >= SevWarn && (!found || f.Severity > worst.Severity) {
			worst, found = f, true
		}
	}
	return worst, found
}

// stuckStage names the stage a stuck finding is about.
var stuckStage = map[string]pipeline.Stage{
	CodeStuckPending:   pipeline.StagePending,
	CodeStuckValidated: pipeline.StageValidated,
	CodeStuckPlaced:    pipeline.StagePlaced,
	CodeStuckFilled:    pipeline.StageFilled,
	CodeStuckTxnFilled: pipeline.StageTxnFilled,
}

// StuckStage returns the stage a stuck_* finding is about; false for any
// other finding.
func (f Finding) StuckStage() (pipeline.Stage, bool) {
	st, ok := stuckStage[f.Code]
	return st, ok
}

func (s Snapshot) findingVerdict(f Finding, now time.Time) Verdict {
	v := Verdict{Mark: f.mark(), Text: f.Cause, Short: f.Short, Code: f.Code}
	if st, ok := f.StuckStage(); ok && !f.Since.IsZero() {
		age := timefmt.Duration(max(now.Sub(f.Since), 0))
		head := "stuck at " + st.String() + " for " + age
		if st == pipeline.StagePlaced {
			head = "resting for " + age
		}
		v.Text = joinNonEmpty(head, f.Cause, ": ")
	}
	if v.Text == "" {
		v.Text = textsafe.Clean(f.Code) + ": " + textsafe.Short(s.FindingText(f), 100)
	}
	return v
}

// failureText is how an order failed when no finding says so: Kalshi
// canceled a Kalshi-only order (a failed intent always has its finding).
func (s Snapshot) failureText(now time.Time, loc *time.Location) string {
	if o := s.Order; o != nil && s.Intent == nil {
		return textsafe.Clean(string(o.Status)) + " on Kalshi " + timefmt.Clock(o.LastUpdateTime, loc, now) + endWhy(o, ", ") + ": " + s.fillsText(false)
	}
	if in := s.Intent; in != nil && in.TerminationReason != "" {
		return "failed: " + textsafe.Clean(in.TerminationReason)
	}
	return "failed"
}

// activeText says where an order in progress stands.
func (s Snapshot) activeText(now time.Time) string {
	in, o := s.Intent, s.Order
	forAge := func(what string) string {
		if d, ok := s.CurrentStageSince(now); ok {
			return what + " for " + timefmt.Duration(d)
		}
		return what
	}
	if in == nil {
		if o == nil {
			return s.waitingText()
		}
		if o.Status == kalshi.StatusResting {
			return "resting, " + s.RestingText()
		}
		return forAge(s.KalshiStatusText() + " on Kalshi")
	}
	st, known := pipeline.StageOf(in.Status)
	switch {
	case !known:
		return forAge(quoteIfEmpty(s.StageText())) + " (a status outside the documented pipeline)"
	case st == pipeline.StagePending:
		return forAge("pending") + ": waiting for the balance check"
	case st == pipeline.StageValidated && (o == nil || o.Status != kalshi.StatusResting):
		return forAge("validated") + ": funds locked, placing on Kalshi"
	case st <= pipeline.StagePlaced && o != nil && o.Status == kalshi.StatusResting:
		return "resting, " + s.RestingText()
	case st <= pipeline.StagePlaced && o != nil:
		// Kalshi is ahead; the intent service learns of it by polling.
		return s.KalshiStatusText() + " on Kalshi (" + s.fillsText(true) + "), the intent service still says " + st.String()
	case st <= pipeline.StagePlaced:
		return forAge("placed on Kalshi") + ", waiting for Kalshi's figures"
	case st == pipeline.StageFilled:
		return forAge("filled on Kalshi") + " (" + s.fillsText(true) + "), waiting for the on-chain transaction"
	}
	return forAge("on chain") + ", waiting to be marked completed"
}

// RestingText describes a resting order in a few words: "12 ahead at
// $0.56, 3/10 filled" (the queue, the limit, the fills), leaving out what
// is not known.
func (s Snapshot) RestingText() string {
	var parts []string
	head := ""
	if q := s.QueueAhead; q != nil {
		head = q.Count() + " ahead"
		if q.IsZero() {
			head = "first in line"
		}
	}
	if limit, _, ok := s.Limit(); ok {
		head = joinNonEmpty(head, "at "+limit.Dollars(), " ")
	}
	parts = append(parts, head)
	if f := s.fillsText(false); f != "" {
		parts = append(parts, f)
	}
	return joinNonEmpty(parts[0], strings.Join(parts[1:], ", "), ", ")
}

// fillsText is "3/10 filled", with the average price when withAvg is set and
// anything filled ("10/10 filled at $0.56"); Kalshi's figures win, the
// intent's stand in.
func (s Snapshot) fillsText(withAvg bool) string {
	if o := s.Order; o != nil {
		out := o.FillCount.Count() + "/" + o.InitialCount.Count() + " filled"
		if avg, ok := o.AverageFillPrice(); ok && withAvg {
			out += " at " + avg.Dollars()
		}
		return out
	}
	if in := s.Intent; in != nil && in.KalshiFillCount != nil {
		return in.KalshiFillCount.Count() + "/" + in.Quantity.Count() + " filled"
	}
	return ""
}

// successText is when and how an order ended well.
func (s Snapshot) successText(now time.Time, loc *time.Location) string {
	what, when := "completed", time.Time{}
	if in := s.Intent; in != nil {
		when = in.TxnFilledAt
		if when.IsZero() {
			when = in.LatestStamp()
		}
	} else if s.Order != nil {
		what, when = "executed", s.Order.LastUpdateTime
	}
	if !when.IsZero() {
		what += " " + timefmt.Clock(when, loc, now)
	}
	return joinNonEmpty(what, s.fillsText(true), ": ")
}

// waitingText says why nothing is known yet: no reply so far, or the
// error of the source that was asked.
func (s Snapshot) waitingText() string {
	for _, src := range []SourceStatus{s.Sources.Intent, s.Sources.Kalshi} {
		if src.Used && src.Err != "" {
			return "no data yet: " + textsafe.Short(src.Err, 80)
		}
	}
	return "waiting for the first reply"
}

// joinNonEmpty joins a and b with sep, or returns whichever is not empty.
func joinNonEmpty(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

// FindingText is a finding's message without the order's name it starts
// with, for places that show the name already (the detail pane, a plain
// line that begins with the ID).
// The Kalshi order ID some messages add after the name goes too: the
// detail shows it on its own line.
func (s Snapshot) FindingText(f Finding) string {
	rest, ok := strings.CutPrefix(f.Message, textsafe.Clean(s.Name()))
	if !ok {
		return f.Message
	}
	if r, ok := strings.CutPrefix(rest, " (Kalshi order "); ok {
		if _, after, found := strings.Cut(r, ")"); found {
			rest = after
		}
	}
	return strings.TrimLeft(rest, ": ")
}

// Glyph is the finding's glyph: its severity's (✗, ⚠, or · for info),
// or ? for an ID nobody knows, as the order's mark shows it.
func (f Finding) Glyph() string {
	switch {
	case f.Code == CodeNotFound:
		return GlyphNotFound
	case f.Severity >= SevError:
		return GlyphError
	case f.Severity == SevWarn:
		return GlyphWarn
	}
	return GlyphInfo
}

// GlyphInfo marks an informational finding.
const GlyphInfo = "·"
