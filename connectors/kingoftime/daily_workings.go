package kingoftime

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// DailyWorkingsService reads the daily attendance (日別勤怠) that KOT computes from the
// punches, the schedules and the company's rules.
type DailyWorkingsService service

// DailyWorkingDay is one date of the daily attendance: every employee's row for it.
type DailyWorkingDay struct {
	Date          model.Date     `json:"date"`
	DailyWorkings []DailyWorking `json:"dailyWorkings"`
}

// DailyWorking is one employee's attendance on one work date. Durations are minutes. There
// are no clock-in or clock-out times here: those are in the time records.
type DailyWorking struct {
	Date                  model.Date `json:"date"`
	EmployeeKey           string     `json:"employeeKey"`
	WorkPlaceDivisionCode string     `json:"workPlaceDivisionCode"`
	WorkPlaceDivisionName string     `json:"workPlaceDivisionName"`
	// IsClosing says the day is closed (締め済).
	IsClosing bool `json:"isClosing"`
	IsHelp    bool `json:"isHelp"`
	// IsError marks a day KOT finds inconsistent (エラー勤務), e.g. a missing clock-out.
	IsError bool `json:"isError"`
	// WorkdayTypeName is the day's kind (勤務日種別): 平日, 法定休日 or 法定外休日.
	WorkdayTypeName     string           `json:"workdayTypeName"`
	Assigned            int              `json:"assigned"`
	Unassigned          int              `json:"unassigned"`
	Overtime            int              `json:"overtime"`
	LateNight           int              `json:"lateNight"`
	LateNightUnassigned int              `json:"lateNightUnassigned"`
	LateNightOvertime   int              `json:"lateNightOvertime"`
	BreakTime           int              `json:"breakTime"`
	Late                int              `json:"late"`
	EarlyLeave          int              `json:"earlyLeave"`
	TotalWork           int              `json:"totalWork"`
	HolidaysObtained    HolidaysObtained `json:"holidaysObtained"`
	// AutoBreakOff is 0 while automatic breaks apply, else 1 (working type), 2 (schedule)
	// or 3 (all) switched off.
	AutoBreakOff          int                  `json:"autoBreakOff"`
	DiscretionaryVacation int                  `json:"discretionaryVacation"`
	CustomDailyWorkings   []CustomDailyWorking `json:"customDailyWorkings"`
	// CurrentDateEmployee is the employee as of today, only with AdditionalFields
	// FieldCurrentDateEmployee.
	CurrentDateEmployee *Employee `json:"currentDateEmployee"`
}

// HolidaysObtained is the leave taken on a day (休暇取得).
type HolidaysObtained struct {
	// FulltimeHoliday is a whole day's leave, nil when none.
	FulltimeHoliday *Holiday         `json:"fulltimeHoliday"`
	HalfdayHolidays []HalfdayHoliday `json:"halfdayHolidays"`
	HourHolidays    []HourHoliday    `json:"hourHolidays"`
}

// Holiday names a leave type (休暇区分): code 1 is paid leave (有休) and 2 compensatory leave
// (代休) by default; companies add their own.
type Holiday struct {
	Code Code   `json:"code"`
	Name string `json:"name"`
}

// HalfdayHoliday is half a day of leave; TypeName says which half (AM休, PM休).
type HalfdayHoliday struct {
	TypeName string `json:"typeName"`
	Holiday
}

// HourHoliday is leave taken by the hour.
type HourHoliday struct {
	Start   Time `json:"start"`
	End     Time `json:"end"`
	Minutes int  `json:"minutes"`
	Holiday
}

// CustomDailyWorking is a company-defined daily figure; KOT sends one decimal place.
type CustomDailyWorking struct {
	Code                string  `json:"code"`
	Name                string  `json:"name"`
	CalculationUnitCode int     `json:"calculationUnitCode"`
	CalculationResult   float64 `json:"calculationResult"`
}

// FieldCurrentDateEmployee adds the employee's master data as of today to each row.
const FieldCurrentDateEmployee = "currentDateEmployee"

// RangeOptions select the rows of a date range.
type RangeOptions struct {
	// Start and End are the dates (both included), given together, at most MaxRangeDays
	// apart; both zero means today. The Iter methods split longer ranges.
	Start, End model.Date
	// Division keeps one division (所属コード).
	Division string
	// ByWorkPlace selects rows by the division worked at (出勤先) instead of the
	// employee's own (所属); only with Division.
	ByWorkPlace bool
	// AdditionalFields names extras, e.g. FieldCurrentDateEmployee.
	AdditionalFields []string
}

func (o *RangeOptions) values() (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	if err := checkRange(o.Start, o.End); err != nil {
		return nil, err
	}
	if !o.Start.IsZero() {
		q.Set("start", o.Start.String())
		q.Set("end", o.End.String())
	}
	if o.Division != "" {
		q.Set("division", o.Division)
		if o.ByWorkPlace {
			q.Set("ondivision", strconv.FormatBool(false))
		}
	}
	if len(o.AdditionalFields) > 0 {
		q.Set("additionalFields", strings.Join(o.AdditionalFields, ","))
	}
	return q, nil
}

// List returns the daily attendance of every employee (of Division, if given) for each date
// of a range of at most MaxRangeDays. KOT has no filter by employee here.
//
// KING OF TIME WebAPI docs: https://developer.kingtime.jp/#勤怠-日別勤怠データ-get
//
//meta:operation GET /daily-workings
func (s *DailyWorkingsService) List(ctx context.Context, opts *RangeOptions) ([]DailyWorkingDay, *Response, error) {
	q, err := opts.values()
	if err != nil {
		return nil, nil, fmt.Errorf("list daily workings: %w", err)
	}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "daily-workings"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out []DailyWorkingDay
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list daily workings: %w", err)
	}
	return out, resp, nil
}

// ListIter walks opts.Start..opts.End, of any length, one request per MaxRangeDays.
func (s *DailyWorkingsService) ListIter(ctx context.Context, opts RangeOptions) iter.Seq2[DailyWorkingDay, error] {
	return inRanges(opts, func(o *RangeOptions) ([]DailyWorkingDay, error) {
		days, _, err := s.List(ctx, o)
		return days, err
	})
}

// inRanges calls list for each part of opts' range that KOT serves in one request, and
// yields the items in order. It stops at the first error, which it yields.
func inRanges[T any](opts RangeOptions, list func(*RangeOptions) ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		ranges := []Range{{opts.Start, opts.End}}
		if !opts.Start.IsZero() && !opts.End.IsZero() {
			ranges = SplitRange(opts.Start, opts.End)
		}
		for _, r := range ranges {
			part := opts
			part.Start, part.End = r.Start, r.End
			items, err := list(&part)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}
