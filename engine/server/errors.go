package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Every error this server answers, on every route and from every adapter,
// is OpenAI's envelope, so that OpenAI client libraries raise their usual
// exceptions instead of failing to parse the body:
//
//	{"error": {"message": "...", "type": "...", "param": null, "code": null}}
//
// param names the request field at fault and code a stable reason; each is
// null when there is nothing to say, as OpenAI sends them. This file is the
// one place error answers are built and encoded.

// OpenAI's error types used here.
const (
	typeInvalidRequest = "invalid_request_error"
	typePermission     = "permission_error"
	typeRateLimit      = "rate_limit_error"
	typeUpstream       = "upstream_error" // a stage's model failed
	typeServer         = "server_error"
)

// apiError is an error answer before encoding; an empty code or param is
// sent as null.
type apiError struct {
	status           int
	typ, code, param string
	msg              string
}

// errorObject is OpenAI's error object.
type errorObject struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// errorBody is the body of every error answer, and of the error event of a
// stream that fails after it started. Result, on /v1/consensus only, is
// the partial run of a run that failed.
type errorBody struct {
	Error  errorObject           `json:"error"`
	Result *consensus.ResultJSON `json:"result,omitempty"`
}

func (e apiError) body(res *consensus.Result) errorBody {
	b := errorBody{Error: errorObject{Message: e.msg, Type: e.typ}}
	if e.code != "" {
		code := e.code
		b.Error.Code = &code
	}
	if e.param != "" {
		param := e.param
		b.Error.Param = &param
	}
	if res != nil {
		j := res.JSON()
		b.Result = &j
	}
	return b
}

// writeError answers e.
func writeError(w http.ResponseWriter, e apiError) {
	writeJSON(w, e.status, e.body(nil))
}

func badRequest(param, format string, a ...any) apiError {
	return apiError{status: http.StatusBadRequest, typ: typeInvalidRequest, param: param, msg: fmt.Sprintf(format, a...)}
}

func notFound(code, param, format string, a ...any) apiError {
	return apiError{status: http.StatusNotFound, typ: typeInvalidRequest, code: code, param: param, msg: fmt.Sprintf(format, a...)}
}

func tooLarge(format string, a ...any) apiError {
	return apiError{status: http.StatusRequestEntityTooLarge, typ: typeInvalidRequest, code: "request_too_large", msg: fmt.Sprintf(format, a...)}
}

var errUnauthorized = apiError{status: http.StatusUnauthorized, typ: typeInvalidRequest, code: "invalid_api_key",
	msg: "missing or wrong bearer token: send Authorization: Bearer $HIVE_API_TOKEN"}

// paramError is bad input in one request field, found while decoding it
// (a custom UnmarshalJSON), so that the answer can name the field.
type paramError struct {
	param, msg string
}

func (e *paramError) Error() string { return e.msg }

// bodyError maps what decoding a request body failed with to its answer.
func bodyError(err error, limit int64) apiError {
	var mbe *http.MaxBytesError
	var pe *paramError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return tooLarge("request body is over the %d-byte limit", limit)
	case errors.As(err, &pe):
		return badRequest(pe.param, "invalid request body: %s", pe.msg)
	case errors.As(err, &te) && te.Field != "":
		return badRequest(te.Field, "invalid request body: %s is %s; want %s", te.Field, te.Value, te.Type)
	}
	return badRequest("", "invalid request body: %s", err.Error())
}

// runError maps the error of a run that produced no answer (or, on
// /v1/consensus, a partial one) to its answer: bad input is 400 naming
// the field when the engine named one, a failed stage 502, the run's
// timeout 504, shutdown or a client gone 503.
func runError(ctx context.Context, err error) apiError {
	status := runStatus(ctx, err)
	e := apiError{status: status, typ: typeServer, msg: err.Error()}
	switch status {
	case http.StatusBadRequest:
		e.typ = typeInvalidRequest
		var fe *consensus.FieldError
		if errors.As(err, &fe) {
			e.param = fe.Field
		}
	case http.StatusBadGateway:
		e.typ = typeUpstream
	case http.StatusGatewayTimeout:
		e.code = "run_timeout"
	}
	return e
}

// runStatus maps a run error to the HTTP status of a non-streamed answer.
func runStatus(ctx context.Context, err error) int {
	switch {
	case exitcode.Code(err) == exitcode.Usage:
		return http.StatusBadRequest
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled) || errors.Is(err, consensus.ErrClosed) || ctx.Err() != nil:
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadGateway
	}
}
