package web

import (
	"net/http"

	"github.com/netpulse/netpulse/app"
)

func (h *handler) aliases(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.Aliases(r.Context())
	h.respond(w, r, list, err)
}

func (h *handler) setAliases(w http.ResponseWriter, r *http.Request) {
	var body app.AliasList
	if err := decodeJSON(w, r, &body); err != nil {
		h.respond(w, r, nil, err)
		return
	}
	list, err := h.svc.SetAliases(r.Context(), body.Aliases)
	h.respond(w, r, list, err)
}
