package faq

import (
	"context"
	"errors"
	"iter"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

func entryFile(id, question, answer string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\nid: " + id + "\nquestion: " + question + "\nowner: soumu@example.com\n---\n" + answer + "\n")}
}

func TestTheDemoKnowledgeBaseCoversTheBackOfficeInBothLanguages(t *testing.T) {
	t.Parallel()
	kb := loadDemo(t)
	if kb.Len() < 40 {
		t.Errorf("%d entries; want at least 40", kb.Len())
	}
	tags := map[string]int{}
	for _, e := range kb.Entries() {
		if e.QuestionEN == "" || e.AnswerEN == "" || len(e.ParaphrasesEN) == 0 || len(e.Paraphrases) < 3 {
			t.Errorf("%s: want English question, paraphrases and answer, and at least 3 Japanese paraphrases", e.ID)
		}
		if !strings.HasSuffix(e.Owner, "@demo-company.example") {
			t.Errorf("%s: owner should be a team address of the demo company", e.ID)
		}
		if !strings.Contains(e.Answer, "まで") {
			t.Errorf("%s: the Japanese answer should say whom to ask for details (…までお問い合わせください)", e.ID)
		}
		if !strings.Contains(e.Path, "/") || e.URL != "" {
			t.Errorf("%s: path %q url %q; want a path in a category folder and no URL from a local folder", e.ID, e.Path, e.URL)
		}
		for _, tag := range e.Tags {
			tags[tag]++
		}
	}
	for _, area := range []string{"給与", "勤怠", "有給", "経費", "年末調整", "社会保険", "住所変更", "入社", "退職", "PC・アカウント"} {
		if tags[area] == 0 {
			t.Errorf("no entry tagged %s", area)
		}
	}
}

func TestLoadReadsEntriesAndSkipsWhatIsNotOne(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"README.md":           {Data: []byte("# how to write an entry")},
		"leave/readme.MD":     {Data: []byte("# folder notes")},
		"leave/balance.md":    entryFile("balance", "有給の残日数", "勤怠システムで確認できます。"),
		"leave/request.md":    entryFile("request", "有給の申請", "休暇申請から。"),
		"images/flow.png":     {Data: []byte{0x89, 'P', 'N', 'G'}},
		"notes.txt":           {Data: []byte("not an entry")},
		"pay/payday.markdown": entryFile("payday", "給料日", "25日です。"),
	}
	kb, err := Load(t.Context(), FS(fsys))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range kb.Entries() {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"balance", "request", "payday"}) {
		t.Errorf("entries %v; want the three entries in path order, the READMEs and other files skipped", ids)
	}
	if e, ok := kb.Entry("payday"); !ok || e.Path != "pay/payday.markdown" {
		t.Errorf("Entry(payday) = %+v, %v", e, ok)
	}
	if _, ok := kb.Entry("README"); ok {
		t.Error("README became an entry")
	}
}

func TestLoadReportsEveryBadFileAtOnceAndKeepsNothing(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.md":     entryFile("same", "質問", "回答"),
		"b.md":     {Data: []byte("---\nquestion: 質問\nowner: x\n---\n回答\n")},
		"c/c.md":   entryFile("same", "別の質問", "回答"),
		"d.md":     {Data: []byte("no front matter\n")},
		"good.md":  entryFile("good", "質問", "回答"),
		"other.md": entryFile("other", "質問", "回答"),
	}
	kb, err := Load(t.Context(), FS(fsys))
	if kb != nil {
		t.Error("a knowledge base with bad entries was returned")
	}
	var list EntryErrors
	if !errors.As(err, &list) {
		t.Fatalf("error %v; want EntryErrors", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Path+":"+e.Field)
	}
	want := []string{"b.md:owner", "c/c.md:id", "d.md:"}
	if !slices.Equal(got, want) {
		t.Errorf("errors %v; want %v, in path order\n%v", got, want, err)
	}
	if !strings.Contains(list[1].Message, "a.md") {
		t.Errorf("duplicate id message %q should name the other file", list[1].Message)
	}
}

func TestLoadPassesOnTheSourcesOwnErrors(t *testing.T) {
	t.Parallel()
	t.Run("a folder that is not there", func(t *testing.T) {
		t.Parallel()
		_, err := Load(t.Context(), Dir(t.TempDir()+"/none"))
		var list EntryErrors
		if err == nil || errors.As(err, &list) || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("error %v; want the source's not-exist error, not entry errors", err)
		}
	})
	t.Run("a file, not a folder", func(t *testing.T) {
		t.Parallel()
		_, err := Load(t.Context(), Dir(demoDir+"/eval.yaml"))
		if err == nil || !strings.Contains(err.Error(), "not a folder") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("an error in the middle of a listing", func(t *testing.T) {
		t.Parallel()
		broken := errors.New("github: 502")
		src := SourceFunc(func(ctx context.Context) iter.Seq2[File, error] {
			return func(yield func(File, error) bool) {
				if yield(File{Path: "a.md", Content: entryFile("a", "質問", "回答").Data}, nil) {
					yield(File{}, broken)
				}
			}
		})
		if _, err := Load(t.Context(), src); !errors.Is(err, broken) {
			t.Errorf("error %v; want %v", err, broken)
		}
	})
	t.Run("a cancelled context", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := Load(ctx, Dir(demoDir)); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v; want context.Canceled", err)
		}
	})
}

