package web

import (
	"net/http"
	"strconv"

	"github.com/netpulse/netpulse/app"
)

// Data plans and notifiers over HTTP (README.md, "Data plans" and
// "Notifiers").

// planRoutes registers the plan and notifier endpoints on mux.
func (h *handler) planRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/plans", h.plans)
	mux.HandleFunc("POST /api/plans", h.createPlan)
	mux.HandleFunc("GET /api/plans/{id}", h.plan)
	mux.HandleFunc("PUT /api/plans/{id}", h.updatePlan)
	mux.HandleFunc("DELETE /api/plans/{id}", h.deletePlan)
	mux.HandleFunc("GET /api/plans/{id}/cycles", h.planCycles)
	mux.HandleFunc("GET /api/notifiers", h.notifiers)
	mux.HandleFunc("POST /api/notifiers", h.createNotifier)
	mux.HandleFunc("DELETE /api/notifiers/{id}", h.deleteNotifier)
	mux.HandleFunc("POST /api/notifiers/{id}/test", h.testNotifier)
	for _, p := range []string{"/api/plans", "/api/plans/{id}", "/api/plans/{id}/cycles",
		"/api/notifiers", "/api/notifiers/{id}", "/api/notifiers/{id}/test"} {
		mux.HandleFunc(p, methodNotAllowed)
	}
}

// pathID reads the {id} of the path; a bad one is a 404, as for any
// path that names nothing.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &app.RequestError{Status: http.StatusNotFound, Msg: "no such id: " + r.PathValue("id")}
	}
	return id, nil
}

func (h *handler) plans(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.Plans(r.Context())
	h.respond(w, r, list, err)
}

func (h *handler) plan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.respond(w, r, nil, err)
		return
	}
	p, err := h.svc.Plan(r.Context(), id)
	h.respond(w, r, p, err)
}

func (h *handler) createPlan(w http.ResponseWriter, r *http.Request) {
	var p app.Plan
	if err := decodeJSON(w, r, &p); err != nil {
		h.respond(w, r, nil, err)
		return
	}
	saved, err := h.svc.CreatePlan(r.Context(), p)
	h.respondStatus(w, r, http.StatusCreated, saved, err)
}

func (h *handler) updatePlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		var p app.Plan
		if err = decodeJSON(w, r, &p); err == nil {
			p, err = h.svc.UpdatePlan(r.Context(), id, p)
			h.respond(w, r, p, err)
			return
		}
	}
	h.respond(w, r, nil, err)
}

func (h *handler) deletePlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = h.svc.DeletePlan(r.Context(), id)
	}
	h.respondStatus(w, r, http.StatusNoContent, nil, err)
}

func (h *handler) planCycles(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.respond(w, r, nil, err)
		return
	}
	q, err := query(r, nil, "count")
	if err != nil {
		h.respond(w, r, nil, err)
		return
	}
	count := 0
	if v := q.Get("count"); v != "" {
		if count, err = strconv.Atoi(v); err != nil || count == 0 {
			h.respond(w, r, nil, badRequest("count: %q is not a number of cycles (1 to %d)", v, app.MaxPlanCycles))
			return
		}
	}
	cycles, err := h.svc.PlanCycles(r.Context(), id, count)
	h.respond(w, r, cycles, err)
}

func (h *handler) notifiers(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.Notifiers(r.Context())
	h.respond(w, r, list, err)
}

func (h *handler) createNotifier(w http.ResponseWriter, r *http.Request) {
	// Refused before the body is read: the message must say why even
	// for a body that would not pass.
	if err := h.svc.CheckNotifierWrites(); err != nil {
		h.respond(w, r, nil, err)
		return
	}
	var in app.NotifierInput
	if err := decodeJSON(w, r, &in); err != nil {
		h.respond(w, r, nil, err)
		return
	}
	n, err := h.svc.CreateNotifier(r.Context(), in)
	h.respondStatus(w, r, http.StatusCreated, n, err)
}

func (h *handler) deleteNotifier(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = h.svc.DeleteNotifier(r.Context(), id)
	}
	h.respondStatus(w, r, http.StatusNoContent, nil, err)
}

func (h *handler) testNotifier(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = h.svc.TestNotifier(r.Context(), id)
	}
	h.respond(w, r, map[string]bool{"delivered": true}, err)
}

// respondStatus is respond with another success status; 204 has no body.
func (h *handler) respondStatus(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	switch {
	case err != nil:
		h.respond(w, r, nil, err)
	case status == http.StatusNoContent:
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
	default:
		writeJSON(w, status, v)
	}
}
