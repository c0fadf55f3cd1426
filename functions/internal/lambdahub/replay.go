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

// Replay serves the replay function: it moves dead letters back to the work queue with a
// fresh receive count. The worker delivers them through the ledger like any other message,
// so what already reached its target is not written again.
type Replay struct {
	DeadLetters queue.DeadLetters
	Logger      *slog.Logger
}

// Handle replays what in names. Unknown ids are skipped, as Redrive skips them.
func (r *Replay) Handle(ctx context.Context, in ReplayInput) (ReplayOutput, error) {
	if in.All == (len(in.IDs) > 0) {
		return ReplayOutput{}, ErrReplayWhat
	}
	ids := in.IDs
	if in.All {
		var err error
		if ids, err = r.allDead(ctx); err != nil {
			return ReplayOutput{}, err
		}
	}
	if len(ids) == 0 {
		return ReplayOutput{}, nil
	}
	n, err := r.DeadLetters.Redrive(ctx, ids)
	if err != nil {
		return ReplayOutput{Replayed: n}, fmt.Errorf("replay: %w", err)
	}
	if r.Logger != nil {
		r.Logger.Info("dead letters replayed", "asked", len(ids), "replayed", n)
	}
	return ReplayOutput{Replayed: n}, nil
}

func (r *Replay) allDead(ctx context.Context) ([]string, error) {
	var ids []string
	after := ""
	for {
		page, err := r.DeadLetters.ListDead(ctx, after, 500)
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