func TestNewKeepsTheURLAndTellsVersionsApart(t *testing.T) {
	t.Parallel()
	src := SourceFunc(func(ctx context.Context) iter.Seq2[File, error] {
		return func(yield func(File, error) bool) {
			yield(File{Path: "faq/a.md", URL: "https://github.example/faq/a.md", Content: entryFile("a", "給料日", "25日").Data}, nil)
		}
	})
	kb, err := Load(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := kb.Entry("a"); e.URL != "https://github.example/faq/a.md" {
		t.Errorf("URL %q", e.URL)
	}
	same, _ := New(kb.Entries())
	changed := kb.Entries()
	changed[0].Answer = "26日"
	other, _ := New(changed)
	if same.Version() != kb.Version() || other.Version() == kb.Version() || len(kb.Version()) != 16 {
		t.Errorf("versions %s %s %s: want equal for equal entries, different when an answer changed", kb.Version(), same.Version(), other.Version())
	}
}

// mutableFS is a knowledge base whose files a test replaces while others read.
type mutableFS struct {
	mu  sync.Mutex
	fs  fstest.MapFS
	err error
}

func (m *mutableFS) set(fs fstest.MapFS, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fs, m.err = fs, err
}

func (m *mutableFS) Files(ctx context.Context) iter.Seq2[File, error] {
	m.mu.Lock()
	fs, err := m.fs, m.err
	m.mu.Unlock()
	if err != nil {
		return func(yield func(File, error) bool) { yield(File{}, err) }
	}
	return FS(fs).Files(ctx)
}

func TestLiveSwapsTheWholeKnowledgeBaseAndKeepsItWhenAReloadFails(t *testing.T) {
	t.Parallel()
	src := &mutableFS{}
	src.set(fstest.MapFS{"payday.md": entryFile("payday", "給料日はいつですか", "毎月25日です。")}, nil)
	live := NewLive(src)
	if live.KB() != nil {
		t.Fatal("a knowledge base before the first reload")
	}
	if changed, err := live.Reload(t.Context()); err != nil || !changed {
		t.Fatalf("first reload: %v, %v", changed, err)
	}
	first := live.KB()
	if changed, err := live.Reload(t.Context()); err != nil || changed || live.KB() != first {
		t.Errorf("reload of the same content: changed %v, err %v, swapped %v", changed, err, live.KB() != first)
	}

	src.set(fstest.MapFS{"payday.md": entryFile("payday", "給料日はいつですか", "毎月20日です。")}, nil)
	if changed, err := live.Reload(t.Context()); err != nil || !changed {
		t.Fatalf("reload of new content: %v, %v", changed, err)
	}
	second := live.KB()
	if a := second.Ask("給料日"); a.Match == nil || !strings.Contains(a.Match.Entry.Answer, "20日") {
		t.Errorf("after the reload: %+v", a)
	}
	if a := first.Ask("給料日"); a.Match == nil || !strings.Contains(a.Match.Entry.Answer, "25日") {
		t.Errorf("a reader holding the old knowledge base saw it change: %+v", a)
	}

	src.set(fstest.MapFS{"payday.md": {Data: []byte("broken")}}, nil)
	if _, err := live.Reload(t.Context()); err == nil || live.KB() != second {
		t.Errorf("a bad reload: err %v, knowledge base kept %v", err, live.KB() == second)
	}
	src.set(nil, errors.New("github: 503"))
	if _, err := live.Reload(t.Context()); err == nil || live.KB() != second {
		t.Errorf("an unreachable source: err %v, knowledge base kept %v", err, live.KB() == second)
	}
}

func TestLiveCanBeAskedWhileItReloads(t *testing.T) {
	t.Parallel()
	src := &mutableFS{}
	src.set(fstest.MapFS{"payday.md": entryFile("payday", "給料日はいつですか", "25日")}, nil)
	live := NewLive(src)
	if _, err := live.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 50 {
				if a := live.KB().Ask("給料日"); a.Match == nil {
					t.Error("declined during a reload")
					return
				}
			}
		})
		wg.Go(func() {
			answer := []string{"25日", "20日"}[i%2]
			src.set(fstest.MapFS{"payday.md": entryFile("payday", "給料日はいつですか", answer)}, nil)
			if _, err := live.Reload(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
