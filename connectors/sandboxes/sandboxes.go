// Package sandboxes starts the vendors' sandboxes for `urakata dev`: each connection of
// hub.yaml whose vendor has a sandbox gets one on loopback, seeded with the demo company,
// and the connection is pointed at it. Then it plays the demo's script against them, as the
// vendors' people would: a conversation with the chat bot (Converse) and an operations
// alert raised and closed (DrillAlert). It lives apart from the connectors so that the
// Lambda binaries never link a sandbox.
package sandboxes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urakata/urakata/connectors/chatwork"
	"github.com/urakata/urakata/connectors/chatwork/chatworktest"
	"github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/connectors/freeeaccounting"
	"github.com/urakata/urakata/connectors/freeeaccounting/freeeaccountingtest"
	"github.com/urakata/urakata/connectors/github"
	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/connectors/kingoftime"
	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	"github.com/urakata/urakata/connectors/slack"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/connectors/xero"
	"github.com/urakata/urakata/connectors/xero/xerotest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Options shape the demo company.
type Options struct {
	// Employees is the head count of the demo company.
	Employees int
	// Year and Month are the demo month (the zero value: the month before now in Tokyo).
	Year  int
	Month time.Month
	// Now is the clock that says what day it is: the default demo month, and the time
	// clocks of the month in progress (freee 人事労務's, up to yesterday in Tokyo). Nil is
	// time.Now. The sandboxes keep their own clocks for tokens and rate limits.
	Now func() time.Time
	// DataDir keeps each sandbox's state between runs (tokens issued, records written), so
	// a second `urakata dev` meets the same vendor.
	DataDir string
	Logger  *slog.Logger
}

// tokyo is Asia/Tokyo, the demo company's zone. Japan has kept +09:00 without daylight
// saving since 1951, so a fixed zone is exact and needs no tzdata.
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

// withDefaults settles the demo month once, so that every sandbox has the same one even
// when a run starts on the last stroke of a month.
func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Year == 0 && o.Month == 0 {
		today := model.DateOf(o.Now(), tokyo)
		last := model.NewDate(today.Year, today.Month, 0)
		o.Year, o.Month = last.Year, last.Month
	}
	return o
}

// monthInProgress is the last day of the demo company's time clocks past the demo month:
// yesterday in Tokyo, the last whole day, when the month in progress comes after the demo
// month; zero when it does not (a --period of this month, or of one to come).
func (o Options) monthInProgress() model.Date {
	yesterday := model.DateOf(o.Now(), tokyo).AddDays(-1)
	if yesterday.After(model.NewDate(o.Year, o.Month+1, 0)) {
		return yesterday
	}
	return model.Date{}
}

// Started is one running sandbox.
type Started struct {
	Connection, Vendor, BaseURL string
}

// Set is the sandboxes of one hub.yaml, and that hub.yaml pointed at them.
type Set struct {
	// Config is a copy of the hub.yaml with each sandboxed connection's base URL and
	// settings pointing at its sandbox.
	Config *config.File
	// Secrets holds the sandboxes' credentials under the secret names hub.yaml gives.
	Secrets secrets.Source
	Started []Started
	closers []func() error
	// servers are the running sandboxes by connection name (a *slacktest.Server, …), for the
	// demo's script to drive.
	servers map[string]any
	// refusers switch a connection's sandbox to refusing the app and back (DrillAlert).
	refusers map[string]func(refusing bool)
}

// starter starts one vendor's sandbox for a connection, with opts already settled
// (withDefaults).
type starter func(conn config.Connection, opts Options, statePath string) (running, error)

type running struct {
	baseURL  string
	settings map[string]any
	secret   string
	close    func() error
	server   any
	// refuse, when set, makes the sandbox refuse the app (true) or serve it again (false).
	refuse func(refusing bool)
}

