package lambdahub_test

import (
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/wiring"
)

// mapEnv is an environment for ReadEnv and Open.
type mapEnv map[string]string

func (m mapEnv) get(k string) string { return m[k] }

func TestReadEnv(t *testing.T) {
	t.Parallel()
	full := mapEnv{
		"URAKATA_QUEUE_URL": "https://sqs.ap-northeast-1.amazonaws.com/123456789012/work", "URAKATA_DLQ_URL": "https://sqs.ap-northeast-1.amazonaws.com/123456789012/dlq",
		"URAKATA_TABLE": "urakata-demo", "URAKATA_SECRET_PREFIX": "urakata/demo/", "URAKATA_CONFIG": "/var/task/custom.yaml",
		"URAKATA_MAX_RECEIVES": "5", "URAKATA_LOG_LEVEL": "warn",
	}
	with := func(k, v string) mapEnv {
		m := mapEnv{}
		for kk, vv := range full {
			m[kk] = vv
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}

	t.Run("every variable is read", func(t *testing.T) {
		t.Parallel()
		e, err := lambdahub.ReadEnv(full.get)
		if err != nil {
			t.Fatal(err)
		}
		want := lambdahub.Env{QueueURL: full["URAKATA_QUEUE_URL"], DeadLetterURL: full["URAKATA_DLQ_URL"], Table: "urakata-demo",
			SecretPrefix: "urakata/demo/", ConfigPath: "/var/task/custom.yaml", MaxReceives: 5, LogLevel: slog.LevelWarn}
		if !reflect.DeepEqual(e, want) {
			t.Fatalf("env %+v; want %+v", e, want)
		}
	})
	t.Run("hub.yaml defaults to the one beside the bootstrap", func(t *testing.T) {
		t.Parallel()
		m := with("URAKATA_CONFIG", "")
		m["LAMBDA_TASK_ROOT"] = "/var/task"
		if e, err := lambdahub.ReadEnv(m.get); err != nil || e.ConfigPath != "/var/task/hub.yaml" {
			t.Fatalf("config %q, err %v; want /var/task/hub.yaml", e.ConfigPath, err)
		}
	})
	t.Run("the log level and receive limit have defaults", func(t *testing.T) {
		t.Parallel()
		m := with("URAKATA_LOG_LEVEL", "")
		delete(m, "URAKATA_MAX_RECEIVES")
		if e, err := lambdahub.ReadEnv(m.get); err != nil || e.LogLevel != slog.LevelInfo || e.MaxReceives != 0 {
			t.Fatalf("env %+v, err %v; want info and no limit", e, err)
		}
	})
	for _, tc := range []struct {
		name string
		env  mapEnv
		says []string
	}{
		{"a missing queue is named", with("URAKATA_QUEUE_URL", ""), []string{"URAKATA_QUEUE_URL is not set"}},
		{"every problem is named at once", func() mapEnv {
			m := with("URAKATA_DLQ_URL", "")
			m["URAKATA_MAX_RECEIVES"] = "five"
			m["URAKATA_LOG_LEVEL"] = "loud"
			return m
		}(), []string{"URAKATA_DLQ_URL is not set", `URAKATA_MAX_RECEIVES = "five"`, `URAKATA_LOG_LEVEL = "loud"`}},
		{"a receive limit of zero is refused", with("URAKATA_MAX_RECEIVES", "0"), []string{"URAKATA_MAX_RECEIVES"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := lambdahub.ReadEnv(tc.env.get)
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

// A cold start that cannot build the hub says what to fix, before any AWS call.
func TestOpenSaysWhatIsMissing(t *testing.T) {
	t.Parallel()
	base := mapEnv{"URAKATA_QUEUE_URL": "http://127.0.0.1:9/q", "URAKATA_DLQ_URL": "http://127.0.0.1:9/dlq", "URAKATA_TABLE": "t"}
	for _, tc := range []struct {
		name string
		env  mapEnv
		says string
	}{
		{"the table", mapEnv{"URAKATA_QUEUE_URL": base["URAKATA_QUEUE_URL"], "URAKATA_DLQ_URL": base["URAKATA_DLQ_URL"]}, "URAKATA_TABLE is not set"},
		{"the hub.yaml", func() mapEnv {
			m := mapEnv{"URAKATA_CONFIG": filepath.Join(t.TempDir(), "missing.yaml")}
			for k, v := range base {
				m[k] = v
			}
			return m
		}(), "missing.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := lambdahub.Open(t.Context(), wiring.RoleWorker, tc.env.get)
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v; want it to say %q", err, tc.says)
			}
		})
	}
	t.Run("a function of its own needs its queue", func(t *testing.T) {
		t.Parallel()
		cfg := hubYAML(t, "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token")
		m := mapEnv{"URAKATA_CONFIG": cfg.Name, "AWS_REGION": "ap-northeast-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test"}
		for k, v := range base {
			m[k] = v
		}
		_, err := lambdahub.Open(t.Context(), wiring.FunctionRole("helpdesk"), m.get)
		if err == nil || !strings.Contains(err.Error(), "URAKATA_ROUTES routes no flow to the helpdesk function") {
			t.Fatalf("err = %v; want it to say the helpdesk function has no queue", err)
		}
	})
	t.Run("the replay function needs the queues", func(t *testing.T) {
		t.Parallel()
		_, err := lambdahub.OpenReplay(t.Context(), mapEnv{"URAKATA_QUEUE_URL": "http://127.0.0.1:9/q"}.get)
		if err == nil || !strings.Contains(err.Error(), "URAKATA_DLQ_URL is not set") {
			t.Fatalf("err = %v; want it to name URAKATA_DLQ_URL", err)
		}
	})
}
