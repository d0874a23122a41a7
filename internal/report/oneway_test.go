package report

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// TestTextWritesNumbersAndTimesOneWay runs orders whose servers pad every
// figure ("3.00", "0.5600") through the engine's diagnosis and tracker and
// every text renderer (the --once block, event and diagnosis lines, the
// summary, the ticket and the Markdown export), with the run's zone set
// to New York, and greps the lot: no count padded with zeros, no price
// padded to four places or in cents (a price has two places, or the
// places its value needs: $0.0175), no time in another zone.
func TestTextWritesNumbersAndTimesOneWay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// A day later than the stages, so times carry their date.
	now := t0.Add(26 * time.Hour)
	placed := placedSnapshot()
	placed.ObservedAt = now
	placed.Order.MakerFees, placed.Order.TakerFees = dec("0.0200"), dec("0.0175")
	placed.Intent.KalshiFillCount = ptr(dec("2.00"))
	placed.Sources.Kalshi.Err = ""

	validated := placedSnapshot()
	vin := *validated.Intent
	vin.Status, vin.OrderPlacedAt, vin.KalshiOrderID, vin.KalshiFillCount = pipeline.StatusValidated, time.Time{}, "", nil
	validated.Intent, validated.Order, validated.QueueAhead, validated.Target.ID = &vin, nil, nil, "124"

	failed := placedSnapshot()
	fin := *failed.Intent
	fin.Status, fin.TerminationReason, fin.IsComplete = pipeline.StatusFailed, "insufficient balance", true
	failed.Intent, failed.Target.ID = &fin, "125"

	canceled := kalshiOnlySnapshot()
	co := *canceled.Order
	co.Status, co.FillCount, co.InitialCount, co.RemainingCount = kalshi.StatusCanceled, dec("2.50"), dec("10.00"), dec("0.00")
	co.YesPrice, co.NoPrice, co.LastUpdateTime = dec("0.3000"), dec("0.7000"), t0.Add(time.Hour)
	canceled.Order = &co

	var out []string
	tr := engine.NewTracker()
	for _, s := range []engine.Snapshot{placed, validated, failed, canceled} {
		s.Diagnosis = engine.Diagnose(s, engine.Thresholds{}, now, ny)
		// The tracker sees the order first with less filled and further
		// back, then as it is.
		before := s
		if s.Order != nil {
			o := *s.Order
			o.FillCount, o.TakerFees, o.MakerFees = dec("0.00"), dec("0.0000"), dec("0.0000")
			before.Order = &o
			before.QueueAhead = ptr(dec("140.00"))
		}
		before.ObservedAt = now.Add(-time.Minute)
		tr.Observe(before)
		s.Fills = []kalshi.Fill{{FillID: "F1", Count: dec("2.50"), YesPrice: dec("0.5600"), NoPrice: dec("0.4400"),
			OutcomeSide: "yes", FeeCost: dec("0.0175"), CreatedTime: now}}
		for _, e := range tr.Observe(s) {
			out = append(out, Line(e, ny))
		}
		out = append(out, DiagnosisLines(engine.Snapshot{}, s, ny)...)
		out = append(out, Status(s, ny, now), Ticket(s, ny, now), Markdown(s, nil, ny, now))
		out = append(out, Summary([]engine.Snapshot{s}, ny))
	}
	text := strings.Join(out, "\n")
	for _, want := range []string{"$0.56", "2.5/10", "▲ 20 closer in queue (120 ahead)", "fees $0.00 → $0.0375", "EDT", "$0.0175"} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	for _, bad := range []struct {
		what string
		re   *regexp.Regexp
	}{
		{"a count padded with zeros", regexp.MustCompile(`(^|[^$\d.])\d+\.\d*0\b`)},
		{"a price padded past two places", regexp.MustCompile(`\d+\.\d{2}\d*0\b`)},
		{"a price in cents", regexp.MustCompile(`\d¢`)},
		{"a second zone", regexp.MustCompile(`\bUTC\b|\d\dZ\b|\dT\d\d:`)},
	} {
		for _, l := range strings.Split(text, "\n") {
			if m := bad.re.FindString(l); m != "" {
				t.Errorf("%s (%q) in %q", bad.what, m, l)
			}
		}
	}
}
