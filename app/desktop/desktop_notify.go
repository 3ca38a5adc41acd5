//go:build desktop

package desktop

// The desktop app shows each alert as the OS's own notification, unless the
// user switched that off in Settings (desktop_notifications). How it is
// shown is per OS: desktop_notify_linux.go (org.freedesktop.Notifications
// over D-Bus) and desktop_notify_exec.go (a toast raised by PowerShell on
// Windows, the notification centre through osascript on macOS).

import (
	"context"
	"time"

	"github.com/netpulse/netpulse/app"
)

// osNotice is one OS notification.
type osNotice struct {
	Title  string
	Body   string
	Urgent bool // the cap is reached, or recording is degraded
}

// noticeFor is the notification for an alert.
func noticeFor(a app.Alert) osNotice {
	title := a.Title
	if title == "" {
		title = "Net-Pulse"
	}
	return osNotice{Title: title, Body: a.Message, Urgent: a.Urgent}
}

// osNotifier shows notices; Close releases what it holds.
type osNotifier interface {
	Notify(ctx context.Context, n osNotice) error
	Close()
}

// notifyTimeout bounds one notification: a notification daemon that hangs
// must not hold up the next alert.
const notifyTimeout = 10 * time.Second

// notifyAlerts shows the Service's alerts as OS notifications and has the
// tray read the plans again, since an alert changes what it shows.
func (sh *shell) notifyAlerts() {
	alerts, unsubscribe := sh.svc.SubscribeAlerts()
	defer unsubscribe()
	sh.showNotices(newOSNotifier(sh), alerts)
}

// showNotices shows every alert while the setting is on, until the shell
// stops. A failure is logged once until a notice gets through again: a
// desktop without a notification service must not fill the log.
func (sh *shell) showNotices(n osNotifier, alerts <-chan app.Alert) {
	defer n.Close()
	var failing bool
	for {
		select {
		case <-sh.stopCtx.Done():
			return
		case a := <-alerts:
			notice := noticeFor(a)
			if sh.tray != nil {
				sh.tray.refreshPlans()
			}
			if !sh.notificationsOn() {
				sh.marker("notification-off", notice.Title)
				continue
			}
			ctx, cancel := context.WithTimeout(sh.stopCtx, notifyTimeout)
			err := n.Notify(ctx, notice)
			cancel()
			switch {
			case err != nil && !failing:
				sh.log.Warn("cannot show a desktop notification", "err", err)
			case err == nil && failing:
				sh.log.Info("desktop notifications work again")
			}
			failing = err != nil
			if err == nil {
				sh.marker("notification", notice.Title)
			}
		}
	}
}

// notificationsOn reads the setting each time, so a switch in Settings
// applies to the next alert. When it cannot be read, notifications stay on:
// the default.
func (sh *shell) notificationsOn() bool {
	ctx, cancel := context.WithTimeout(sh.stopCtx, 5*time.Second)
	defer cancel()
	s, err := sh.svc.Settings(ctx)
	return err != nil || s.DesktopNotifications != "off"
}
