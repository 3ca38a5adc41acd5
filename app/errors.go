package app

import (
	"fmt"
	"net/http"
)

// RequestError is an error caused by the request, with the HTTP status to
// answer it with. Its message is meant for the user.
type RequestError struct {
	Status int
	Msg    string
}

func (e *RequestError) Error() string { return e.Msg }

func badRequest(format string, args ...any) error {
	return &RequestError{Status: http.StatusBadRequest, Msg: fmt.Sprintf(format, args...)}
}
