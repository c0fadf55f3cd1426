package freeeaccounting

import (
	"context"
	"sync"
	"time"
)

// MasterTTL is how long the masters (account items, tax codes, departments, expense
// templates, users) are kept before they are read again. A run reads each at most once;
// a long-running process rereads them hourly, and at once (at most every
// masterRetryAfter) when a name it is asked for is missing, since it may just have been
// added in freee.
const MasterTTL = time.Hour

const masterRetryAfter = time.Minute

// cached is one master list, loaded on first use.
type cached[T any] struct {
	load func(ctx context.Context) ([]T, error)

	mu    sync.Mutex
	at    time.Time
	items []T
}

func newCached[T any](load func(ctx context.Context) ([]T, error)) *cached[T] {
	return &cached[T]{load: load}
}

// find returns the first item that matches. A miss reloads the list when it is older than
// masterRetryAfter and looks again.
func (c *cached[T]) find(ctx context.Context, now time.Time, match func(T) bool) (T, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero T
	if c.at.IsZero() || now.Sub(c.at) >= MasterTTL {
		if err := c.reload(ctx, now); err != nil {
			return zero, false, err
		}
	}
	for _, it := range c.items {
		if match(it) {
			return it, true, nil
		}
	}
	if now.Sub(c.at) < masterRetryAfter {
		return zero, false, nil
	}
	if err := c.reload(ctx, now); err != nil {
		return zero, false, err
	}
	for _, it := range c.items {
		if match(it) {
			return it, true, nil
		}
	}
	return zero, false, nil
}

func (c *cached[T]) reload(ctx context.Context, now time.Time) error {
	items, err := c.load(ctx)
	if err != nil {
		return err
	}
	c.items, c.at = items, now
	return nil
}

// masters are the company's master lists, as the adapters resolve names and ids.
type masters struct {
	accounts  *cached[AccountItem]
	taxes     *cached[Tax]
	sections  *cached[Section]
	templates *cached[ExpenseTemplate]
	users     *cached[User]
}

func newMasters(c *Client, companyID int64) *masters {
	return &masters{
		accounts: newCached(func(ctx context.Context) ([]AccountItem, error) {
			items, _, err := c.AccountItems.List(ctx, companyID, nil)
			return items, err
		}),
		taxes: newCached(func(ctx context.Context) ([]Tax, error) {
			items, _, err := c.Taxes.ListCompany(ctx, companyID)
			return items, err
		}),
		sections: newCached(func(ctx context.Context) ([]Section, error) {
			items, _, err := c.Sections.List(ctx, companyID)
			return items, err
		}),
		templates: newCached(func(ctx context.Context) ([]ExpenseTemplate, error) {
			var out []ExpenseTemplate
			for t, err := range c.ExpenseTemplates.ListIter(ctx, companyID, nil) {
				if err != nil {
					return nil, err
				}
				out = append(out, t)
			}
			return out, nil
		}),
		users: newCached(func(ctx context.Context) ([]User, error) {
			items, _, err := c.Users.List(ctx, companyID, UsersLimit)
			return items, err
		}),
	}
}