var starters = map[string]starter{
	chatwork.Vendor:        startChatwork,
	freee.Vendor:           startFreeeHR,
	freeeaccounting.Vendor: startFreeeAccounting,
	github.Vendor:          startGitHub,
	kingoftime.Vendor:      startKingOfTime,
	slack.Vendor:           startSlack,
	xero.Vendor:            startXero,
}

// Has reports whether vendor has a sandbox.
func Has(vendor string) bool { _, ok := starters[vendor]; return ok }

// StartAll starts a sandbox for every connection of cfg. A connection whose vendor has no
// sandbox is an error: the demo would otherwise call a real vendor.
func StartAll(ctx context.Context, cfg *config.File, opts Options) (*Set, error) {
	opts = opts.withDefaults()
	out := *cfg
	out.Connections = slices.Clone(cfg.Connections)
	set := &Set{Config: &out, servers: map[string]any{}, refusers: map[string]func(bool){}}
	creds := map[string]string{}
	for i, c := range out.Connections {
		start, ok := starters[c.Vendor]
		if !ok {
			set.Close()
			return nil, fmt.Errorf("connection %s: vendor %s has no sandbox; `urakata dev` runs only sandboxed vendors (use `urakata run` for the real ones)", c.Name, c.Vendor)
		}
		statePath := ""
		if opts.DataDir != "" {
			statePath = filepath.Join(opts.DataDir, "sandbox", c.Name+".json")
		}
		r, err := start(c, opts, statePath)
		if err != nil {
			set.Close()
			return nil, fmt.Errorf("connection %s: sandbox: %w", c.Name, err)
		}
		c.BaseURL = r.baseURL
		c.Settings = maps.Clone(c.Settings)
		if c.Settings == nil {
			c.Settings = map[string]any{}
		}
		maps.Copy(c.Settings, r.settings)
		out.Connections[i] = c
		if c.Secret != "" {
			creds[c.Secret] = r.secret
		}
		set.closers = append(set.closers, r.close)
		set.servers[c.Name] = r.server
		if r.refuse != nil {
			set.refusers[c.Name] = r.refuse
		}
		set.Started = append(set.Started, Started{Connection: c.Name, Vendor: c.Vendor, BaseURL: r.baseURL})
	}
	set.Secrets = secrets.Static(creds)
	return set, nil
}

// Close stops every sandbox, saving its state.
func (s *Set) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// startFreeeHR starts the freee 人事労務 sandbox behind a gate that can refuse the app, as
// freee does when an administrator takes the app's permission away: the fault of the
// demo's operations alert (DrillAlert). Its time clocks go on past the demo month up to
// yesterday, so that the flows counting the month in progress (the 36協定 guard, the chat
// bot's "今月の残業は?") have something to count.
func startFreeeHR(conn config.Connection, opts Options, statePath string) (running, error) {
	companyID, _ := conn.Settings["company_id"].(int)
	fo := freeetest.Options{Seed: 1, CompanyID: companyID, Employees: opts.Employees, Year: opts.Year, Month: opts.Month,
		Through: opts.monthInProgress()}
	if err := fo.Validate(); err != nil {
		return running{}, err
	}
	srv := freeetest.New(fo)
	stop, err := launch(srv, conn, opts, statePath)
	if err != nil {
		return running{}, err
	}
	apiPrefix := strings.TrimPrefix(srv.BaseURL(), srv.URL())
	g, err := startGate(srv, apiPrefix+"/", freeeForbidden)
	if err != nil {
		_ = stop()
		return running{}, err
	}
	cred, _ := json.Marshal(map[string]string{
		"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "freeetest-refresh-token",
	})
	return running{
		baseURL:  g.url + apiPrefix,
		settings: map[string]any{"token_url": srv.TokenURL()},
		secret:   string(cred),
		close:    func() error { g.close(); return stop() },
		server:   srv,
		refuse:   g.refusing.Store,
	}, nil
}

