package secrets_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/secrets"
)

// environ is a fake environment, so the tests neither read nor change the process's.
func environ(vars map[string]string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		v, ok := vars[key]
		return v, ok
	}
}

func TestEnvVariableNamesFollowTheSecretName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, prefix, secret, want string
	}{
		{"an upper-case name is kept", "", "FREEE_HR", "URAKATA_SECRET_FREEE_HR"},
		{"lower case is upper-cased and '-' becomes '_'", "", "freee-hr", "URAKATA_SECRET_FREEE_HR"},
		{"every non-alphanumeric becomes '_'", "", "slack/bot.token 2", "URAKATA_SECRET_SLACK_BOT_TOKEN_2"},
		{"non-ASCII letters become '_'", "", "café", "URAKATA_SECRET_CAF_"},
		{"a custom prefix replaces the default", "ACME_", "FREEE_HR", "ACME_FREEE_HR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := (secrets.Env{Prefix: tc.prefix}).Variable(tc.secret); got != tc.want {
				t.Fatalf("Variable(%q) = %q, want %q", tc.secret, got, tc.want)
			}
		})
	}
}

func TestEnvLooksUpThePrefixedVariable(t *testing.T) {
	t.Parallel()
	env := secrets.Env{LookupEnv: environ(map[string]string{
		"URAKATA_SECRET_FREEE_HR": credential,
		"URAKATA_SECRET_EMPTY":    "",
	})}
	s, err := env.Lookup(t.Context(), "freee-hr")
	if err != nil {
		t.Fatal(err)
	}
	if s.Reveal() != credential {
		t.Fatal("Lookup returned another value")
	}

	_, err = env.Lookup(t.Context(), "MISSING")
	wantNotFound(t, err, "MISSING", "environment variable URAKATA_SECRET_MISSING")
	_, err = env.Lookup(t.Context(), "EMPTY")
	wantNotFound(t, err, "EMPTY", "environment variable URAKATA_SECRET_EMPTY (set but empty)")
}

func TestEnvReadsTheProcessEnvironmentByDefault(t *testing.T) {
	t.Setenv("URAKATA_SECRET_ENV_DEFAULT_TEST", credential)
	s, err := secrets.Env{}.Lookup(t.Context(), "env-default-test")
	if err != nil {
		t.Fatal(err)
	}
	if s.Reveal() != credential {
		t.Fatal("Lookup returned another value")
	}
}

func wantNotFound(t *testing.T, err error, name string, tried ...string) *secrets.NotFoundError {
	t.Helper()
	if !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	nf, ok := errors.AsType[*secrets.NotFoundError](err)
	if !ok {
		t.Fatalf("err = %T, want *NotFoundError", err)
	}
	if nf.Name != name || strings.Join(nf.Tried, "|") != strings.Join(tried, "|") {
		t.Fatalf("NotFoundError{Name: %q, Tried: %q}, want %q, %q", nf.Name, nf.Tried, name, tried)
	}
	return nf
}

// writeFile writes a secrets file with the given mode (chmod, so the umask cannot widen
// or narrow it).
func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

const oauthJSON = `{"client_id":"id-` + credential + `","client_secret":"cs-` + credential + `","refresh_token":"rt-` + credential + `"}`

