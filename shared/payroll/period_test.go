package payroll_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

func TestPeriodFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		closingDay int
		year       int
		month      time.Month
		start, end string
	}{
		// 末締め: the calendar month.
		{"末締め February 2024 ends on the 29th of the leap year", 0, 2024, time.February, "2024-02-01", "2024-02-29"},
		{"末締め February 2025 ends on the 28th", 0, 2025, time.February, "2025-02-01", "2025-02-28"},
		{"末締め February 2000 is leap by the 400-year rule", 0, 2000, time.February, "2000-02-01", "2000-02-29"},
		{"末締め February 2100 is not leap by the 100-year rule", 0, 2100, time.February, "2100-02-01", "2100-02-28"},
		{"末締め April 2026 ends on the 30th", 0, 2026, time.April, "2026-04-01", "2026-04-30"},
		{"末締め December 2026 ends on New Year's Eve", 0, 2026, time.December, "2026-12-01", "2026-12-31"},
		// n日締め: the day after last month's closing day to this month's.
		{"1日締め January 2026 runs 2 December to 1 January", 1, 2026, time.January, "2025-12-02", "2026-01-01"},
		{"10日締め February 2025 runs 11 January to 10 February", 10, 2025, time.February, "2025-01-11", "2025-02-10"},
		{"15日締め January 2027 starts in the previous year", 15, 2027, time.January, "2026-12-16", "2027-01-15"},
		{"15日締め March 2024 takes in the leap day", 15, 2024, time.March, "2024-02-16", "2024-03-15"},
		{"20日締め March 2024 runs 21 February to 20 March", 20, 2024, time.March, "2024-02-21", "2024-03-20"},
		{"20日締め January 2026 starts on 21 December 2025", 20, 2026, time.January, "2025-12-21", "2026-01-20"},
		{"25日締め December 2026 runs 26 November to 25 December", 25, 2026, time.December, "2026-11-26", "2026-12-25"},
		// February 2023 has no 29th, so the day after its 28th is 1 March.
		{"28日締め March 2023 starts on 1 March after a 28-day February", 28, 2023, time.March, "2023-03-01", "2023-03-28"},
		{"28日締め March 2024 starts on the leap day", 28, 2024, time.March, "2024-02-29", "2024-03-28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := payroll.PeriodFor(tt.closingDay, tt.year, tt.month)
			if err != nil {
				t.Fatalf("PeriodFor: %v", err)
			}
			want := model.PayPeriod{Year: tt.year, Month: tt.month, Start: date(tt.start), End: date(tt.end)}
			if got != want {
				t.Errorf("PeriodFor(%d, %d, %d) = %s..%s, want %s..%s", tt.closingDay, tt.year, tt.month, got.Start, got.End, want.Start, want.End)
			}
		})
	}
}

func TestPeriodNamed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, label string
		closingDay  int
		start, end  string // "" when the label is refused
	}{
		{"a label names the calendar month with 末締め", "2026-10", 0, "2026-10-01", "2026-10-31"},
		{"a label names the period closing in its month with 20日締め", "2026-03", 20, "2026-02-21", "2026-03-20"},
		{"a month 13 is refused", "2026-13", 0, "", ""},
		{"a date is refused", "2026-10-01", 0, "", ""},
		{"a single-digit month is refused", "2026-7", 0, "", ""},
		{"an empty label is refused", "", 0, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := payroll.PeriodNamed(tt.closingDay, tt.label)
			if tt.start == "" {
				if err == nil || !strings.Contains(err.Error(), `"`+tt.label+`": want YYYY-MM`) {
					t.Errorf("PeriodNamed(%q) = %v, %v; want an error quoting the label and saying YYYY-MM", tt.label, got, err)
				}
				return
			}
			if err != nil || got.Label() != tt.label || got.Start != date(tt.start) || got.End != date(tt.end) {
				t.Errorf("PeriodNamed(%d, %q) = %s %s..%s, %v; want %s..%s", tt.closingDay, tt.label, got.Label(), got.Start, got.End, err, tt.start, tt.end)
			}
		})
	}
}

func TestPeriodContaining(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		closingDay int
		date       string
		year       int
		month      time.Month
	}{
		{"末締め puts New Year's Eve in December", 0, "2026-12-31", 2026, time.December},
		{"末締め puts the 1st in its own month", 0, "2026-04-01", 2026, time.April},
		{"20日締め puts the closing day itself in its month", 20, "2026-12-20", 2026, time.December},
		{"20日締め puts the day after the closing day in next January", 20, "2026-12-21", 2027, time.January},
		{"15日締め puts the leap day in March", 15, "2024-02-29", 2024, time.March},
		{"28日締め puts the leap day in March", 28, "2024-02-29", 2024, time.March},
		{"28日締め puts 1 March 2023 in March", 28, "2023-03-01", 2023, time.March},
		{"1日締め puts New Year's Day in January", 1, "2026-01-01", 2026, time.January},
		{"1日締め puts 2 January in February", 1, "2026-01-02", 2026, time.February},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := payroll.PeriodContaining(tt.closingDay, date(tt.date))
			if err != nil {
				t.Fatalf("PeriodContaining: %v", err)
			}
			if got.Year != tt.year || got.Month != tt.month {
				t.Errorf("PeriodContaining(%d, %s) = %s, want %04d-%02d", tt.closingDay, tt.date, got.Label(), tt.year, tt.month)
			}
			if !got.Contains(date(tt.date)) {
				t.Errorf("period %s..%s does not contain %s", got.Start, got.End, tt.date)
			}
		})
	}
}

