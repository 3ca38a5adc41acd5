package desktop

import (
	"context"

	"github.com/netpulse/netpulse/app"
)

// loadTrayPlans reads the data plans with their usage for the tray.
func loadTrayPlans(ctx context.Context, svc *app.Service) ([]trayPlan, error) {
	plans, err := svc.Plans(ctx)
	if err != nil {
		return nil, err
	}
	return trayPlansFrom(plans), nil
}
