package model

// LeaveBalance is what remains of an employee's paid leave (年次有給休暇の残り) on a date.
// It is personal data: only the employee it belongs to is ever told it.
type LeaveBalance struct {
	// Days remaining, in hundredths: 12.5 days is 1250.
	Days Days `json:"days"`
	// Minutes remaining of hourly leave (時間単位年休) beyond Days; 0 when the company grants
	// none or the vendor does not say.
	Minutes int `json:"minutes,omitempty"`
	// AsOf is the business date the vendor's figure is for (the end of the month it was read
	// for, or the day asked).
	AsOf Date `json:"as_of"`
}
