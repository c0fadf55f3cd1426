package lambdahub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/urakata/urakata/shared/queue"
)

// ReplayInput names the dead letters to replay: the listed ids, or every one with All.
type ReplayInput struct {
	IDs []string `json:"ids"`
	All bool     `json:"all"`
}

// ReplayOutput says how many dead letters went back to the work queue.
type ReplayOutput struct {
	Replayed int `json:"replayed"`
}

// ErrReplayWhat is returned (wrapped) for a replay input that names nothing to replay, or
// both ids and all.
var ErrReplayWhat = errors.New(`replay: name the dead letters in "ids", or set "all": true`)

// Replay serves the replay function: it moves dead letters back to the queue they died on
// with a fresh receive count. The worker delivers them through the ledger like any other
// message, so what already reached its target is not written again.
type Replay struct {
	// DeadLetters are the work queue's.
	DeadLetters queue.DeadLetters
	// Functions are the dead letters of the functions of their own (the helpdesk's), each
	// replayed to its own function's queue.
	Functions []queue.DeadLetters
	Logger    *slog.Logger
}

// Handle replays what in names, from whichever dead-letter queue holds it. Unknown ids are
// skipped, as Redrive skips them.
func (r *Replay) Handle(ctx context.Context, in ReplayInput) (ReplayOutput, error) {
	if in.All == (len(in.IDs) > 0) {
		return ReplayOutput{}, ErrReplayWhat
	}
	var out ReplayOutput
	for _, dl := range append([]queue.DeadLetters{r.DeadLetters}, r.Functions...) {
		ids := in.IDs
		if in.All {
			var err error
			if ids, err = allDead(ctx, dl); err != nil {
				return out, err
			}
		}
		if len(ids) == 0 {
			continue
		}
		n, err := dl.Redrive(ctx, ids)
		out.Replayed += n
		if err != nil {
			return out, fmt.Errorf("replay: %w", err)
		}
		if r.Logger != nil {
			r.Logger.Info("dead letters replayed", "asked", len(ids), "replayed", n)
		}
	}
	return out, nil
}

func allDead(ctx context.Context, dl queue.DeadLetters) ([]string, error) {
	var ids []string
	after := ""
	for {
		page, err := dl.ListDead(ctx, after, 500)
		if err != nil {
			return nil, fmt.Errorf("replay: list dead letters: %w", err)
		}
		if len(page) == 0 {
			return ids, nil
		}
		for _, d := range page {
			ids = append(ids, d.ID)
		}
		after = page[len(page)-1].ID
	}
}
