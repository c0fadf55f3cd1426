package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urakata/urakata/connectors/sandboxes"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/secrets"
)

func cmdValidate(ctx context.Context, a *app, args []string) error {
	fs := a.flags("validate", "hub.yaml")
	if _, err := a.parse(fs, args); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	warnings := local.Warnings(cfg)
	if a.json {
		if warnings == nil {
			warnings = []string{} // "warnings": [], not null, when there are none
		}
		a.printJSON(map[string]any{"ok": true, "file": a.configPath, "connections": len(cfg.Connections), "flows": len(cfg.Flows), "warnings": warnings})
		return nil
	}
	fmt.Fprintf(a.stdout, "%s: ok (%d connections, %d flows)\n", a.configPath, len(cfg.Connections), len(cfg.Flows))
	for _, w := range warnings {
		fmt.Fprintln(a.stdout, "warning:", w)
	}
	return nil
}

func cmdFlows(ctx context.Context, a *app, args []string) error {
	fs := a.flags("flows", "hub.yaml")
	if _, err := a.parse(fs, args); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	type flowInfo struct {
		Name     string    `json:"name"`
		Type     string    `json:"type"`
		Source   string    `json:"source"`
		Target   string    `json:"target"`
		Schedule string    `json:"schedule,omitempty"`
		Zone     string    `json:"zone,omitempty"`
		NextRun  time.Time `json:"next_run,omitzero"`
		Webhook  string    `json:"webhook,omitempty"`
	}
	var out []flowInfo
	now := time.Now()
	for _, f := range cfg.Flows {
		fi := flowInfo{Name: f.Name, Type: f.Type, Source: f.Source, Target: f.Target}
		if s := f.Trigger.Schedule; s != nil {
			fi.Schedule, fi.Zone = s.Cron, s.Zone.String()
			fi.NextRun = s.Next(now)
		}
		if wh := f.Trigger.Webhook; wh != nil {
			fi.Webhook = wh.Path
		}
		out = append(out, fi)
	}
	if a.json {
		a.printJSON(map[string]any{"ok": true, "flows": out})
		return nil
	}
	for _, f := range out {
		fmt.Fprintf(a.stdout, "%-24s %s  %s → %s", f.Name, f.Type, f.Source, f.Target)
		if f.Schedule != "" {
			fmt.Fprintf(a.stdout, "  schedule %q %s (next %s)", f.Schedule, f.Zone, f.NextRun.Format("2006-01-02 15:04 MST"))
		}
		if f.Webhook != "" {
			fmt.Fprintf(a.stdout, "  webhook %s", f.Webhook)
		}
		fmt.Fprintln(a.stdout)
	}
	return nil
}

func cmdConnectors(ctx context.Context, a *app, args []string) error {
	fs := a.flags("connectors", "hub.yaml")
	if _, err := a.parse(fs, args); err != nil {
		return err
	}
	type connInfo struct {
		Vendor         string           `json:"vendor"`
		Summary        string           `json:"summary"`
		DefaultBaseURL string           `json:"default_base_url"`
		Capabilities   []hub.Capability `json:"capabilities"`
		Fields         []config.Field   `json:"fields"`
		// Windows are the daily spans in which the vendor refuses calls.
		Windows []window `json:"windows,omitempty"`
		Sandbox bool     `json:"sandbox"`
	}
	var out []connInfo
	for _, c := range hub.Connectors.All() {
		var ws []window
		for _, w := range c.Windows {
			ws = append(ws, window{Start: w.Start, End: w.End, Zone: w.Zone.String(), Reason: w.Reason})
		}
		out = append(out, connInfo{c.Vendor, c.Summary, c.DefaultBaseURL, c.Capabilities, c.Fields, ws, sandboxes.Has(c.Vendor)})
	}
	if a.json {
		a.printJSON(map[string]any{"ok": true, "connectors": out})
		return nil
	}
	for _, c := range out {
		fmt.Fprintf(a.stdout, "%s: %s\n  capabilities: %v\n", c.Vendor, c.Summary, c.Capabilities)
		for _, w := range c.Windows {
			fmt.Fprintf(a.stdout, "  closed daily %s–%s %s: %s\n", w.Start, w.End, w.Zone, w.Reason)
		}
		for _, f := range c.Fields {
			where := "settings"
			if f.Secret {
				where = "secret"
			}
			req := ""
			if f.Required {
				req = ", required"
			}
			fmt.Fprintf(a.stdout, "  - %s (%s, %s%s): %s\n", f.Name, f.Type, where, req, f.Description)
		}
	}
	return nil
}

// window is a vendor's closed window as `urakata connectors` shows it.
type window struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Zone   string `json:"zone"`
	Reason string `json:"reason"`
}

func cmdSchema(ctx context.Context, a *app, args []string) error {
	fs := a.flags("schema", "hub.yaml")
	if _, err := a.parse(fs, args); err != nil {
		return err
	}
	b, err := config.GenerateSchema(local.Vocabulary())
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(b)
	return err
}

