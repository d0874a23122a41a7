package ui

import "charm.land/bubbles/v2/key"

// keyMap holds every key binding. It implements help.KeyMap.
type keyMap struct {
	Up       key.Binding
	Down     key.Binding
	Select   key.Binding // help-only: ↑↓ together, for the short hint
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Next     key.Binding
	Back     key.Binding
	Add      key.Binding
	Remove   key.Binding
	All      key.Binding
	Refresh  key.Binding
	Pause    key.Binding
	Copy     key.Binding
	CopyText key.Binding
	Export   key.Binding
	NextBad  key.Binding
	PrevBad  key.Binding
	Problems key.Binding
	Sort     key.Binding
	Filter   key.Binding
	Help     key.Binding
	Quit     key.Binding
	ForceQ   key.Binding
	Submit   key.Binding
	Cancel   key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Select:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "space"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Next:     key.NewBinding(key.WithKeys("tab", "enter"), key.WithHelp("tab", "detail")),
		Back:     key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back to list")),
		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Remove:   key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "remove")),
		All:      key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "watch all")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Pause:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause")),
		Copy:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy ID")),
		CopyText: key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy verdict")),
		NextBad:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next problem")),
		PrevBad:  key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous problem")),
		Problems: key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "problems only")),
		Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Export:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap: the one-line hint under the screen.
func (k keyMap) ShortHelp() []key.Binding {
	// ? and q come early so they survive on a narrow terminal, where the
	// line is cut; everything is in the full help.
	return []key.Binding{k.Select, k.NextBad, k.Next, k.Help, k.Quit, k.Problems, k.Add, k.Refresh, k.Pause, k.Copy, k.Export, k.Filter}
}

// FullHelp implements help.KeyMap: the `?` overlay, in columns.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextBad, k.PrevBad, k.Problems, k.Sort, k.Filter},
		{k.Next, k.Back, k.Add, k.Remove, k.All, k.Help},
		{k.Copy, k.CopyText, k.Export, k.Refresh, k.Pause, k.Quit, k.ForceQ},
	}
}

// promptKeys is the help shown while a text prompt is open.
type promptKeys struct{ k keyMap }

// ShortHelp implements help.KeyMap.
func (p promptKeys) ShortHelp() []key.Binding {
	return []key.Binding{p.k.Submit, p.k.Cancel, p.k.ForceQ}
}

// FullHelp implements help.KeyMap.
func (p promptKeys) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
