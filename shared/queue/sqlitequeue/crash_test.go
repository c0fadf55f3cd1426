package sqlitequeue_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
)

// crashEnv names the database a re-executed test binary sends to until it is killed.
const crashEnv = "SQLITEQUEUE_CRASH_SENDER_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		crashSender(path)
		return
	}
	os.Exit(m.Run())
}

// crashSender sends from several goroutines forever, printing each body once its Send
// returned nil, until the parent test kills the process.
func crashSender(path string) {
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "crash"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var out sync.Mutex
	for g := range 8 {
		go func() {
			for i := 0; ; i++ {
				body := fmt.Sprintf("g%d-%d", g, i)
				if err := q.Send(ctx, []queue.Outgoing{{Body: []byte(body)}}); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				out.Lock()
				fmt.Println(body)
				out.Unlock()
			}
		}()
	}
	select {}
}

// A process killed while sending loses no message whose Send returned nil. SIGKILL shows
// that an acknowledged send is committed, not merely queued in the process; surviving a
// power cut as well rests on synchronous=FULL, which sqlitedb's tests check.
func TestEverySendThatReturnedSurvivesAKill(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hub.db")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	acked := map[string]bool{}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		acked[lines.Text()] = true
		if len(acked) == 500 {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The pipe gives up what the sender printed before it died.
	_ = cmd.Wait()
	if len(acked) < 500 {
		t.Fatalf("the sender stopped on its own after %d sends", len(acked))
	}

	db, err := sqlitedb.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := newQueue(t, db, sqlitequeue.Options{Name: "crash"})
	stored := map[string]bool{}
	for {
		msgs := receive(t, q, queue.ReceiveOptions{Max: sqlitequeue.MaxReceive, Visibility: time.Hour})
		if len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			stored[string(m.Body)] = true
		}
	}
	lost := 0
	for body := range acked {
		if !stored[body] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged sends were lost", lost, len(acked))
	}
	t.Logf("%d sends acknowledged before the kill, %d stored", len(acked), len(stored))
}
