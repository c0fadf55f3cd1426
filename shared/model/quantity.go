package model

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Money is an amount in integer minor units of Currency (for JPY the unit itself). It is
// never a float.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Yen returns an amount of Japanese yen.
func Yen(n int64) Money { return Money{Amount: n, Currency: "JPY"} }

// String formats m as "12345 JPY".
func (m Money) String() string { return fmt.Sprintf("%d %s", m.Amount, m.Currency) }

// Days counts days in hundredths, so that half days (0.5) and vendor decimals like 0.25
// stay exact. One day is Day.
type Days int64

// Day is one whole day.
const Day Days = 100

// DaysFromFloat rounds a vendor's decimal day count to hundredths.
func DaysFromFloat(f float64) Days {
	if f < 0 {
		return Days(f*100 - 0.5)
	}
	return Days(f*100 + 0.5)
}

// Float64 returns d as a decimal number of days, for vendors that take one.
func (d Days) Float64() float64 { return float64(d) / 100 }

// String formats d as a decimal: "1", "0.5", "2.25".
func (d Days) String() string { return strconv.FormatFloat(d.Float64(), 'f', -1, 64) }

// MarshalJSON writes d as a decimal number.
func (d Days) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a decimal number of days.
func (d *Days) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("days: %w", err)
	}
	*d = DaysFromFloat(f)
	return nil
}
