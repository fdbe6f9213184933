package main

import "pubdata/internal/audit"

func auditEvent(action, objType, objID string) audit.Event {
	return audit.Event{ActorID: "cli", ActorName: "cli", Action: action, ObjectType: objType, ObjectID: objID}
}
