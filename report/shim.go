package report

import (
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// TEMPORARY: stand-ins for the Snapshot methods being written on the
// domain branch (Outcome, Terminal). Replaced by those methods on merge.

func outcome(s pipeline.Snapshot) string {
	if s.Intent != nil {
		switch s.Intent.Status {
		case pipeline.StatusCompleted:
			return "success"
		case pipeline.StatusFailed:
			return "failure"
		}
		return ""
	}
	if s.Order != nil && s.Target.Kind != pipeline.KindIntent {
		switch s.Order.Status {
		case kalshi.StatusExecuted:
			return "success"
		case kalshi.StatusCanceled:
			return "failure"
		}
	}
	return ""
}