// startKingOfTime starts the KING OF TIME sandbox with the same people as freee's demo
// company (codes and emails are the same for the same head count), without restricted
// hours, so that a demo at 09:00 in Japan does not wait an hour.
func startKingOfTime(conn config.Connection, opts Options, statePath string) (running, error) {
	srv := kingoftimetest.New(kingoftimetest.Options{Seed: 1, Employees: opts.Employees, Year: opts.Year, Month: opts.Month, NoRestrictedHours: true})
	stop, err := launch(srv, conn, opts, statePath)
	if err != nil {
		return running{}, err
	}
	return running{
		baseURL:  srv.BaseURL(),
		settings: map[string]any{"observe_restricted_hours": false, "requests_per_minute": 6000},
		secret:   kingoftimetest.DefaultToken,
		close:    stop,
		server:   srv,
	}, nil
}

// startSlack starts the Slack sandbox with the demo company's people (the same emails as
// the other sandboxes, so a notice finds its employee by email).
func startSlack(conn config.Connection, opts Options, statePath string) (running, error) {
	srv := slacktest.New(slacktest.Options{Seed: 1, Employees: opts.Employees})
	stop, err := launch(srv, conn, opts, statePath)
	if err != nil {
		return running{}, err
	}
	cred, _ := json.Marshal(map[string]string{"bot_token": slacktest.DefaultBotToken, "signing_secret": slacktest.DefaultSigningSecret})
	return running{
		baseURL: srv.BaseURL(),
		secret:  string(cred),
		close:   stop,
		server:  srv,
	}, nil
}

// sandbox is what every vendor's sandbox server offers for `urakata dev` to run it.
type sandbox[V fmt.Stringer] interface {
	LoadState(r io.Reader) error
	SaveState(w io.Writer) error
	Start() error
	Close()
	Violations() []V
}

