// Package payroll turns time-clock days into the minutes and monthly totals that a Japanese
// payroll clerk (給与担当) would compute by hand under the Labour Standards Act (労働基準法).
//
// A connector fills model.AttendanceDay with the punches, the kind of day and any leave.
// ComputeDays fills in the minutes of each day; Summarize adds one employee's days up into
// the model.WorkSummary of a pay period; Reconcile compares two summaries field by field.
// PeriodFor and PeriodContaining name pay periods from the company's closing day (締め日).
//
// The rules a clerk applies, and so this package:
//
//   - Worked time (実労働時間) is clock-out minus clock-in minus breaks. A shift that runs past
//     midnight belongs to the business date it started on. Punches that do not make sense
//     (no clock-out, clock-out before clock-in, a break without an end) are never guessed:
//     the day counts 0 minutes and is reported as an Issue for a person to fix.
//   - Worked time up to the prescribed daily hours (所定労働時間) is normal; beyond them but
//     within 8 hours that day and 40 hours that week it is legal-within overtime (法定内残業);
//     beyond 8 hours a day or 40 hours a week it is overtime (法定外, 時間外労働, Labour
//     Standards Act art. 32 and 37). Minutes already over 8 hours that day do not count
//     again toward the 40 hours, and the weekly excess falls on the day the 40 hours are
//     crossed, in date order.
//   - Work on the legal holiday (法定休日, art. 35) is holiday work, all of it: it is neither
//     overtime nor part of the 40 hours. Work on a prescribed holiday (所定休日) has no
//     prescribed hours, so it is legal-within up to 8 hours a day and 40 a week and overtime
//     beyond.
//   - Late night (深夜, art. 37 para. 4) is worked time between 22:00 and 05:00 in the
//     company's zone, on any kind of day, on top of any other category.
//   - Paid leave is not worked time (実労働時間主義): it never makes overtime, and a half day of
//     leave halves that day's prescribed hours.
//
// What is not modelled: variable working-hours systems (変形労働時間制), flextime, discretionary
// work, the 60-hours-a-month overtime threshold (the summary's overtime total lets payroll
// apply it), and split shifts (one clock-in and one clock-out per day).
package payroll
