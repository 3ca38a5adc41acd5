package app

import "sync"

// hub fans live samples out to subscribers without ever blocking the
// publisher: a subscriber whose buffer is full misses that sample.
type hub struct {
	mu     sync.Mutex
	subs   map[chan LiveSample]struct{}
	last   LiveSample
	hasOne bool
}

func newHub() *hub { return &hub{subs: map[chan LiveSample]struct{}{}} }

// subscribe returns a channel of samples, primed with the latest one, and
// the function that ends the subscription.
func (h *hub) subscribe(buffer int) (<-chan LiveSample, func()) {
	ch := make(chan LiveSample, buffer)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if h.hasOne {
		ch <- h.last
	}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs, ch)
			h.mu.Unlock()
		})
	}
}

func (h *hub) publish(s LiveSample) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last, h.hasOne = s, true
	for ch := range h.subs {
		select {
		case ch <- s:
		default:
		}
	}
}

func (h *hub) latest() (LiveSample, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last, h.hasOne
}
