package secrets_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/secrets"
)

func reveal(m map[string]secrets.Secret) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v.Reveal()
	}
	return out
}

func TestDecodeFieldsReturnsTheNamedFields(t *testing.T) {
	t.Parallel()
	s := secrets.New(`{"client_id":"id","client_secret":"cs","refresh_token":"rt","company_id":42,"extra":{"x":1}}`)
	got, err := secrets.DecodeFields(s, "client_id", "client_secret", "refresh_token", "company_id")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"client_id": "id", "client_secret": "cs", "refresh_token": "rt", "company_id": "42"}
	if !reflect.DeepEqual(reveal(got), want) {
		t.Fatalf("DecodeFields = %v, want %v", reveal(got), want)
	}
}

func TestDecodeFieldsWithoutNamesReturnsEveryField(t *testing.T) {
	t.Parallel()
	got, err := secrets.DecodeFields(secrets.New(`{"a":"1","b":"2"}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"a": "1", "b": "2"}; !reflect.DeepEqual(reveal(got), want) {
		t.Fatalf("DecodeFields = %v, want %v", reveal(got), want)
	}
}

func TestDecodeFieldsListsMissingFieldsByName(t *testing.T) {
	t.Parallel()
	s := secrets.New(`{"client_id":"` + credential + `","client_secret":"","refresh_token":null}`)
	_, err := secrets.DecodeFields(s, "client_id", "client_secret", "refresh_token", "scope")
	missing, ok := errors.AsType[*secrets.MissingFieldsError](err)
	if !ok {
		t.Fatalf("err = %v, want *MissingFieldsError", err)
	}
	if want := []string{"client_secret", "refresh_token", "scope"}; !reflect.DeepEqual(missing.Missing, want) {
		t.Fatalf("Missing = %q, want %q", missing.Missing, want)
	}
	want := "secret lacks field(s) client_secret, refresh_token, scope; want an object with client_id, client_secret, refresh_token, scope"
	if err.Error() != want {
		t.Fatalf("err = %q\nwant  %q", err, want)
	}
}

func TestDecodeFieldsErrorsNeverCarryAValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, secret, want string
	}{
		{"a plain token is not an object", credential, "secret is not a JSON object; want an object with client_id"},
		{"broken JSON is not an object", `{"client_id": "` + credential, "secret is not a JSON object"},
		{"a JSON list is not an object", `["` + credential + `"]`, "secret is not a JSON object"},
		{"a nested object is not a string", `{"client_id": {"v": "` + credential + `"}}`, "secret field client_id: want a string"},
		{"a list is not a string", `{"client_id": ["` + credential + `"]}`, "secret field client_id: want a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := secrets.DecodeFields(secrets.New(tc.secret), "client_id")
			if err == nil {
				t.Fatal("no error")
			}
			for _, out := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(out, credential) {
					t.Fatalf("error leaks the value: %s", out)
				}
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %q, want it to say %q", err, tc.want)
			}
		})
	}
}
