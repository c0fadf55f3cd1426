// Package all registers every flow type, for binaries that want them all.
package all

import (
	_ "github.com/urakata/urakata/shared/flows/expense"   // expense-to-accounting
	_ "github.com/urakata/urakata/shared/flows/timeclock" // timeclock-to-payroll
)
