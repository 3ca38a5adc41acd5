//go:build desktop && !linux

package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// wailsNotifier shows notices through Wails' runtime: a toast on Windows,
// the notification centre on macOS (which asks the user once for
// permission). It needs the window's context, so it starts on first use.
type wailsNotifier struct {
	sh *shell

	mu      sync.Mutex
	started bool
	err     error // why notifications cannot be shown; set once
	seq     uint64
}

func newOSNotifier(sh *shell) osNotifier { return &wailsNotifier{sh: sh} }

func (w *wailsNotifier) Notify(_ context.Context, n osNotice) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	wctx := w.sh.wailsCtx()
	if wctx == nil {
		return errors.New("desktop notification: the window has not started")
	}
	if !w.started && w.err == nil {
		if err := runtime.InitializeNotifications(wctx); err != nil {
			w.err = err
		} else if ok, err := runtime.RequestNotificationAuthorization(wctx); err != nil || !ok {
			w.started = true
			w.err = fmt.Errorf("not allowed by the system (%v)", err)
		} else {
			w.started = true
		}
	}
	if w.err != nil {
		return fmt.Errorf("desktop notification: %w", w.err)
	}
	w.seq++
	err := runtime.SendNotification(wctx, runtime.NotificationOptions{
		ID: "netpulse-" + strconv.FormatUint(w.seq, 10), Title: n.Title, Body: n.Body,
	})
	if err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	return nil
}

func (w *wailsNotifier) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if wctx := w.sh.wailsCtx(); w.started && wctx != nil {
		runtime.CleanupNotifications(wctx)
	}
	w.started, w.err = false, errors.New("closed")
}