// secretSource is the environment, then the --secrets file if given.
func (a *app) secretSource() secrets.Source {
	srcs := []secrets.Source{secrets.Env{}}
	if a.secretsFile != "" {
		srcs = append(srcs, secrets.File{Path: a.secretsFile})
	}
	return secrets.Chain(srcs...)
}

func (a *app) openHub(ctx context.Context, cfg *config.File, src secrets.Source, progress bool) (*local.Hub, error) {
	opts := local.Options{DataDir: a.dataDir, Secrets: src, Logger: a.logger}
	if progress && !a.json && isTerminal(a.stderr) {
		opts.Progress = a.showProgress
	}
	h, err := local.Open(ctx, cfg, opts)
	if err != nil {
		return nil, unavailable(err)
	}
	return h, nil
}

func cmdSync(ctx context.Context, a *app, args []string) error {
	fs := a.flags("sync", "hub.yaml")
	period := fs.String("period", "", "the pay period, YYYY-MM (default: the one that closed last)")
	pos, err := a.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("sync takes one flow name: urakata sync FLOW [--period YYYY-MM]")
	}
	if err := checkPeriod(*period); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if _, err := cfg.Flow(pos[0]); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	h, err := a.openHub(ctx, cfg, a.secretSource(), true)
	if err != nil {
		return err
	}
	defer h.Close()
	res, err := h.Run(ctx, local.RunRequest{Flows: pos, Period: *period, Trigger: "cli", Reconcile: true})
	return a.report(res, err)
}

func cmdRun(ctx context.Context, a *app, args []string) error {
	fs := a.flags("run", "hub.yaml")
	once := fs.Bool("once", false, "run every flow once and exit (0 when nothing failed)")
	if _, err := a.parse(fs, args); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	h, err := a.openHub(ctx, cfg, a.secretSource(), true)
	if err != nil {
		return err
	}
	defer h.Close()
	if *once {
		res, err := h.Run(ctx, local.RunRequest{Trigger: "cli", Reconcile: true})
		return a.report(res, err)
	}
	return a.serve(ctx, h)
}

func cmdDev(ctx context.Context, a *app, args []string) error {
	fs := a.flags("dev", "hub.example.yaml")
	once := fs.Bool("once", false, "exit after the first run of every flow and the script (0 when nothing failed and every scripted step happened)")
	period := fs.String("period", "", "the pay period, YYYY-MM (default: the one that closed last)")
	employees := fs.Int("employees", 30, "employees in the demo company")
	if _, err := a.parse(fs, args); err != nil {
		return err
	}
	if err := checkPeriod(*period); err != nil {
		return err
	}
	if *employees < 1 {
		return usageErr("--employees must be at least 1")
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if a.dataDir == "" {
		a.dataDir = cfg.Runtime.DataDir
	}
	sbOpts := sandboxes.Options{Employees: *employees, DataDir: a.dataDir, Logger: a.logger}
	if *period != "" {
		t, _ := time.Parse("2006-01", *period)
		sbOpts.Year, sbOpts.Month = t.Year(), t.Month()
	}
	sb, err := sandboxes.StartAll(ctx, cfg, sbOpts)
	if err != nil {
		return unavailable(err)
	}
	defer sb.Close()
	if !a.json {
		fmt.Fprintf(a.stdout, "urakata dev: sandbox vendors with a demo company of %d employees; data in %s\n", *employees, a.dataDir)
		for _, s := range sb.Started {
			fmt.Fprintf(a.stdout, "  %-18s sandbox %s at %s\n", s.Connection, s.Vendor, s.BaseURL)
		}
		fmt.Fprintln(a.stdout)
	}
	h, err := a.openHub(ctx, sb.Config, secrets.Chain(sb.Secrets, a.secretSource()), true)
	if err != nil {
		return err
	}
	defer h.Close()
	res, err := h.Run(ctx, local.RunRequest{Period: *period, Trigger: "dev", Reconcile: true})
	if err != nil {
		return a.report(res, err)
	}
	// With --once the script's listener takes a free port: a serving hub may hold
	// runtime.listen. Without, it is the listener the hub then serves on.
	listen := cfg.Runtime.Listen
	if *once {
		listen = "127.0.0.1:0"
	}
	out, err := script(ctx, h, sb, listen, *period)
	out.Result = res
	out.OK = res.OK && out.Error == ""
	var ee *exitError
	if errors.As(err, &ee) {
		return err // the script's listener could not be had
	}
	more := func(w io.Writer) { printScript(w, out) }
	if *once || err != nil {
		return a.reportAs(out, out.Result, err, more)
	}
	if rerr := a.reportAs(out, out.Result, nil, more); rerr != nil && rerr != failedErr {
		return rerr
	}
	return a.serve(ctx, h)
}

func (a *app) serve(ctx context.Context, h *local.Hub) error {
	return h.Serve(ctx, func(addr string) {
		if !a.json {
			fmt.Fprintf(a.stdout, "serving webhooks on http://%s/hooks/{connection}; schedules armed; Ctrl-C to stop\n", addr)
		}
	})
}

// report prints a run's result and turns it into the exit status.
func (a *app) report(res local.Result, err error) error { return a.reportAs(res, res, err) }

// reportAs is report with asJSON printed for --json in place of res, and more printed after
// res without --json.
func (a *app) reportAs(asJSON any, res local.Result, err error, more ...func(io.Writer)) error {
	var unknown *config.UnknownFlowError
	if errors.As(err, &unknown) {
		return &exitError{code: exitUsage, err: err}
	}
	if err != nil && len(res.Flows) == 0 {
		return err
	}
	if a.json {
		a.printJSON(asJSON)
	} else {
		printResult(a.stdout, res)
		for _, p := range more {
			p(a.stdout)
		}
	}
	if err != nil {
		code := exitUnavailable
		if errors.Is(err, context.Canceled) {
			code = exitInterrupted
		}
		return &exitError{code: code, err: err, reported: true}
	}
	if !res.OK {
		return failedErr
	}
	return nil
}

func printResult(w io.Writer, res local.Result) {
	for _, f := range res.Flows {
		fmt.Fprintf(w, "%s", f.Name)
		if f.Period != "" {
			fmt.Fprintf(w, "  period %s", f.Period)
		}
		fmt.Fprintf(w, "  read %d  delivered %d  skipped %d  failed %d  dead %d  (%.1f s, %.0f records/s)\n",
			f.Read, f.Delivered, f.Skipped, f.Failed, f.Dead, float64(f.DurationMS)/1000, f.RecordsPerSecond)
		if f.Retries+f.RateLimited > 0 {
			fmt.Fprintf(w, "  retried %d times, waited on rate limits %d times\n", f.Retries, f.RateLimited)
		}
		if r := f.Reconciliation; r != nil {
			fmt.Fprintf(w, "  reconciliation: %d match, %d differ, %d unreadable (one line per record in %s)\n", r.Matched, r.Mismatched, r.Errors, r.Report)
			for _, m := range r.Mismatches {
				fmt.Fprintf(w, "    %s: %s\n", m.NaturalKey, strings.Join(m.Differences, "; "))
			}
		}
		for _, e := range f.ItemErrors {
			fmt.Fprintf(w, "  not delivered %s: %s\n", e.NaturalKey, e.Error)
		}
		if f.Dead > 0 {
			fmt.Fprintf(w, "  %d in the dead letters: urakata dlq list\n", f.Dead)
		}
		if f.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", f.Error)
		}
	}
}

