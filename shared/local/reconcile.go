package local

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
)

// ReconcileSummary is the reconciliation of one run: each planned record compared with what
// the target holds after the run. The per-record lines are in Report, one JSON object a line.
type ReconcileSummary struct {
	Matched    int `json:"matched"`
	Mismatched int `json:"mismatched"`
	// Errors counts records whose target could not be read.
	Errors int `json:"errors"`
	// Report is the path of the file with one line per record.
	Report string `json:"report,omitempty"`
	// Mismatches holds the first few mismatching lines.
	Mismatches []hub.Reconciliation `json:"mismatches,omitempty"`
}

const maxMismatchesShown = 20

// spool keeps the deliveries a plan produced on disk, so that reconciling after the run
// needs no memory per record.
type spool struct {
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
	enc  *json.Encoder
	err  error
	path string
}

func newSpool(dir, runID string) (*spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("reports folder: %w", err)
	}
	path := filepath.Join(dir, runID+".planned.jsonl")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	w := bufio.NewWriter(f)
	return &spool{f: f, w: w, enc: json.NewEncoder(w), path: path}, nil
}

func (s *spool) add(d hub.Delivery, _ bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = s.enc.Encode(d)
	}
}

func (s *spool) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.w.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	if err := s.f.Close(); err != nil && s.err == nil {
		s.err = err
	}
	return s.err
}

// reconcile streams the spooled deliveries through the flow's Reconciler, a few at a time,
// writes one line per record to the report file and removes the spool.
func reconcile(ctx context.Context, rec hub.Reconciler, sp *spool, reportPath string) (ReconcileSummary, error) {
	sum := ReconcileSummary{Report: reportPath}
	in, err := os.Open(sp.path)
	if err != nil {
		return sum, fmt.Errorf("reconcile: %w", err)
	}
	defer func() { _ = in.Close(); _ = os.Remove(sp.path) }()
	out, err := os.OpenFile(reportPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return sum, fmt.Errorf("reconcile report: %w", err)
	}
	defer out.Close()
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)

	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var d hub.Delivery
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return sum, fmt.Errorf("reconcile: spool: %w", err)
		}
		g.Go(func() error {
			r, err := reconcileOne(gctx, rec, d)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				sum.Errors++
				r = hub.Reconciliation{NaturalKey: d.NaturalKey, Differences: []string{"could not read the target: " + err.Error()}}
			} else if r.Match {
				sum.Matched++
			} else {
				sum.Mismatched++
			}
			if !r.Match && len(sum.Mismatches) < maxMismatchesShown {
				sum.Mismatches = append(sum.Mismatches, r)
			}
			return enc.Encode(r)
		})
	}
	if err := g.Wait(); err != nil {
		return sum, fmt.Errorf("reconcile: %w", err)
	}
	if err := sc.Err(); err != nil {
		return sum, fmt.Errorf("reconcile: spool: %w", err)
	}
	return sum, w.Flush()
}

// reconcileOne reads the target back for one delivery, waiting out the vendor's rate limit
// (a few times at most) rather than reporting a record it merely had to wait for.
func reconcileOne(ctx context.Context, rec hub.Reconciler, d hub.Delivery) (hub.Reconciliation, error) {
	for attempt := 1; ; attempt++ {
		r, err := rec.Reconcile(ctx, d)
		wait, limited := fault.RetryAfter(err)
		if !limited || attempt == 5 {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, err
		case <-time.After(max(wait, time.Second)):
		}
	}
}
