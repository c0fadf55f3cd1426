package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// File is a parsed, validated hub.yaml with every default filled in. Connections and flows
// keep the order the file gives them.
type File struct {
	// Name is the file as named to Load or Parse, for messages.
	Name        string
	Version     int
	Company     Company
	Runtime     Runtime
	Connections []Connection
	Flows       []Flow
	// Alerts is nil when hub.yaml raises no operations alerts.
	Alerts *Alerts

	at map[string]position
}

// Alerts says where operations alerts go.
type Alerts struct {
	// Chat names the connection that posts them (a chat connector).
	Chat string
	// Channel is the chat channel (Slack channel id, Chatwork room id) they are posted to.
	Channel string
	// Issues names the connection that files them as issues; empty for chat alone.
	Issues string
}

// Company is the company the hub works for.
type Company struct {
	// Name is optional, for reports and messages.
	Name string
	// Zone is where business dates are read (Asia/Tokyo unless hub.yaml says otherwise).
	Zone *time.Location
}

// Runtime tunes the embedded runtime (urakata run / dev).
type Runtime struct {
	// DataDir holds the SQLite database and state.
	DataDir string
	Workers int
	// Lease is how long a ledger claim lasts before another worker may take over.
	Lease time.Duration
	// Visibility is how long a received message stays hidden from other workers.
	Visibility time.Duration
	// MaxReceives is how many receives a message gets before it goes to the dead letters.
	MaxReceives int
	// Listen is the webhook server's address.
	Listen string
}

// Connection is one system the hub talks to.
type Connection struct {
	// Name is the key under connections, e.g. "freee-hr".
	Name string
	// Vendor is a registered connector's name.
	Vendor string
	// BaseURL is empty for the connector's default.
	BaseURL string
	// Secret names the secret holding the credentials; empty when the connection has none.
	Secret string
	// Settings are validated against the vendor's Fields, with defaults filled in. Values are
	// int, bool, string (String and URL), time.Duration, []string (StringList) and
	// map[string]string (StringMap).
	Settings map[string]any
}

// Flow is one flow of the hub.
type Flow struct {
	// Name is the key under flows, e.g. "timeclock-to-payroll".
	Name string
	// Type is a registered flow type.
	Type string
	// Source and Target name connections of the same file.
	Source, Target string
	Trigger        Trigger
	// Period is set for flow types that need pay period rules, nil otherwise.
	Period *Period
	// Mapping is validated against the flow type's Fields, typed as Connection.Settings.
	Mapping map[string]any
}

// Trigger says what starts a flow; at least one of its fields is set.
type Trigger struct {
	Schedule *Schedule
	Webhook  *Webhook
}

// Webhook starts a flow when a connection's vendor posts an event.
type Webhook struct {
	// Connection names the connection whose vendor sends (and signs) the events.
	Connection string
	// Path is the URL path the vendor posts to: /hooks/<connection> unless hub.yaml says.
	Path string
}

// Period holds the pay period rules of a time-clock flow.
type Period struct {
	// ClosingDay is the closing day (締め日): 0 for the end of the month (末締め), or 1-28.
	ClosingDay int
	// PrescribedDailyMinutes is the prescribed working time per day (所定労働時間).
	PrescribedDailyMinutes int
	// PrescribedStart and PrescribedEnd are the prescribed hours (始業・終業), both or neither
	// set; an end before the start crosses midnight.
	PrescribedStart, PrescribedEnd *Clock
	// WeekStart is the first day of the week for weekly overtime and legal holidays.
	WeekStart time.Weekday
	Rounding  Rounding
}

// Rounding is how worked time is rounded (端数処理). Unit 1 means no rounding.
type Rounding struct {
	// Unit is the rounding unit in minutes: 1, 5, 10, 15 or 30.
	Unit  int
	Mode  RoundingMode
	Apply RoundingScope
}

// RoundingMode is the direction of rounding.
type RoundingMode string

// The rounding modes.
const (
	RoundFloor  RoundingMode = "floor"   // 切り捨て
	RoundCeil   RoundingMode = "ceil"    // 切り上げ
	RoundHalfUp RoundingMode = "half_up" // 四捨五入
)

// RoundingScope is what gets rounded.
type RoundingScope string

// The rounding scopes.
const (
	RoundDaily   RoundingScope = "daily"   // each day's time
	RoundMonthly RoundingScope = "monthly" // the month's totals
)

// Load reads and validates the hub.yaml at path. A file that cannot be read is a wrapped
// os error; a file that is not valid is Errors.
func Load(path string, v Vocabulary) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read hub.yaml: %w", err)
	}
	return Parse(path, data, v)
}

// Parse validates data, the content of the hub.yaml called name, against v. When it is not
// valid, the error is Errors: every problem found, in file order.
func Parse(name string, data []byte, v Vocabulary) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{File: name, Line: 1, Column: 1,
				Message: "the file is empty; want a mapping with version: 1, connections and flows"}}
		}
		return nil, Errors{syntaxError(name, err)}
	}
	w := newWalker(name)
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		w.fail(&next, "", "a second document; hub.yaml holds one, so remove the '---' line above this one")
	case !errors.Is(err, io.EOF):
		w.errs = append(w.errs, syntaxError(name, err))
	}
	tree := w.value(documentSpec(v), doc.Content[0], "", nil)
	w.checkRefs()
	if len(w.errs) > 0 {
		w.errs.sort()
		return nil, w.errs
	}
	f := build(tree.(map[string]any), v)
	f.Name, f.at = name, w.at
	return f, nil
}

