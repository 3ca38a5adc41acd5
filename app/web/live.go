package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// heartbeat keeps idle proxies from closing a quiet stream.
const heartbeat = 15 * time.Second

// live streams one "rates" event per poll as Server-Sent Events. A client
// too slow to take them misses samples (the hub drops them) and is
// disconnected when a write stalls; the collector never waits for it.
func (h *handler) live(w http.ResponseWriter, r *http.Request) {
	defer h.liveClients.Add(-1)
	if h.liveClients.Add(1) > maxLiveClients {
		WriteError(w, http.StatusServiceUnavailable, "too many live clients; try again later")
		return
	}
	rc := http.NewResponseController(w)
	samples, unsubscribe := h.svc.Subscribe()
	defer unsubscribe()
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no") // nginx would otherwise buffer the stream
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		var payload []byte
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			payload = []byte(": keep-alive\n\n")
		case s := <-samples:
			data, _ := json.Marshal(s)
			payload = append(append([]byte("event: rates\ndata: "), data...), "\n\n"...)
		}
		rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := w.Write(payload); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
