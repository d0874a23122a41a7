package pipelinetest

import (
	"cmp"
	"slices"
	"strings"
)

// ListCap is how many intents GET /v1/order returns at most, the most
// recent first, as the service documents.
const ListCap = 100

// listReply encodes the list: every intent, or those of wallet when it is
// not empty, newest first, at most ListCap.
func (s *Service) listReply(wallet string) []byte {
	s.mu.Lock()
	var sts []IntentState
	for _, st := range s.intents {
		if wallet == "" || strings.EqualFold(st.WalletAddress, wallet) {
			sts = append(sts, st.clone())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(sts, func(a, b IntentState) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(sts) > ListCap {
		sts = sts[:ListCap]
	}
	return encodeList(sts, s.opts.Current, s.opts.Envelope)
}

// replyByClient encodes the newest intent whose client ID is clientID.
func (s *Service) replyByClient(clientID string) ([]byte, bool) {
	s.mu.Lock()
	var found *IntentState
	for _, st := range s.intents {
		if st.ClientID == clientID && (found == nil || st.CreatedAt.After(found.CreatedAt)) {
			found = st
		}
	}
	var cp IntentState
	if found != nil {
		cp = found.clone()
	}
	s.mu.Unlock()
	if found == nil {
		return nil, false
	}
	return encodeReply(cp, s.opts.Current, s.opts.Envelope), true
}
