package server

import "pubdata/internal/apperr"

var apiNotFound = apperr.New(404, "no_such_route", "没有这个接口", "no such API route")
