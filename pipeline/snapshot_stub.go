package pipeline

// Terminal is a placeholder until the domain branch lands snapshot.go.
func (s Snapshot) Terminal() bool {
	if s.Intent != nil {
		return s.Intent.Status == StatusCompleted || s.Intent.Status == StatusFailed
	}
	return s.Target.Kind == KindKalshi && s.Order != nil && s.Order.Status.Terminal()
}
