package oauth

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

// countingAuth hands out token-0 (or fails with fail), and token-1, token-2… on each Renew.
type countingAuth struct {
	renewals int
	fail     error
}

func (a *countingAuth) AccessToken(context.Context) (secrets.Secret, error) {
	return secrets.New("token-0"), a.fail
}

func (a *countingAuth) Renew(context.Context, secrets.Secret) (secrets.Secret, error) {
	a.renewals++
	return secrets.New("token-" + string(rune('0'+a.renewals))), nil
}

func TestSendRenewsA401Once(t *testing.T) {
	t.Parallel()
	unauthorized := &fault.PermanentError{Status: 401, Message: "expired"}
	forbidden := &fault.PermanentError{Status: 403, Message: "forbidden"}
	reconnect := &fault.PermanentError{Message: "reconnect acme", Err: &fault.ReconnectError{Connection: conn}}
	for _, tc := range []struct {
		name string
		// answers are what the vendor says to each send, in turn.
		answers      []error
		tokenErr     error
		wantSent     []string
		wantRenewals int
		wantErr      error
	}{
		{"a valid token is sent once", []error{nil}, nil, []string{"token-0"}, 0, nil},
		{"a 401 is sent again once with a renewed token", []error{unauthorized, nil}, nil, []string{"token-0", "token-1"}, 1, nil},
		{"a second 401 is the answer, not another renewal", []error{unauthorized, unauthorized}, nil, []string{"token-0", "token-1"}, 1, unauthorized},
		{"another refusal is not renewed", []error{forbidden}, nil, []string{"token-0"}, 0, forbidden},
		{"no token means nothing is sent", nil, reconnect, nil, 0, reconnect},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			auth := &countingAuth{fail: tc.tokenErr}
			var sent []string
			_, err := Send(t.Context(), auth, func(token secrets.Secret) (*httpx.Response, error) {
				sent = append(sent, token.Reveal())
				return nil, tc.answers[len(sent)-1]
			})
			if !slices.Equal(sent, tc.wantSent) || auth.renewals != tc.wantRenewals {
				t.Errorf("sent %v after %d renewals; want %v after %d", sent, auth.renewals, tc.wantSent, tc.wantRenewals)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v; want %v", err, tc.wantErr)
			}
		})
	}
}