func TestFileReturnsStringsAndObjectsAsText(t *testing.T) {
	t.Parallel()
	jsonFile := writeFile(t, "secrets.json", `{
  "SLACK_BOT": "`+credential+`",
  "FREEE_HR": {"client_id": "id-`+credential+`", "client_secret": "cs-`+credential+`", "refresh_token": "rt-`+credential+`"},
  "EMPTY": "",
  "NOTHING": null
}`, 0o600)
	yamlFile := writeFile(t, "secrets.yaml", `
SLACK_BOT: `+credential+`
DIGITS: 0123
FREEE_HR:
  client_id: id-`+credential+`
  client_secret: cs-`+credential+`
  refresh_token: rt-`+credential+`
EMPTY: ""
NOTHING:
`, 0o400)
	for _, tc := range []struct {
		name, path, secret, want string
	}{
		{"a JSON string is returned as is", jsonFile, "SLACK_BOT", credential},
		{"a JSON object is returned as its JSON text", jsonFile, "FREEE_HR", oauthJSON},
		{"a YAML string is returned as is", yamlFile, "SLACK_BOT", credential},
		{"a YAML scalar is returned as written", yamlFile, "DIGITS", "0123"},
		{"a YAML mapping is returned as JSON text", yamlFile, "FREEE_HR", oauthJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := secrets.File{Path: tc.path}.Lookup(t.Context(), tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			if s.Reveal() != tc.want {
				t.Fatalf("Lookup(%q) = %q, want %q", tc.secret, s.Reveal(), tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, path, secret string
	}{
		{"an absent JSON name is a miss", jsonFile, "OTHER"},
		{"an empty JSON string is a miss", jsonFile, "EMPTY"},
		{"a JSON null is a miss", jsonFile, "NOTHING"},
		{"an absent YAML name is a miss", yamlFile, "OTHER"},
		{"an empty YAML string is a miss", yamlFile, "EMPTY"},
		{"a YAML null is a miss", yamlFile, "NOTHING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := secrets.File{Path: tc.path}.Lookup(t.Context(), tc.secret)
			wantNotFound(t, err, tc.secret, "file "+tc.path)
		})
	}
}

func TestFileThatDoesNotExistIsAMiss(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "absent.json")
	_, err := secrets.File{Path: path}.Lookup(t.Context(), "FREEE_HR")
	wantNotFound(t, err, "FREEE_HR", "file "+path+" (missing)")
}

func TestFileOpenToGroupOrOthersIsRefused(t *testing.T) {
	t.Parallel()
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644, 0o660, 0o666, 0o610} {
		path := writeFile(t, "secrets.json", `{"FREEE_HR": "`+credential+`"}`, mode)
		_, err := secrets.File{Path: path}.Lookup(t.Context(), "FREEE_HR")
		insecure, ok := errors.AsType[*secrets.InsecureFileError](err)
		if !ok {
			t.Fatalf("mode %04o: err = %v, want *InsecureFileError", mode, err)
		}
		if insecure.Mode.Perm() != mode {
			t.Fatalf("mode %04o: error says %04o", mode, insecure.Mode.Perm())
		}
		if !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Fatalf("mode %04o: %q does not tell to chmod 600 %s", mode, err, path)
		}
		if errors.Is(err, secrets.ErrNotFound) {
			t.Fatalf("mode %04o: an insecure file must not count as a miss", mode)
		}
	}
}

func TestFileErrorsNeverCarryAValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"broken JSON says the line", "s.json", "{\n\"A\": \"" + credential + "\",\n\"B\": " + credential + "\n}", "not valid JSON (line 3)"},
		{"a JSON list is not a mapping", "s.json", `["` + credential + `"]`, "want a JSON object"},
		{"a JSON number is neither string nor object", "s.json", `{"FREEE_HR": 12345}`, `"FREEE_HR": want a string or an object`},
		{"broken YAML says the line", "s.yaml", "A: " + credential + "\nB: [" + credential + "\n", "not valid YAML (line"},
		{"a YAML list value is neither string nor object", "s.yml", "FREEE_HR:\n  - " + credential + "\n", `"FREEE_HR" (line 2): want a string or an object`},
		{"a YAML list document is not a mapping", "s.yaml", "- " + credential + "\n", "want a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, tc.file, tc.content, 0o600)
			_, err := secrets.File{Path: path}.Lookup(t.Context(), "FREEE_HR")
			if err == nil || errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("err = %v, want a file error", err)
			}
			if strings.Contains(err.Error(), credential) || strings.Contains(err.Error(), "12345") {
				t.Fatalf("error leaks a value: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file and say %q", err, tc.want)
			}
		})
	}
}

