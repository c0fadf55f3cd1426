package xero

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// msDate is Microsoft's JSON date that the accounting API writes: /Date(1552521600000+0000)/,
// milliseconds since the Unix epoch (UTC whatever the offset says) and an optional offset.
var msDate = regexp.MustCompile(`^/Date\((-?\d+)([+-]\d{4})?\)/$`)

// zoneless are the date-time forms Xero writes without a zone (the payroll API's
// updatedDateUTC, the webhooks' eventDateUtc); they are UTC.
var zoneless = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"}

// ParseTime reads a Xero instant: a /Date(ms+0000)/, RFC 3339, or a date-time without a
// zone, which Xero means as UTC. The empty string is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if m := msDate.FindStringSubmatch(s); m != nil {
		ms, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", s, err)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range zoneless {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want /Date(ms)/, RFC 3339 or 2006-01-02T15:04:05", s)
}

// Time is an instant as Xero writes it (see ParseTime); null is the zero time.
type Time struct{ time.Time }

// UnmarshalJSON reads any form ParseTime reads.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// Date is a calendar date as Xero writes it: "2026-10-31", "2026-10-31T00:00:00" (the payroll
// API, whatever its description says) or /Date(1792972800000+0000)/ (accounting), all at
// midnight UTC. It is written as "2026-10-31", which both APIs take.
type Date struct{ model.Date }

// DateOf wraps a business date.
func DateOf(d model.Date) Date { return Date{d} }

// UnmarshalJSON reads the three forms; null and "" are the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		d.Date = model.Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	if s == "" {
		d.Date = model.Date{}
		return nil
	}
	if v, err := model.ParseDate(s); err == nil {
		d.Date = v
		return nil
	}
	t, err := ParseTime(s)
	if err != nil {
		return fmt.Errorf("date %q: want 2006-01-02, a date-time or /Date(ms)/", s)
	}
	// Xero's dates are midnight UTC: the UTC calendar day is the date meant.
	d.Date = model.DateOf(t, time.UTC)
	return nil
}

// MarshalJSON writes "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// Amount is a decimal amount as Xero writes it (a JSON number in major units, e.g. 1320 yen
// or 12.50 pounds), kept as its decimal text so that money never passes through a float.
type Amount string

// AmountOf writes minor units of a currency with digits decimals as an Amount.
func AmountOf(minor int64, digits int) Amount {
	if digits <= 0 {
		return Amount(strconv.FormatInt(minor, 10))
	}
	r := new(big.Rat).SetFrac(big.NewInt(minor), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil))
	return Amount(r.FloatString(digits))
}

// MinorUnits reads the amount in minor units of a currency with digits decimals, rounding
// half away from zero what lies beyond them. The zero Amount is 0.
func (a Amount) MinorUnits(digits int) (int64, error) {
	if a == "" {
		return 0, nil
	}
	r, ok := new(big.Rat).SetString(string(a))
	if !ok {
		return 0, fmt.Errorf("amount %q is not a decimal number", string(a))
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(digits, 0))), nil)))
	// Round half away from zero: FloatString(0) does exactly that.
	n, ok := new(big.Int).SetString(r.FloatString(0), 10)
	if !ok || !n.IsInt64() {
		return 0, fmt.Errorf("amount %q is out of range", string(a))
	}
	return n.Int64(), nil
}

// MarshalJSON writes the amount as a JSON number; the zero Amount is 0.
func (a Amount) MarshalJSON() ([]byte, error) {
	if a == "" {
		return []byte("0"), nil
	}
	if !json.Valid([]byte(a)) {
		return nil, fmt.Errorf("amount %q is not a number", string(a))
	}
	return []byte(a), nil
}

// UnmarshalJSON reads a JSON number (or a numeric string); null is the zero Amount.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*a = ""
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("amount: %w", err)
		}
	}
	var n json.Number
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		return fmt.Errorf("amount %s is not a number", s)
	}
	*a = Amount(n)
	return nil
}

// CurrencyDigits is how many decimals an ISO 4217 currency has: 0 for the yen and a few
// others, 3 for some dinars, 2 for the rest.
func CurrencyDigits(code string) int {
	switch strings.ToUpper(code) {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}