// launch loads srv's state from statePath when that file exists and starts srv. The func it
// returns stops srv, warns of the API violations it saw and saves its state atomically;
// statePath "" keeps no state.
func launch[V fmt.Stringer](srv sandbox[V], conn config.Connection, opts Options, statePath string) (func() error, error) {
	if statePath != "" {
		if f, err := os.Open(statePath); err == nil {
			err = srv.LoadState(f)
			_ = f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w (remove it to start the sandbox afresh)", statePath, err)
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	return func() error {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 && opts.Logger != nil {
			opts.Logger.Warn("sandbox saw requests or responses that break the vendor's API description", "connection", conn.Name, "violations", len(v), "first", v[0].String())
		}
		if statePath == "" {
			return nil
		}
		return saveState(srv, statePath)
	}, nil
}

func saveState(srv interface{ SaveState(io.Writer) error }, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := srv.SaveState(f); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// chatworkPeople is the fewest people the Chatwork sandbox is started with. Its department
// rooms are numbered among the departments its people are in, and the first 30 of the demo
// company fill all four: so the 管理部 room, where hub.example.yaml forwards the questions
// the FAQ declines, keeps its id whatever --employees says.
const chatworkPeople = 30

// startChatwork starts the Chatwork sandbox with the demo company's people (the same seed
// as freee's; at least chatworkPeople of them), its all-hands room as the room notices go
// to, and a rate limit a demo does not wait on. The secret carries the webhook token of
// webhook settings added to the sandbox without one (chatworktest.DefaultWebhookToken).
func startChatwork(conn config.Connection, opts Options, statePath string) (running, error) {
	srv := chatworktest.New(chatworktest.Options{Seed: 1, Employees: max(opts.Employees, chatworkPeople), RateLimit: 3000})
	stop, err := launch(srv, conn, opts, statePath)
	if err != nil {
		return running{}, err
	}
	cred, _ := json.Marshal(map[string]string{"api_token": chatworktest.DefaultToken, "webhook_token": chatworktest.DefaultWebhookToken})
	return running{
		baseURL:  srv.BaseURL(),
		settings: map[string]any{"room_id": int(chatworktest.AllHandsRoomID), "requests_per_5min": 3000},
		secret:   string(cred),
		close:    stop,
		server:   srv,
	}, nil
}

// startFreeeAccounting starts the freee 会計 sandbox: the same people as the other demo
// companies, the demo month's expense claims, and its webhook token in the connection's
// secret so that `urakata dev` can verify the approvals it is sent.
func startFreeeAccounting(conn config.Connection, opts Options, statePath string) (running, error) {
	companyID, _ := conn.Settings["company_id"].(int)
	srv := freeeaccountingtest.New(freeeaccountingtest.Options{Seed: 1, CompanyID: companyID,
		Employees: min(opts.Employees, freeeaccountingtest.MaxEmployees), Year: opts.Year, Month: opts.Month})
	stop, err := launch(srv, conn, opts, statePath)
	if err != nil {
		return running{}, err
	}
	cred, _ := json.Marshal(map[string]string{
		"client_id": freeeaccountingtest.DefaultClientID, "client_secret": freeeaccountingtest.DefaultClientSecret,
		"refresh_token": freeeaccountingtest.DefaultRefreshToken, "webhook_token": freeeaccountingtest.DefaultWebhookToken,
	})
	return running{
		baseURL:  srv.BaseURL(),
		settings: map[string]any{"token_url": srv.TokenURL()},
		secret:   string(cred),
		close:    stop,
		server:   srv,
	}, nil
}

// startXero starts the Xero sandbox with the same people as the other demo companies (the
// same codes and emails), its earnings rates set for timesheets, and limits a demo does not
// wait on. The connection discovers its organisation from /Connections, as a real one with a
// single organisation does.
func startXero(conn config.Connection, opts Options, statePath string) (running, error) {
	srv := xerotest.New(xerotest.Options{Seed: 1, Employees: opts.Employees, Year: opts.Year, Month: opts.Month,
		MinuteLimit: 6000, DayLimit: xerotest.NoLimit})
	stop, err := launch(srv, conn, opts, statePath)
	if err != nil {
		return running{}, err
	}
	o, rates := srv.Options(), srv.EarningsRates()
	cred, _ := json.Marshal(map[string]string{
		"client_id": o.ClientID, "client_secret": o.ClientSecret, "refresh_token": o.RefreshToken, "webhook_key": o.WebhookKey,
	})
	return running{
		baseURL: srv.BaseURL(),
		settings: map[string]any{
			"token_url": srv.TokenURL(), "requests_per_minute": 6000, "currency": "JPY",
			"ordinary_earnings_rate_id": rates.Ordinary, "overtime_earnings_rate_id": rates.Overtime,
			"holiday_earnings_rate_id": rates.Holiday, "late_night_earnings_rate_id": rates.LateNight,
		},
		secret: string(cred),
		close:  stop,
		server: srv,
	}, nil
}

// startGitHub starts the GitHub sandbox with the repository hub.yaml names (the demo's
// demo-company/back-office otherwise): the knowledge base under faq/, owned by people of
// the demo company, and the issues alerts are filed in.
func startGitHub(conn config.Connection, opts Options, statePath string) (running, error) {
	owner, _ := conn.Settings["owner"].(string)
	repo, _ := conn.Settings["repo"].(string)
	srv := githubtest.New(githubtest.Options{Seed: 1, Employees: opts.Employees, Owner: owner, Repo: repo})
	stop, err := launch(srv, conn, opts, statePath)
	if err != nil {
		return running{}, err
	}
	o := srv.Options()
	cred, _ := json.Marshal(map[string]string{"token": githubtest.DefaultToken, "webhook_secret": githubtest.DefaultWebhookSecret})
	return running{
		baseURL: srv.BaseURL(),
		// GitHub asks for a second between writes; the sandbox does not, and the demo's
		// alert opens and closes an issue without waiting on it.
		settings: map[string]any{"owner": o.Owner, "repo": o.Repo, "write_interval": 10 * time.Millisecond},
		secret:   string(cred),
		close:    stop,
		server:   srv,
	}, nil
}
