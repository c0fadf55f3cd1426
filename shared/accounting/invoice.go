// Package accounting holds the bookkeeping rules an expense flow needs: the qualified-invoice
// registration number (適格請求書発行事業者登録番号) check, and turning an approved expense
// report into a balanced journal entry in integer yen.
package accounting

import (
	"errors"
	"fmt"
)

// ErrRegistrationNumber is wrapped by every registration-number error.
var ErrRegistrationNumber = errors.New("qualified-invoice registration number")

// CheckRegistrationNumber reports whether s is a well-formed qualified-invoice registration
// number: "T" followed by 13 digits whose first digit is the check digit of the other twelve,
// computed as for the corporate number (法人番号, 番号法施行令 and 法人番号の指定等に関する省令
// 第2条): 9 − (Σ Pn×Qn mod 9), where Pn is the n-th of the twelve digits counted from the right
// and Qn is 1 for odd n and 2 for even n. Sole proprietors' numbers follow the same rule.
// It checks the form only; whether the number is registered is the National Tax Agency's
// public register to say.
func CheckRegistrationNumber(s string) error {
	if len(s) != 14 || s[0] != 'T' {
		return fmt.Errorf("%w %q: want T followed by 13 digits", ErrRegistrationNumber, s)
	}
	digits := s[1:]
	for _, c := range digits {
		if c < '0' || c > '9' {
			return fmt.Errorf("%w %q: want T followed by 13 digits", ErrRegistrationNumber, s)
		}
	}
	if want := checkDigit(digits[1:]); int(digits[0]-'0') != want {
		return fmt.Errorf("%w %q: the check digit is %c, the other digits make it %d; the number was mistyped", ErrRegistrationNumber, s, digits[0], want)
	}
	return nil
}

// checkDigit computes the check digit of the twelve base digits.
func checkDigit(base string) int {
	sum := 0
	for n := 1; n <= 12; n++ {
		p := int(base[12-n] - '0')
		q := 1
		if n%2 == 0 {
			q = 2
		}
		sum += p * q
	}
	return 9 - sum%9
}
