package vocab

// Labels of the supervision dashboard (SUP-7): reading it is audited.
func init() {
	Register(AuditAction, map[string][2]string{"supervise.dashboard": {"查阅监管驾驶舱", "Supervision dashboard read"}})
	Register(ActionObject, map[string][2]string{"supervise": {"监管驾驶舱", "Supervision dashboard"}})
	Register(ActionVerb, map[string][2]string{"dashboard": {"查阅", "read"}})
}