func TestStaticHoldsSecretsInMemory(t *testing.T) {
	t.Parallel()
	src := secrets.Static{"FREEE_HR": credential, "EMPTY": ""}
	s, err := src.Lookup(t.Context(), "FREEE_HR")
	if err != nil || s.Reveal() != credential {
		t.Fatalf("Lookup = %v, %v", s, err)
	}
	_, err = src.Lookup(t.Context(), "EMPTY")
	wantNotFound(t, err, "EMPTY", "static secrets")
	_, err = src.Lookup(t.Context(), "OTHER")
	wantNotFound(t, err, "OTHER", "static secrets")
}

func TestChainReturnsTheFirstSourceThatHoldsTheSecret(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "secrets.json", `{"FREEE_HR": "from-file", "SLACK": "slack-from-file"}`, 0o600)
	src := secrets.Chain(
		secrets.Env{LookupEnv: environ(map[string]string{"URAKATA_SECRET_FREEE_HR": "from-env"})},
		secrets.File{Path: path},
	)
	for secret, want := range map[string]string{"FREEE_HR": "from-env", "SLACK": "slack-from-file"} {
		s, err := src.Lookup(t.Context(), secret)
		if err != nil {
			t.Fatal(err)
		}
		if s.Reveal() != want {
			t.Fatalf("Lookup(%q) = %q, want %q", secret, s.Reveal(), want)
		}
	}
}

func TestChainMissListsEveryPlaceItLooked(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "secrets.json", `{}`, 0o600)
	src := secrets.Chain(secrets.Env{LookupEnv: environ(nil)}, secrets.File{Path: path})
	_, err := secrets.ForConnection(t.Context(), src, "freee-hr", "FREEE_HR")
	nf := wantNotFound(t, err, "FREEE_HR", "environment variable URAKATA_SECRET_FREEE_HR", "file "+path)
	if nf.Connection != "freee-hr" {
		t.Fatalf("Connection = %q", nf.Connection)
	}
	want := `secret "FREEE_HR" for connection freee-hr not found; looked in: environment variable URAKATA_SECRET_FREEE_HR, file ` + path
	if err.Error() != want {
		t.Fatalf("err = %q\nwant  %q", err, want)
	}
}

func TestChainStopsAtASourceThatFails(t *testing.T) {
	t.Parallel()
	insecure := writeFile(t, "secrets.json", `{"FREEE_HR": "`+credential+`"}`, 0o644)
	src := secrets.Chain(secrets.File{Path: insecure}, secrets.Static{"FREEE_HR": "fallback"})
	_, err := src.Lookup(t.Context(), "FREEE_HR")
	if _, ok := errors.AsType[*secrets.InsecureFileError](err); !ok {
		t.Fatalf("err = %v, want the insecure file reported, not the fallback used", err)
	}
	_, err = secrets.ForConnection(t.Context(), src, "freee-hr", "FREEE_HR")
	if _, ok := errors.AsType[*secrets.InsecureFileError](err); !ok || !strings.Contains(err.Error(), "connection freee-hr") {
		t.Fatalf("ForConnection err = %v, want the insecure file for connection freee-hr", err)
	}
}

func TestChainStopsWhenTheContextIsDone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := secrets.Chain(secrets.Static{"A": "x"}).Lookup(ctx, "A")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestNotFoundErrorMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  secrets.NotFoundError
		want string
	}{
		{"without a connection", secrets.NotFoundError{Name: "X", Tried: []string{"static secrets"}},
			`secret "X" not found; looked in: static secrets`},
		{"with no sources", secrets.NotFoundError{Name: "X", Connection: "c"},
			`secret "X" for connection c not found; no secret sources are configured`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.err.Error(); got != tc.want {
				t.Fatalf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
	_, err := secrets.Chain().Lookup(t.Context(), "X")
	wantNotFound(t, err, "X")
}