// Whatever the closing day, the periods of consecutive months tile the calendar: each starts
// the day after the previous one ends, ends on the closing day, and holds exactly the dates
// PeriodContaining assigns to it.
func TestPeriodsTileTheCalendarForEveryClosingDay(t *testing.T) {
	t.Parallel()
	for closingDay := 0; closingDay <= 28; closingDay++ {
		prev, err := payroll.PeriodFor(closingDay, 2022, time.December)
		if err != nil {
			t.Fatalf("PeriodFor(%d): %v", closingDay, err)
		}
		for m := 0; m < 12*8; m++ {
			year, month := 2023+m/12, time.Month(m%12+1)
			p, err := payroll.PeriodFor(closingDay, year, month)
			if err != nil {
				t.Fatalf("PeriodFor(%d, %d, %d): %v", closingDay, year, month, err)
			}
			if p.Start != prev.End.AddDays(1) {
				t.Errorf("closing day %d: %s starts %s, want the day after %s", closingDay, p.Label(), p.Start, prev.End)
			}
			if closingDay != 0 && p.End.Day != closingDay {
				t.Errorf("closing day %d: %s ends %s", closingDay, p.Label(), p.End)
			}
			if closingDay == 0 && p.End.AddDays(1).Day != 1 {
				t.Errorf("末締め: %s ends %s, not the month's last day", p.Label(), p.End)
			}
			for d := p.Start; !d.After(p.End); d = d.AddDays(1) {
				got, err := payroll.PeriodContaining(closingDay, d)
				if err != nil || got != p {
					t.Fatalf("closing day %d: PeriodContaining(%s) = %s, %v; want %s", closingDay, d, got.Label(), err, p.Label())
				}
			}
			prev = p
		}
	}
}

func TestPeriodArgumentsOutsideTheRulesAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		call       func() error
		field      string
		allowedHas string
	}{
		{"a closing day of 29 is refused, because February may not have one", func() error {
			_, err := payroll.PeriodFor(29, 2026, time.April)
			return err
		}, "closing_day", "0 (末締め"},
		{"a closing day of 31 is refused: 末締め is written 0", func() error {
			_, err := payroll.PeriodFor(31, 2026, time.April)
			return err
		}, "closing_day", "1..28"},
		{"a negative closing day is refused", func() error {
			_, err := payroll.PeriodContaining(-1, date("2026-04-01"))
			return err
		}, "closing_day", "1..28"},
		{"month 0 is refused", func() error {
			_, err := payroll.PeriodFor(0, 2026, 0)
			return err
		}, "month", "1..12"},
		{"month 13 is refused", func() error {
			_, err := payroll.PeriodFor(20, 2026, 13)
			return err
		}, "month", "1..12"},
		{"a zero date has no period", func() error {
			_, err := payroll.PeriodContaining(0, model.Date{})
			return err
		}, "date", "business date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var re *payroll.RuleError
			if err := tt.call(); !errors.As(err, &re) {
				t.Fatalf("error %v, want a *payroll.RuleError", err)
			}
			if re.Field != tt.field || !strings.Contains(re.Error(), tt.allowedHas) {
				t.Errorf("error %q on field %q, want field %q saying %q", re, re.Field, tt.field, tt.allowedHas)
			}
		})
	}
}

func TestFirstDayNeededIsTheStartOfTheWeekHoldingThePeriodStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		weekStart time.Weekday
		want      string
	}{
		// 1 April 2026 is a Wednesday.
		{"weeks from Sunday go back to Sunday 29 March", time.Sunday, "2026-03-29"},
		{"weeks from Monday go back to Monday 30 March", time.Monday, "2026-03-30"},
		{"weeks from Wednesday start on the period start itself", time.Wednesday, "2026-04-01"},
		{"weeks from Thursday go back six days to 26 March", time.Thursday, "2026-03-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rules := payroll.Rules{PrescribedDailyMinutes: 480, WeekStart: tt.weekStart}
			if got := payroll.FirstDayNeeded(rules, april2026); got != date(tt.want) {
				t.Errorf("FirstDayNeeded = %s, want %s", got, tt.want)
			}
		})
	}
}
