// Package model holds the canonical back-office records that connectors translate to and
// from, so that any attendance source meets any payroll target and any expense source meets
// any accounting target.
//
// Money is integer minor units with a currency (yen have none below the unit). Instants are
// time.Time values that carry their zone; business dates are Date values, calendar dates in
// the company's zone (Asia/Tokyo unless hub.yaml says otherwise).
package model
