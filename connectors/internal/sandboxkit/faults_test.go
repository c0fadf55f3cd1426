package sandboxkit

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type kind int

const (
	kindA kind = iota + 1
	kindB
)

var names = map[kind]string{kindA: "a", kindB: "b"}

func TestTakeSpendsTheFaultArmedForTheRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		match     []string
		op        string
		method    string
		path      string
		byDefault bool
		want      bool
	}{
		{name: "no match applies to requests eligible by default", op: "x", method: "GET", path: "/a", byDefault: true, want: true},
		{name: "no match skips requests not eligible by default", op: "x", method: "GET", path: "/a", want: false},
		{name: "an operation id matches that operation", match: []string{"get_thing"}, op: "get_thing", method: "GET", path: "/a", want: true},
		{name: "an operation id skips another operation", match: []string{"get_thing"}, op: "put_thing", method: "GET", path: "/a", byDefault: true, want: false},
		{name: "a method and glob match the path", match: []string{"put /things/*"}, method: "PUT", path: "/things/7", want: true},
		{name: "a method and glob skip another method", match: []string{"PUT", "/things/*"}, method: "GET", path: "/things/7", byDefault: true, want: false},
		{name: "a star method matches any method", match: []string{"* /things/*"}, method: "DELETE", path: "/things/7", want: true},
		{name: "a bare glob matches any method", match: []string{"/things/*"}, method: "POST", path: "/things/7", want: true},
		{name: "a glob skips another path", match: []string{"/things/*"}, method: "POST", path: "/other/7", byDefault: true, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := NewFaults("kittest", names)
			f.Arm(kindB, 1, tt.match...)
			r := httptest.NewRequest(tt.method, tt.path, nil)
			got, ok := f.Take(tt.op, r, tt.byDefault)
			if ok != tt.want || (ok && got != kindB) {
				t.Fatalf("Take = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}

func TestFaultsFireInOrderAndAreSpentAfterN(t *testing.T) {
	t.Parallel()
	f := NewFaults("kittest", names)
	f.Arm(kindA, 2)
	f.Arm(kindB, 1)
	f.Arm(kindA, 0) // n <= 0 arms nothing
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	var got []kind
	for {
		k, ok := f.Take("op", r, true)
		if !ok {
			break
		}
		got = append(got, k)
	}
	want := []kind{kindA, kindA, kindB}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("fired %v, want %v", got, want)
	}
}

func TestArmPanicsOnAMistakeInTheTest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		kind  kind
		match []string
		want  string
	}{
		{name: "an unknown kind", kind: 9, want: "kittest: Fail: unknown FaultKind(9)"},
		{name: "a bad glob", kind: kindA, match: []string{"GET /a/["}, want: `kittest: Fail: bad path glob "/a/[": syntax error in pattern`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if got := recover(); got != tt.want {
					t.Fatalf("panic %v, want %q", got, tt.want)
				}
			}()
			NewFaults("kittest", names).Arm(tt.kind, 1, tt.match...)
		})
	}
}

func TestKindNameNamesKnownAndUnknownKinds(t *testing.T) {
	t.Parallel()
	if got := KindName(names, kindB); got != "b" {
		t.Errorf("KindName(kindB) = %q, want b", got)
	}
	if got := KindName(names, 42); got != "FaultKind(42)" {
		t.Errorf("KindName(42) = %q, want FaultKind(42)", got)
	}
}

func TestRetryAfterSecondsRoundsUpToAWholeSecondOfAtLeastOne(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    time.Duration
		want int
	}{
		{name: "no wait still says one second", d: 0, want: 1},
		{name: "a fraction of a second rounds up to one", d: 300 * time.Millisecond, want: 1},
		{name: "whole seconds stay as they are", d: 2 * time.Second, want: 2},
		{name: "a second and a bit rounds up to two", d: 1001 * time.Millisecond, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := RetryAfterSeconds(tt.d); got != tt.want {
				t.Fatalf("RetryAfterSeconds(%v) = %d, want %d", tt.d, got, tt.want)
			}
		})
	}
}
