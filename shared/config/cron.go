package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a flow's cron schedule, read in its zone: "0 6 1 * *" in Asia/Tokyo fires at
// 06:00 Tokyo time on the 1st, wherever the machine runs.
type Schedule struct {
	// Cron is the expression as hub.yaml writes it.
	Cron string
	// Zone is the schedule's zone: trigger.schedule.zone, else company.zone.
	Zone *time.Location
	cron cron.Schedule
}

// Next returns the first fire time strictly after after, in the schedule's zone. The zero
// Schedule never fires: it returns the zero time.
func (s Schedule) Next(after time.Time) time.Time {
	if s.cron == nil {
		return time.Time{}
	}
	return s.cron.Next(after.In(s.Zone)).In(s.Zone)
}

// parsedCron is what the cron format yields; the zone is joined to it later.
type parsedCron struct {
	text string
	cron cron.Schedule
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// cronDescriptors are the descriptors hub.yaml accepts: robfig's, less @every, which is an
// interval rather than a time of day and has no EventBridge cron equivalent.
var cronDescriptors = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

var cronFields = []struct {
	name     string
	min, max int
}{
	{"minute", 0, 59}, {"hour", 0, 23}, {"day-of-month", 1, 31}, {"month", 1, 12}, {"day-of-week", 0, 6},
}

var cronFormat = &format{
	want:    `5 fields "minute hour day-of-month month day-of-week"`,
	pattern: `^\s*(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[^\s@=]+(\s+[^\s@=]+){4})\s*$`,
	parse:   parseCron,
}

func parseCron(text string) (any, error) {
	t := strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(t, "TZ=") || strings.HasPrefix(t, "CRON_TZ="):
		return nil, errors.New("a zone prefix is not allowed; set the schedule's zone key instead")
	case strings.HasPrefix(t, "@every"):
		return nil, errors.New("@every is not supported; write the interval as a cron, e.g. */15 * * * *")
	case strings.HasPrefix(t, "@") && !slices.Contains(cronDescriptors, t):
		return nil, errors.New("unknown descriptor (known: @yearly, @monthly, @weekly, @daily, @hourly)")
	}
	fields := strings.Fields(t)
	if !strings.HasPrefix(t, "@") && len(fields) != 5 {
		return nil, fmt.Errorf("has %d fields", len(fields))
	}
	sched, err := cronParser.Parse(t)
	if err != nil {
		return nil, explainCron(fields)
	}
	return parsedCron{text: t, cron: sched}, nil
}

// explainCron finds the field robfig/cron refused and says why in the field's own terms.
func explainCron(fields []string) error {
	for i, field := range fields {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = field
		if _, err := cronParser.Parse(strings.Join(probe, " ")); err == nil {
			continue
		}
		f := cronFields[i]
		for item := range strings.SplitSeq(field, ",") {
			rng, _, _ := strings.Cut(item, "/")
			for bound := range strings.SplitSeq(rng, "-") {
				n, err := strconv.Atoi(bound)
				if err == nil && (n < f.min || n > f.max) {
					return fmt.Errorf("%s %d is out of range %d-%d", f.name, n, f.min, f.max)
				}
			}
		}
		return fmt.Errorf("%s %q is not valid (use *, a number, a list 1,15, a range 1-5 or a step */10)", f.name, field)
	}
	return errors.New("not a valid cron")
}
