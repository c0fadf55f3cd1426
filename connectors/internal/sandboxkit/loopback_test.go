package sandboxkit

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestLoopbackServesUntilClose(t *testing.T) {
	t.Parallel()
	var l Loopback
	if l.URL() != "" {
		t.Fatalf("URL before Start = %q, want empty", l.URL())
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") })
	if err := l.Start("kittest", "127.0.0.1:0", h); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want a loopback URL", l.URL())
	}
	if err := l.Start("kittest", "127.0.0.1:0", h); err == nil || err.Error() != "kittest: Start called twice" {
		t.Fatalf("second Start = %v, want Start called twice", err)
	}
	resp, err := http.Get(l.URL())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != "hello" {
		t.Fatalf("body = %q, want hello", body)
	}
	l.Close()
	l.Close() // a second Close is harmless
	if _, err := http.Get(l.URL()); err == nil {
		t.Fatal("GET after Close succeeded, want a refused connection")
	}
}

func TestHoldAnswersAfterItsTimeOrIsReleasedByClose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		hold      time.Duration
		closeLoop bool
		wantBody  string
	}{
		{name: "a hold that runs out lets the handler answer", hold: time.Millisecond, wantBody: "gave up"},
		{name: "Close resets a held request's connection", hold: time.Hour, closeLoop: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var l Loopback
			held := make(chan struct{})
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				close(held)
				if l.Hold(w, r, tt.hold) {
					w.WriteHeader(http.StatusGatewayTimeout)
					_, _ = io.WriteString(w, "gave up")
				}
			})
			if err := l.Start("kittest", "127.0.0.1:0", h); err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			type result struct {
				body string
				err  error
			}
			done := make(chan result, 1)
			go func() {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, l.URL(), nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					done <- result{err: err}
					return
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				done <- result{body: string(b), err: err}
			}()
			<-held
			if tt.closeLoop {
				l.Close()
			}
			got := <-done
			if tt.closeLoop {
				if got.err == nil {
					t.Fatalf("held request answered %q after Close, want a reset connection", got.body)
				}
				return
			}
			if got.err != nil || got.body != tt.wantBody {
				t.Fatalf("got %q, %v; want %q", got.body, got.err, tt.wantBody)
			}
		})
	}
}

func TestHoldReturnsWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	var l Loopback
	ctx, cancel := context.WithCancel(t.Context())
	r, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://sandbox/", nil)
	cancel()
	if l.Hold(nil, r, time.Hour) {
		t.Fatal("Hold reported its time ran out for a request whose client gave up")
	}
}
