// Package e2e holds end-to-end tests that drive the whole platform through a real headless
// Chromium (testutil.NewBrowser). It has no code of its own.
package e2e
