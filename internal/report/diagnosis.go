package report

import (
	"time"

	"ordermon/internal/engine"
)

// DiagnosisLines are the plain lines a watch prints when an order's
// diagnosis changed between two snapshots of it: one when a warning or an
// error appears or changes severity, and one when it clears, such as
//
//	10:14:02 UTC  intent:1004  ✗ stuck_validated: funds locked but no Kalshi order for 2m01s …
//	10:16:40 UTC  intent:1004  ✓ stuck_validated cleared
//
// prev is the order's previous snapshot (the zero Snapshot before the
// first). Info findings are left out: they note what is expected to pass,
// such as the seconds the intent service takes to see a fill. Several
// findings with one code count as one, at the worst severity, reported by
// its first message. Times are in loc (UTC when nil).
func DiagnosisLines(prev, cur engine.Snapshot, loc *time.Location) []string {
	before, after := worstByCode(prev.Diagnosis), worstByCode(cur.Diagnosis)
	head := clock(cur.ObservedAt, loc, cur.ObservedAt) + "  " + clean(cur.Name()) + "  "
	var out []string
	for _, f := range cur.Diagnosis {
		w, ok := after[f.Code]
		if !ok || w != f.Severity {
			continue
		}
		delete(after, f.Code) // the first of the code at its worst speaks for it
		if old, seen := before[f.Code]; seen && old == f.Severity {
			continue
		}
		out = append(out, head+f.Glyph()+" "+clean(f.Code)+": "+clean(cur.FindingText(f)))
	}
	for _, f := range prev.Diagnosis {
		if _, ok := before[f.Code]; !ok {
			continue
		}
		delete(before, f.Code)
		if _, still := worstByCode(cur.Diagnosis)[f.Code]; !still {
			out = append(out, head+engine.GlyphDone+" "+clean(f.Code)+" cleared")
		}
	}
	return out
}

// worstByCode maps each warning or error code to its worst severity.
func worstByCode(fs []engine.Finding) map[string]engine.Severity {
	m := map[string]engine.Severity{}
	for _, f := range fs {
		if f.Severity < engine.SevWarn {
			continue
		}
		if old, ok := m[f.Code]; !ok || f.Severity > old {
			m[f.Code] = f.Severity
		}
	}
	return m
}
