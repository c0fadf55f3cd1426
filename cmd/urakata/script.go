package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/urakata/urakata/connectors/sandboxes"
	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/local"
)

// replyWait bounds the wait for each scripted question's reply.
const replyWait = 30 * time.Second

// devResult is what `urakata dev` reports: the flows' first run, then the scripted
// conversation with the chat bot and the operations alert raised and closed.
type devResult struct {
	local.Result
	Conversation []sandboxes.Exchange  `json:"conversation"`
	Alerts       *sandboxes.AlertDrill `json:"alerts,omitempty"`
	// Error names the scripted steps that did not happen.
	Error string `json:"error,omitempty"`
}

// script runs the demo's scripted part against the sandboxes, through the hub's own webhook
// listener on listen: the conversation, with the workers answering while the listener
// serves (no schedules), then the alert drill, each run of which is a run of its flow. It
// returns an error only when it could not run (the listener, an interruption); a step that
// did not happen is in the result.
func script(ctx context.Context, h *local.Hub, sb *sandboxes.Set, listen, period string) (devResult, error) {
	var out devResult
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return out, unavailable(fmt.Errorf("webhook server: listen on %s: %w", listen, err))
	}
	hooks := "http://" + loopback(ln.Addr()) + "/hooks/"
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- h.ServeWith(sctx, local.ServeOptions{Listener: ln, NoSchedules: true}) }()
	conv, convErr := sb.Converse(ctx, hooks, h, replyWait)
	stop()
	if err := <-served; err != nil {
		convErr = errors.Join(convErr, err)
	}
	out.Conversation = conv
	if out.Conversation == nil {
		out.Conversation = []sandboxes.Exchange{} // "conversation": [], not null, in a hub.yaml with no chat bot
	}
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	drill, drillErr := sb.DrillAlert(ctx, func(ctx context.Context, flow string) (bool, []alerts.Report, error) {
		res, err := h.Run(ctx, local.RunRequest{Flows: []string{flow}, Period: period, Trigger: "dev"})
		if err != nil || len(res.Flows) != 1 {
			return false, nil, errors.Join(err, ctx.Err())
		}
		return res.OK, res.Flows[0].Alerts, nil
	})
	out.Alerts = drill
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	if err := errors.Join(convErr, drillErr); err != nil {
		out.Error = err.Error()
	}
	return out, nil
}

// loopback is addr as a client on this machine dials it: a server listening on every
// address is reached on 127.0.0.1.
func loopback(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("127.0.0.1:%d", tcp.Port)
		}
		return addr.String()
	}
	return tcp.String()
}

// printScript prints the conversation and the alert drill after the flows' summary.
func printScript(w io.Writer, out devResult) {
	if len(out.Conversation) > 0 {
		fmt.Fprintln(w, "\nconversation with the chat bot (each question posted in the sandbox, sent to the hub's webhook listener, answered by its worker):")
		for _, ex := range out.Conversation {
			fmt.Fprintf(w, "  %-9s %s\n", ex.Chat, ex.Question)
			if ex.Error != "" {
				fmt.Fprintf(w, "            NOT ANSWERED as it should (%s): %s\n", ex.Want, ex.Error)
				continue
			}
			fmt.Fprintf(w, "            → %s (%s)\n", ex.Answer, strings.Join(ex.Posted, ", "))
		}
	}
	if d := out.Alerts; d != nil {
		fmt.Fprintf(w, "\noperations alert on flow %s: %s\n", d.Flow, d.Fault)
		if r := d.Raised; r != nil {
			fmt.Fprintf(w, "  raised %s", r.Fingerprint)
			if r.ChatMessage {
				fmt.Fprint(w, ": posted to the operations channel")
			}
			if r.IssueRef != "" {
				fmt.Fprintf(w, ", issue %s", r.IssueRef)
			}
			fmt.Fprintln(w)
		}
		if d.Closed {
			fmt.Fprintf(w, "  closed after the next run of %s with nothing failed: issue closed, recovery posted\n", d.Flow)
		}
		if d.Error != "" {
			fmt.Fprintf(w, "  NOT DONE: %s\n", d.Error)
		}
	}
}
