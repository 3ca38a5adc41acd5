package app

import "context"

// loadTrayPlans reads the data plans with their usage for the tray.
// Until the Service lists plans, there are none to show.
func loadTrayPlans(ctx context.Context, svc *Service) ([]trayPlan, error) {
	return nil, nil
}
