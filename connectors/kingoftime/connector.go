package kingoftime

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Connector declares KING OF TIME to the hub: its settings, capabilities, closed windows
// and constructor.
var Connector = hub.Connector{
	Vendor:         Vendor,
	Summary:        "KING OF TIME 勤怠管理: employees, punches, day kinds and leave in; paid-leave balances",
	DefaultBaseURL: DefaultBaseURL,
	Capabilities:   []hub.Capability{hub.CapEmployees, hub.CapAttendance, hub.CapPaidLeaveBalance},
	Fields: []config.Field{
		{Name: "requests_per_minute", Type: config.Int, Default: DefaultRequestsPerMinute,
			Description: "requests this connection may make a minute; KOT publishes no limit (a third-party guide says 500 per rolling 5 minutes) and answers code 303 when it is exceeded"},
		{Name: "division", Type: config.String, Example: "1000",
			Description: "read only the employees and attendance of this division (所属コード); the whole company when left out"},
		{Name: "observe_restricted_hours", Type: config.Bool, Default: true,
			Description: "call nothing during KOT's restricted hours (08:30–10:00 and 17:30–18:30 JST) and wait them out; turn off only for a server without them, such as the sandbox"},
		{Name: "leave_codes", Type: config.StringMap, Example: map[string]string{"1": "paid", "2": "none", "5": "absence", "6": "special"},
			Description: "leave type code (休暇区分コード) → paid, absence, special or none; codes not listed: 1 is paid, 2 (代休) none, others by name (欠勤 absence, 有休 paid, 代休/振休 none, else special)"},
		{Name: "access_token", Type: config.String, Secret: true, Required: true,
			Description: "a KING OF TIME WebAPI access token (KOT admin: 設定 → その他 → オプション → 外部サービス連携 → KING OF TIME WebAPI連携設定), with Read permission for employees and attendance and this machine's IP address permitted"},
	},
	Windows: RestrictedHours,
	New:     func(ctx context.Context, env hub.Env) (any, error) { return New(ctx, env) },
}

func init() { hub.Register(Connector) }

// KOT is one KING OF TIME connection as the hub uses it: an attendance source (employees,
// punches, day kinds and leave) and a source of paid-leave balances.
type KOT struct {
	// Client is the API client, for calls the capabilities do not cover.
	Client     *Client
	connection string
	division   string
	zone       *time.Location
	leave      map[string]model.LeaveKind
	logger     *slog.Logger
	now        func() time.Time
	// sleep waits out a closed window; tests replace it to move a fake clock instead.
	sleep func(ctx context.Context, d time.Duration) error

	mu        sync.Mutex
	headcount int
	workings  map[Range]workingsEntry
	fetch     singleflight.Group
}

var (
	_ hub.AttendanceSource = (*KOT)(nil)
	_ hub.LeaveSource      = (*KOT)(nil)
)

// leaveNone marks a leave type that is a day off but no leave to count (代休).
const leaveNone model.LeaveKind = "none"

