package slack

import (
	"strconv"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/cache"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// BenchmarkVerifyWebhook is the connector's share of webhook ingress: check the signature
// and timestamp of a mention and read it.
func BenchmarkVerifyWebhook(b *testing.B) {
	at := time.Unix(1793500002, 0)
	s := webhookSlack(b, at)
	h := sign(at, jsonType, mention)
	body := []byte(mention)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.VerifyWebhook(b.Context(), h, body); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSandbox starts an unlimited sandbox and a client of it that does not pace posts.
func benchSandbox(b *testing.B, employees int) (*slacktest.Server, *Slack) {
	srv := slacktest.New(slacktest.Options{Employees: employees, NoRateLimit: true})
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	client, err := NewClient(srv.BaseURL(), secrets.New(slacktest.DefaultBotToken))
	if err != nil {
		b.Fatal(err)
	}
	client.pacer = newChannelPacer(time.Nanosecond)
	return srv, &Slack{Client: client, dms: cache.New[directMessage](dmCacheSize, 0), emails: cache.New[string](emailCacheSize, emailTTL)}
}

// BenchmarkSandboxUsersPage is one page of 200 members through the sandbox, the call and
// the answer validated against the converted description.
func BenchmarkSandboxUsersPage(b *testing.B) {
	_, s := benchSandbox(b, 200)
	for b.Loop() {
		if _, _, err := s.Client.Users.List(b.Context(), &ListOptions{Limit: 200}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSandboxPostMessage is one post through the sandbox, validated both ways.
func BenchmarkSandboxPostMessage(b *testing.B) {
	srv, s := benchSandbox(b, 30)
	general, _ := srv.Channel(slacktest.ChannelGeneral)
	i := 0
	for b.Loop() {
		i++
		if _, err := s.PostMessage(b.Context(), model.ChatMessage{Channel: general.ID, Text: "経費 " + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
}