var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError places a YAML syntax error at the line the parser gives. For some errors
// (an unclosed [ or {) yaml.v3 gives the line before the construct, and its message does
// not say which kind it is, so the line is passed on as it comes.
func syntaxError(name string, err error) *Error {
	e := &Error{File: name, Message: "not valid YAML: " + err.Error()}
	if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Message = "not valid YAML: " + m[2]
	}
	return e
}

// Flow returns the flow called name, or an *UnknownFlowError listing the flows there are.
func (f *File) Flow(name string) (*Flow, error) {
	for i := range f.Flows {
		if f.Flows[i].Name == name {
			return &f.Flows[i], nil
		}
	}
	return nil, &UnknownFlowError{Name: name, Known: f.FlowNames()}
}

// FlowNames returns the names of the flows, in file order.
func (f *File) FlowNames() []string {
	names := make([]string, len(f.Flows))
	for i, fl := range f.Flows {
		names[i] = fl.Name
	}
	return names
}

// Connection returns the connection called name. Every name a valid File's flows use is
// there.
func (f *File) Connection(name string) (*Connection, bool) {
	for i := range f.Connections {
		if f.Connections[i].Name == name {
			return &f.Connections[i], true
		}
	}
	return nil, false
}

// ErrorAt returns an error placed at path in the file (e.g. "flows.payroll.source"), for
// checks made after parsing, such as the hub finding that a source connection cannot read
// attendance. A path the file does not hold gets no line.
func (f *File) ErrorAt(path, format string, args ...any) *Error {
	e := &Error{File: f.Name, Path: path, Message: fmt.Sprintf(format, args...)}
	if p, ok := f.at[path]; ok {
		e.Line, e.Column = p.line, p.column
	}
	return e
}

// get returns m[key] as a T; the zero T when it is absent. The walker has already checked
// every type, so a mismatch cannot happen.
func get[T any](m map[string]any, key string) T {
	v, _ := m[key].(T)
	return v
}

// build turns a validated tree into a File.
func build(tree map[string]any, v Vocabulary) *File {
	company := get[map[string]any](tree, "company")
	runtime := get[map[string]any](tree, "runtime")
	f := &File{
		Version: get[int](tree, "version"),
		Company: Company{Name: get[string](company, "name"), Zone: get[*time.Location](company, "zone")},
		Runtime: Runtime{
			DataDir:     get[string](runtime, "data_dir"),
			Workers:     get[int](runtime, "workers"),
			Lease:       get[time.Duration](runtime, "lease"),
			Visibility:  get[time.Duration](runtime, "visibility"),
			MaxReceives: get[int](runtime, "max_receives"),
			Listen:      get[string](runtime, "listen"),
		},
	}
	if a := get[map[string]any](tree, "alerts"); a != nil {
		f.Alerts = &Alerts{Chat: get[string](a, "chat"), Channel: get[string](a, "channel"), Issues: get[string](a, "issues")}
	}
	for _, e := range get[[]entry](tree, "connections") {
		c := e.value.(map[string]any)
		vendor := get[string](c, "vendor")
		f.Connections = append(f.Connections, Connection{
			Name:     e.name,
			Vendor:   vendor,
			BaseURL:  get[string](c, "base_url"),
			Secret:   get[string](c, "secret"),
			Settings: typed(v.Vendors[vendor], get[map[string]any](c, "settings")),
		})
	}
	for _, e := range get[[]entry](tree, "flows") {
		fl := e.value.(map[string]any)
		typ := get[string](fl, "type")
		f.Flows = append(f.Flows, Flow{
			Name:    e.name,
			Type:    typ,
			Source:  get[string](fl, "source"),
			Target:  get[string](fl, "target"),
			Trigger: trigger(get[map[string]any](fl, "trigger"), f.Company.Zone),
			Period:  period(get[map[string]any](fl, "period")),
			Mapping: typed(v.FlowTypes[typ].Mapping, get[map[string]any](fl, "mapping")),
		})
	}
	return f
}

// typed gives each value the Go type its Field promises.
func typed(fields []Field, m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for _, fd := range fields {
		if val, ok := m[fd.Name]; ok {
			out[fd.Name] = fieldValue(fd.Type, val)
		}
	}
	return out
}

func trigger(m map[string]any, companyZone *time.Location) Trigger {
	var t Trigger
	if s := get[map[string]any](m, "schedule"); s != nil {
		c := get[parsedCron](s, "cron")
		zone := get[*time.Location](s, "zone")
		if zone == nil {
			zone = companyZone
		}
		t.Schedule = &Schedule{Cron: c.text, Zone: zone, cron: c.cron}
	}
	if h := get[map[string]any](m, "webhook"); h != nil {
		conn := get[string](h, "connection")
		path := get[string](h, "path")
		if path == "" {
			path = "/hooks/" + conn
		}
		t.Webhook = &Webhook{Connection: conn, Path: path}
	}
	return t
}

func period(m map[string]any) *Period {
	if m == nil {
		return nil
	}
	p := &Period{
		ClosingDay:             get[int](m, "closing_day"),
		PrescribedDailyMinutes: get[int](m, "prescribed_daily_minutes"),
	}
	if c, ok := m["prescribed_start"].(Clock); ok {
		p.PrescribedStart = &c
	}
	if c, ok := m["prescribed_end"].(Clock); ok {
		p.PrescribedEnd = &c
	}
	for i, name := range weekdayNames {
		if name == get[string](m, "week_start") {
			p.WeekStart = time.Weekday(i)
		}
	}
	r := get[map[string]any](m, "rounding")
	p.Rounding = Rounding{
		Unit:  get[int](r, "unit"),
		Mode:  RoundingMode(get[string](r, "mode")),
		Apply: RoundingScope(get[string](r, "apply")),
	}
	return p
}
