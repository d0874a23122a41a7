package engine

import (
	"context"

	"ordermon/pipeline"
)

// readIntents reads the intent of every order that has or may have one,
// and resolves bare IDs: an intent if the service knows it, else Kalshi.
func (e *Engine) readIntents(ctx context.Context, items []item, res []result) {
	panics := e.parallel(ctx, "intent read", len(items), e.cfg.IntentConcurrency, func(i int) {
		r := &res[i]
		if r.target.Kind == KindKalshi {
			return
		}
		r.intent.tried, r.intent.at = true, e.now()
		in, err := e.readIntent(ctx, r.target, items[i].prev.Intent)
		r.intent.lat = e.now().Sub(r.intent.at)
		r.intentAnswered = err == nil || pipeline.IntentStatusOf(err) != 0
		switch {
		case err == nil:
			if r.target.Kind == KindAuto {
				r.target.Kind = KindIntent
			}
			r.intent.val = &in
		case r.target.Kind == KindAuto && pipeline.IsIntentNotFound(err):
			// A bare ID the intent service does not know is a Kalshi
			// order: not an intent error.
			r.target.Kind = KindKalshi
			r.intent = read[*pipeline.Intent]{}
			r.intentUnknown = true
		default:
			r.intent.err = err
		}
	})
	for i, err := range panics {
		if err != nil {
			res[i].intent.tried, res[i].intent.err = true, err
		}
	}
}

// readIntent reads t's intent. A client ID is looked up until the intent
// it names is known; from then on that intent is read by its own ID, as
// intent:<id> would be, so the order watched never changes under its name
// even if the client ID is used again.
func (e *Engine) readIntent(ctx context.Context, t Target, known *pipeline.Intent) (pipeline.Intent, error) {
	if t.Kind != KindClient {
		return e.cfg.Intents.GetIntent(ctx, t.ID)
	}
	if known != nil && pipeline.ValidateIntentID(known.ID) == nil {
		return e.cfg.Intents.GetIntent(ctx, known.ID)
	}
	return e.cfg.Intents.GetIntentByClientID(ctx, t.ID)
}
