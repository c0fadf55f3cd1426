package local

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
)

// Warnings are things in a valid hub.yaml that are probably not what was meant.
func Warnings(cfg *config.File) []string {
	return warnings(cfg, hub.Connectors, time.Now())
}

// Schedules are checked against vendor windows over their next fire times: at least
// minFires of them, and every one in the next day and a half, so that a frequent schedule
// is seen across a whole day of windows and a monthly one across years.
const (
	minFires     = 60
	checkHorizon = 36 * time.Hour
	// maxFires bounds the work for a schedule that fires every minute.
	maxFires = 3000
)

func warnings(cfg *config.File, reg *hub.Registry, now time.Time) []string {
	var out []string
	for _, f := range cfg.Flows {
		if f.Trigger.Schedule == nil && f.Trigger.Webhook == nil {
			out = append(out, fmt.Sprintf("flow %s has no trigger: it runs only with `urakata sync %s`", f.Name, f.Name))
		}
		if s := f.Trigger.Schedule; s != nil {
			out = append(out, windowWarnings(cfg, reg, f, *s, now)...)
		}
	}
	return out
}

// windowWarnings names each window of the flow's source or target vendor that the schedule
// fires inside, once, with the first such fire time.
func windowWarnings(cfg *config.File, reg *hub.Registry, f config.Flow, s config.Schedule, now time.Time) []string {
	type closing struct {
		conn, vendor string
		w            hub.Window
	}
	var closings []closing
	seen := map[string]bool{}
	for _, name := range []string{f.Source, f.Target} {
		c, ok := cfg.Connection(name)
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		conn, ok := reg.Lookup(c.Vendor)
		if !ok {
			continue
		}
		for _, w := range conn.Windows {
			closings = append(closings, closing{name, c.Vendor, w})
		}
	}
	if len(closings) == 0 {
		return nil
	}
	first := make([]time.Time, len(closings))
	horizon := now.Add(checkHorizon)
	t := now
	for n := 0; n < maxFires; n++ {
		t = s.Next(t)
		if t.IsZero() || (n >= minFires && t.After(horizon)) {
			break
		}
		for i, c := range closings {
			if _, in := c.w.Contains(t); in && first[i].IsZero() {
				first[i] = t
			}
		}
	}
	var out []string
	for i, c := range closings {
		if first[i].IsZero() {
			continue
		}
		reason := ""
		if c.w.Reason != "" {
			reason = " (" + c.w.Reason + ")"
		}
		out = append(out, fmt.Sprintf("flow %s: schedule %q fires at %s, inside %s's closed window %s%s for connection %s: the run will wait until the window ends; schedule it outside the window",
			f.Name, s.Cron, first[i].Format("2006-01-02 15:04 -07:00"), c.vendor, c.w, reason, c.conn))
	}
	return out
}