// New builds the connection env describes.
func New(_ context.Context, env hub.Env) (*KOT, error) {
	op := Vendor + ": connection " + env.Connection
	token, err := ParseToken(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	perMinute, err := config.IntSetting(env.Settings, "requests_per_minute", DefaultRequestsPerMinute)
	if err != nil || perMinute <= 0 {
		return nil, fault.Permanentf(op, "settings.requests_per_minute must be a positive integer")
	}
	observe := true
	if v, ok := env.Settings["observe_restricted_hours"].(bool); ok {
		observe = v
	}
	division, _ := env.Settings["division"].(string)
	leave, err := leaveCodes(env.Settings["leave_codes"])
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	logger := env.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	hc := httpx.New(Policy(int(perMinute)), httpx.WithLogger(logger))
	client, err := NewClient(hc, token, cmp.Or(env.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	client.SecretName = "secret " + cmp.Or(env.SecretName, env.Connection)
	if !observe {
		client.Windows = nil
	}
	zone := env.Zone
	if zone == nil {
		zone = jst
	}
	k := &KOT{
		Client: client, connection: env.Connection, division: division, zone: zone, leave: leave,
		logger: logger, now: time.Now, sleep: sleepCtx, workings: map[Range]workingsEntry{},
	}
	client.Now = func() time.Time { return k.now() }
	return k, nil
}

// ParseToken reads the connection's secret: the access token itself, or a JSON object
// with an access_token.
func ParseToken(s secrets.Secret) (secrets.Secret, error) {
	raw := strings.TrimSpace(s.Reveal())
	if strings.HasPrefix(raw, "{") {
		var doc struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal([]byte(raw), &doc); err != nil {
			return secrets.Secret{}, fmt.Errorf("the secret is a JSON object that does not parse; give the access token alone, or {\"access_token\": …}")
		}
		raw = strings.TrimSpace(doc.AccessToken)
	}
	if raw == "" {
		return secrets.Secret{}, fmt.Errorf("the secret holds no access token")
	}
	return secrets.New(raw), nil
}

// Employees yields the employees on the payroll in period: hired by its end and not
// resigned before its start, as the master stood at its end (or today, if sooner). KOT
// returns them all in one answer. Active is false for one who resigned within the period.
func (k *KOT) Employees(ctx context.Context, period model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(yield func(model.Employee, error) bool) {
		asOf := period.End
		if today := model.DateOf(k.now(), jst); asOf.After(today) {
			asOf = today
		}
		opts := &EmployeesOptions{
			Date: asOf, Division: k.division, IncludeResigner: true,
			AdditionalFields: []string{FieldHiredDate, FieldResignationDate, FieldEmailAddresses},
		}
		var list []Employee
		err := k.waitOut(ctx, func() error {
			var err error
			list, _, err = k.Client.Employees.List(ctx, opts)
			return err
		})
		if err != nil {
			yield(model.Employee{}, fmt.Errorf("%s: employees of %s: %w", Vendor, period.Label(), err))
			return
		}
		k.mu.Lock()
		k.headcount = len(list)
		k.mu.Unlock()
		for _, e := range list {
			if (!e.HiredDate.IsZero() && e.HiredDate.After(period.End)) ||
				(!e.ResignationDate.IsZero() && e.ResignationDate.Before(period.Start)) {
				continue
			}
			emp := model.Employee{
				IDs:            map[string]string{k.connection: e.Key},
				Code:           e.Code,
				Name:           strings.TrimSpace(e.LastName + " " + e.FirstName),
				Department:     e.DivisionName,
				EmploymentType: e.TypeName,
				Active:         e.ResignationDate.IsZero() || e.ResignationDate.After(period.End),
			}
			if len(e.EmailAddresses) > 0 {
				emp.Email = e.EmailAddresses[0]
			}
			if !yield(emp, nil) {
				return
			}
		}
	}
}

// Attendance returns the employee's days in period that have punches or leave: the punches
// filed under each work date (a night shift's clock-out stays with its clock-in), and each
// date's kind and leave from KOT's daily attendance. Breaks are the 休憩 punches and the time
// between going out (外出) and coming back; a clock-out followed by a clock-in on the same
// date leaves a gap that is counted as a break.
//
// The daily attendance has no filter by employee, so it is read for the whole company (or
// division) once per period and kept a few minutes for the next employees' calls.
func (k *KOT) Attendance(ctx context.Context, emp model.Employee, period model.PayPeriod) ([]model.AttendanceDay, error) {
	key := emp.ID(k.connection)
	if key == "" {
		return nil, fault.Permanentf(Vendor, "employee %q has no KING OF TIME key in connection %s", emp.Code, k.connection)
	}
	kinds, err := k.dayKinds(ctx, Range{period.Start, period.End})
	if err != nil {
		return nil, fmt.Errorf("%s: attendance of employee %s: %w", Vendor, emp.Code, err)
	}

	days := map[model.Date]*model.AttendanceDay{}
	day := func(d model.Date) *model.AttendanceDay {
		if days[d] == nil {
			info := kinds[key][d]
			days[d] = &model.AttendanceDay{EmployeeID: key, Date: d, Kind: cmp.Or(info.kind, model.Workday), Leave: info.leave, LeaveDays: info.leaveDays}
		}
		return days[d]
	}
	for d, info := range kinds[key] {
		if info.leave != model.NoLeave && period.Contains(d) {
			day(d)
		}
	}
	for _, r := range SplitRange(period.Start, period.End) {
		var recs []TimeRecordDay
		err := k.waitOut(ctx, func() error {
			var err error
			recs, _, err = k.Client.TimeRecords.List(ctx, &TimeRecordsOptions{RangeOptions: RangeOptions{Start: r.Start, End: r.End}, EmployeeKeys: []string{key}})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: attendance of employee %s: %w", Vendor, emp.Code, err)
		}
		for _, rd := range recs {
			for _, ep := range rd.DailyWorkings {
				d := cmp.Or(ep.Date, rd.Date)
				if ep.EmployeeKey != key || len(ep.TimeRecord) == 0 || !period.Contains(d) {
					continue
				}
				applyPunches(day(d), ep.TimeRecord, k.zone)
			}
		}
	}

	out := make([]model.AttendanceDay, 0, len(days))
	for _, a := range days {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b model.AttendanceDay) int { return a.Date.Compare(b.Date) })
	return out, nil
}

// punchKinds are KOT's punch codes as model punches.
var punchKinds = map[Code]model.PunchKind{
	PunchClockIn: model.PunchIn, PunchClockOut: model.PunchOut,
	PunchBreakStart: model.PunchBreakStart, PunchGoOut: model.PunchBreakStart,
	PunchBreakEnd: model.PunchBreakEnd, PunchGoBack: model.PunchBreakEnd,
}

// applyPunches sets a day's clock-in, clock-out and breaks from KOT's time records, by the
// rule model.AttendanceDay.ApplyPunches keeps for every time clock: going out and back
// (外出・戻り) is a break like 休憩.
func applyPunches(a *model.AttendanceDay, records []Punch, zone *time.Location) {
	punches := make([]model.Punch, 0, len(records))
	for _, p := range records {
		if k, ok := punchKinds[p.Code]; ok {
			punches = append(punches, model.Punch{At: p.Time.In(zone), Kind: k})
		}
	}
	a.ApplyPunches(punches)
}

// dayInfo is what the daily attendance says of one employee's date beyond its punches.
type dayInfo struct {
	kind      model.DayKind
	leave     model.LeaveKind
	leaveDays model.Days
}

type workingsEntry struct {
	at time.Time
	// byKey holds only the dates that are not plain workdays without leave, to stay small.
	byKey map[string]map[model.Date]dayInfo
}

// workingsTTL is how long a period's daily attendance is reused: long enough for one run
// to read every employee, short enough that the next run sees corrections.
const workingsTTL = 10 * time.Minute

// maxRowsPerRequest bounds the rows (employees × days) of one daily-attendance request,
// so that a large company's answer stays a few megabytes: KOT pages nothing.
const maxRowsPerRequest = 15000

// dayKinds returns the day kinds and leave of every employee in r, read once for all the
// employees that ask within workingsTTL.
func (k *KOT) dayKinds(ctx context.Context, r Range) (map[string]map[model.Date]dayInfo, error) {
	k.mu.Lock()
	if e, ok := k.workings[r]; ok && k.now().Sub(e.at) < workingsTTL {
		k.mu.Unlock()
		return e.byKey, nil
	}
	k.mu.Unlock()
	v, err, _ := k.fetch.Do(r.Start.String()+"/"+r.End.String(), func() (any, error) {
		byKey, err := k.readDayKinds(ctx, r)
		if err != nil {
			return nil, err
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		for old, e := range k.workings {
			if k.now().Sub(e.at) >= workingsTTL {
				delete(k.workings, old)
			}
		}
		k.workings[r] = workingsEntry{at: k.now(), byKey: byKey}
		return byKey, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]map[model.Date]dayInfo), nil
}

func (k *KOT) readDayKinds(ctx context.Context, r Range) (map[string]map[model.Date]dayInfo, error) {
	k.mu.Lock()
	perRequest := MaxRangeDays
	if k.headcount > 0 {
		perRequest = min(max(maxRowsPerRequest/k.headcount, 1), MaxRangeDays)
	}
	k.mu.Unlock()
	byKey := map[string]map[model.Date]dayInfo{}
	for from := r.Start; !from.After(r.End); from = from.AddDays(perRequest) {
		to := from.AddDays(perRequest - 1)
		if to.After(r.End) {
			to = r.End
		}
		var list []DailyWorkingDay
		err := k.waitOut(ctx, func() error {
			var err error
			list, _, err = k.Client.DailyWorkings.List(ctx, &RangeOptions{Start: from, End: to, Division: k.division})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, day := range list {
			for _, w := range day.DailyWorkings {
				info := k.dayInfo(w)
				if info == (dayInfo{kind: model.Workday}) {
					continue
				}
				d := cmp.Or(w.Date, day.Date)
				if byKey[w.EmployeeKey] == nil {
					byKey[w.EmployeeKey] = map[model.Date]dayInfo{}
				}
				byKey[w.EmployeeKey][d] = info
			}
		}
	}
	return byKey, nil
}

func (k *KOT) dayInfo(w DailyWorking) dayInfo {
	info := dayInfo{kind: dayKind(w.WorkdayTypeName)}
	h := w.HolidaysObtained
	switch {
	case h.FulltimeHoliday != nil:
		info.leave, info.leaveDays = k.leaveKind(*h.FulltimeHoliday), model.Day
	case len(h.HalfdayHolidays) > 0:
		info.leave = k.leaveKind(h.HalfdayHolidays[0].Holiday)
		info.leaveDays = min(model.Days(len(h.HalfdayHolidays))*model.Day/2, model.Day)
	}
	if info.leave == leaveNone {
		info.leave, info.leaveDays = model.NoLeave, 0
	}
	return info
}

// dayKind reads KOT's 勤務日種別. KOT's kinds are 平日 (a working day), 法定休日 (the legal
// holiday) and 法定外休日 (a prescribed holiday); any other holiday name is taken as
// prescribed, any other name as a working day.
func dayKind(name string) model.DayKind {
	switch {
	case name == "法定休日":
		return model.LegalHoliday
	case strings.Contains(name, "法定外"), strings.Contains(name, "所定休"):
		return model.PrescribedHoliday
	case name == "平日", name == "":
		return model.Workday
	case strings.Contains(name, "休"):
		return model.PrescribedHoliday
	}
	return model.Workday
}

// leaveKind maps a leave type by hub.yaml's leave_codes, then KOT's defaults (1 paid, 2 代休),
// then its name.
func (k *KOT) leaveKind(h Holiday) model.LeaveKind {
	if kind, ok := k.leave[string(h.Code)]; ok {
		return kind
	}
	switch {
	case h.Code == "1":
		return model.PaidLeave
	case h.Code == "2":
		return leaveNone
	case strings.Contains(h.Name, "欠勤"):
		return model.Absence
	case strings.Contains(h.Name, "有休"), strings.Contains(h.Name, "有給"):
		return model.PaidLeave
	case strings.Contains(h.Name, "代休"), strings.Contains(h.Name, "振休"):
		return leaveNone
	}
	return model.SpecialLeave
}

// LeaveBalance is one employee's remaining paid leave (年次有給休暇) as of a month's closing.
type LeaveBalance struct {
	// EmployeeKey is KOT's key, the employee's id in this connection.
	EmployeeKey string
	AsOf        model.Date
	// Days are whole and half days left; Minutes the hours left, as minutes.
	Days    model.Days
	Minutes int
}

// PaidLeaveBalances yields every employee's remaining paid leave as of the closing of a
// month: one request for the working types, one per working type. Leave types count as
// annual paid leave as leave_codes says (code 1 by default; see annualLeave).
func (k *KOT) PaidLeaveBalances(ctx context.Context, year int, month time.Month) iter.Seq2[LeaveBalance, error] {
	return func(yield func(LeaveBalance, error) bool) {
		fail := func(err error) {
			yield(LeaveBalance{}, fmt.Errorf("%s: paid leave of %04d-%02d: %w", Vendor, year, month, err))
		}
		var types []WorkingType
		if err := k.waitOut(ctx, func() error {
			var err error
			types, _, err = k.Client.WorkingTypes.List(ctx)
			return err
		}); err != nil {
			fail(err)
			return
		}
		for _, t := range types {
			var rows []HolidayRemained
			if err := k.waitOut(ctx, func() error {
				var err error
				rows, _, err = k.Client.MonthlyWorkings.HolidayRemained(ctx, t.Code, year, month)
				return err
			}); err != nil {
				fail(err)
				return
			}
			for _, row := range rows {
				days, minutes := k.annualLeaveLeft(row)
				b := LeaveBalance{EmployeeKey: row.EmployeeKey, AsOf: row.Date, Days: days, Minutes: minutes}
				if !yield(b, nil) {
					return
				}
			}
		}
	}
}

// maxWaits bounds how often one call waits and tries again.
const maxWaits = 4

// waitOut runs call and, when KOT (or our own view of its windows) asks to wait, waits in
// process and tries again, if the caller's deadline leaves room: a flow that meets the
// restricted hours halfway through its employees then finishes instead of failing them.
// Without that room it returns the *fault.RateLimitedError, so the runtime requeues.
func (k *KOT) waitOut(ctx context.Context, call func() error) error {
	for waits := 0; ; waits++ {
		err := call()
		wait, limited := fault.RetryAfter(err)
		if !limited || waits >= maxWaits {
			return err
		}
		if wait <= 0 {
			wait = restrictedFallback
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return err
		}
		k.logger.InfoContext(ctx, "KING OF TIME asks to wait; waiting in process",
			slog.String("connection", k.connection), slog.String("wait", wait.String()),
			slog.String("until", k.now().Add(wait).In(jst).Format("15:04:05 MST")))
		if serr := k.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("waiting %s for KING OF TIME: %w", wait, serr)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// leaveCodes reads hub.yaml's leave_codes.
func leaveCodes(v any) (map[string]model.LeaveKind, error) {
	out := map[string]model.LeaveKind{}
	m, _ := v.(map[string]string)
	for code, kind := range m {
		switch k := model.LeaveKind(kind); k {
		case model.PaidLeave, model.Absence, model.SpecialLeave, leaveNone:
			out[code] = k
		default:
			return nil, fmt.Errorf("settings.leave_codes.%s is %q; want paid, absence, special or none", code, kind)
		}
	}
	return out, nil
}
