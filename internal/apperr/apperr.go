// Package apperr holds the platform's typed errors: every failure a user can see has a stable
// code, an HTTP status and a message in Chinese and English. HTTP, CLI and UI map them once.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// FieldError names one bad input field.
type FieldError struct {
	Field string `json:"field"`
	ZH    string `json:"message"`
	EN    string `json:"message_en"`
	Line  int    `json:"line,omitempty"` // for file imports: 1-based line number
}

// Error is a domain error with a stable code and a bilingual message.
type Error struct {
	Code   string       `json:"code"`
	Status int          `json:"-"`
	ZH     string       `json:"message"`
	EN     string       `json:"message_en"`
	Fields []FieldError `json:"fields,omitempty"`
	Cause  error        `json:"-"`
	// RetryAfter, for a 429 answer, is how many seconds to wait before trying again (the HTTP
	// layer sends it as the Retry-After header).
	RetryAfter int `json:"-"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Code, e.EN)
	for _, f := range e.Fields {
		if f.Line > 0 {
			fmt.Fprintf(&b, "; line %d", f.Line)
		}
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.EN)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Cause }

// Is matches errors by code so errors.Is(err, apperr.NotFound) works for any not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// New makes an error.
func New(status int, code, zh, en string) *Error {
	return &Error{Code: code, Status: status, ZH: zh, EN: en}
}

// With returns a copy carrying field errors.
func (e *Error) With(fields ...FieldError) *Error {
	c := *e
	c.Fields = append(append([]FieldError(nil), e.Fields...), fields...)
	return &c
}

// After returns a copy telling the caller to retry in d (rounded up to whole seconds, at least 1).
func (e *Error) After(d time.Duration) *Error {
	c := *e
	c.RetryAfter = max(1, int((d+time.Second-1)/time.Second))
	return &c
}

// Wrap returns a copy with a cause kept for logs (never shown to users).
func (e *Error) Wrap(cause error) *Error { c := *e; c.Cause = cause; return &c }

// Common errors.
var (
	NotFound        = New(http.StatusNotFound, "not_found", "未找到所请求的对象", "the requested object was not found")
	Unauthenticated = New(http.StatusUnauthorized, "unauthenticated", "请先登录或提供有效的访问令牌", "log in or present a valid access token")
	Forbidden       = New(http.StatusForbidden, "forbidden", "无权执行此操作", "you are not allowed to do this")
	Conflict        = New(http.StatusConflict, "conflict", "与当前状态冲突", "the request conflicts with the current state")
	BadRequest      = New(http.StatusBadRequest, "bad_request", "请求格式不正确", "the request is malformed")
	Invalid         = New(http.StatusUnprocessableEntity, "invalid", "输入内容未通过校验", "the input did not pass validation")
	TooMany         = New(http.StatusTooManyRequests, "too_many_requests", "请求过于频繁，请稍后再试", "too many requests; try again later")
	TooLarge        = New(http.StatusRequestEntityTooLarge, "too_large", "上传内容超过大小限制", "the upload exceeds the size limit")
	CSRF            = New(http.StatusForbidden, "csrf", "表单已失效，请刷新页面后重试", "the form has expired; reload the page and try again")
	Internal        = New(http.StatusInternalServerError, "internal", "服务器内部错误，已记录", "internal error; it has been logged")
	// Hidden answers a request for one record that does not exist or that the caller may not
	// see, alike, so that the answer does not tell which (no existence oracle).
	Hidden = New(http.StatusNotFound, "not_found", "未找到所请求的对象，或您无权访问", "the requested object was not found, or you may not access it")
)

// Field makes one field error.
func Field(field, zh, en string) FieldError { return FieldError{Field: field, ZH: zh, EN: en} }

// Text checks one free-text input field and returns it trimmed: required and empty, longer than
// max characters (runes), or holding a NUL byte each add a field error to fe in both languages
// (zh and en name the field for people). The one rule for bounded text fields.
func Text(fe *[]FieldError, field, v string, max int, required bool, zh, en string) string {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		*fe = append(*fe, Field(field, "请填写"+zh, en+" is required"))
	case len([]rune(v)) > max:
		*fe = append(*fe, Field(field, fmt.Sprintf("%s不能超过 %d 个字", zh, max), fmt.Sprintf("%s must be at most %d characters", en, max)))
	case strings.ContainsRune(v, 0):
		*fe = append(*fe, Field(field, zh+"含有不可见的控制字符", en+" contains a NUL character"))
	}
	return v
}

// Validation returns an Invalid error listing the given field errors, or nil if there are none.
func Validation(fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return Invalid.With(fields...)
}

// As extracts an *Error; unknown errors become Internal (with the cause kept for the log).
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal.Wrap(err)
}
