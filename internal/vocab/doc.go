// Package vocab is the platform's controlled vocabulary (词表): one table per list of codes —
// data item kinds, grades and sensitivity levels, share and open types — each row carrying its
// Chinese and English labels and every rule keyed by the code (masking, load-time check,
// whether it is personal or safe to open, its default sensitivity).
//
// Adding a code is one row here plus, when the row names a new rule, that rule's function in
// the package that runs it (mask, validate); tests in this package and in those packages fail
// when a row lacks a label or names a rule nobody implements.
//
// The package has no dependencies besides the standard library, so that pure packages
// (validate, mask) and domain packages (catalog, ingest, quality, share, web) can all depend on
// it without pulling in storage, audit or jobs.
package vocab