func (a *app) showProgress(p local.Progress) {
	fmt.Fprintf(a.stderr, "\r\033[K  %s  read %d  queued %d  delivered %d  skipped %d  failed %d  pending %d  %.1fs",
		p.Flow, p.Read, p.Queued, p.Delivered, p.Skipped, p.Failed, p.Pending, p.Elapsed.Seconds())
	if p.Pending == 0 && p.Read > 0 {
		fmt.Fprintln(a.stderr)
	}
}

func cmdDLQ(ctx context.Context, a *app, args []string) error {
	fs := a.flags("dlq", "hub.yaml")
	all := fs.Bool("all", false, "replay every dead letter")
	limit := fs.Int("limit", 100, "list at most this many")
	pos, err := a.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "list" && pos[0] != "replay") {
		return usageErr("dlq takes a subcommand: urakata dlq list | urakata dlq replay (--all | ID...)")
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if a.dataDir == "" {
		a.dataDir = cfg.Runtime.DataDir
	}
	if pos[0] == "list" {
		dl, err := local.OpenDeadLetters(ctx, a.dataDir, cfg)
		if err != nil {
			return unavailable(err)
		}
		defer dl.Close()
		list, err := dl.List(ctx, *limit)
		if err != nil {
			return err
		}
		if a.json {
			a.printJSON(map[string]any{"ok": true, "dead_letters": list})
			return nil
		}
		if len(list) == 0 {
			fmt.Fprintln(a.stdout, "no dead letters")
		}
		for _, d := range list {
			fmt.Fprintf(a.stdout, "%s  %s  %s  attempts %d  died %s\n    %s\n", d.ID, d.Flow, d.NaturalKey, d.Attempts, d.DeadAt.Format(time.RFC3339), d.LastError)
		}
		return nil
	}
	ids := pos[1:]
	if *all == (len(ids) > 0) {
		return usageErr("dlq replay takes --all or the ids to replay (see urakata dlq list)")
	}
	h, err := a.openHub(ctx, cfg, a.secretSource(), true)
	if err != nil {
		return err
	}
	defer h.Close()
	res, n, err := h.Replay(ctx, ids, *all)
	if !a.json {
		fmt.Fprintf(a.stdout, "%d dead letters replayed through the ledger\n", n)
	}
	return a.reportAs(struct {
		local.Result
		Replayed int `json:"replayed"`
	}{res, n}, res, err)
}

func checkPeriod(p string) error {
	if p == "" {
		return nil
	}
	if _, err := time.Parse("2006-01", p); err != nil {
		return usageErr("--period %q: want YYYY-MM, e.g. 2026-10", p)
	}
	return nil
}
