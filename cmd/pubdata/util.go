package main

import (
	"os"
	"path/filepath"

	"pubdata/internal/audit"
)

func auditEvent(action, objType, objID string) audit.Event {
	return audit.Event{ActorID: "cli", ActorName: "cli", Action: action, ObjectType: objType, ObjectID: objID}
}

// hasDatabase tells whether a database is named (--db, PUBDATA_DB) or already exists in --data.
func hasDatabase() bool {
	if flagDB != "" || os.Getenv("PUBDATA_DB") != "" {
		return true
	}
	_, err := os.Stat(filepath.Join(flagData, "pubdata.db"))
	return err == nil
}
