package secrets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File reads secrets from a file only its owner can read (mode 0600 or narrower). The file
// maps each secret name to a string, or to an object such as an OAuth client's
// {client_id, client_secret, refresh_token}, which Lookup returns as its JSON text (see
// DecodeFields). Files named *.yaml or *.yml are read as YAML, any other as JSON:
//
//	{"FREEE_HR": {"client_id": "…", "client_secret": "…", "refresh_token": "…"},
//	 "SLACK_BOT": "xoxb-…"}
//
// The file is read on every Lookup, so a rotated credential is picked up without a restart.
// An empty value counts as missing, and a missing file is a miss, so File can sit in a Chain
// on machines that have no such file.
type File struct {
	Path string
}

// InsecureFileError refuses a secrets file that group or others may access.
type InsecureFileError struct {
	Path string
	Mode fs.FileMode
}

func (e *InsecureFileError) Error() string {
	return fmt.Sprintf("secrets file %s has mode %04o, which lets group or others read it; run: chmod 600 %s",
		e.Path, e.Mode.Perm(), e.Path)
}

// Lookup returns the secret called name.
func (f File) Lookup(ctx context.Context, name string) (Secret, error) {
	if err := ctx.Err(); err != nil {
		return Secret{}, fmt.Errorf("look up secret %q in %s: %w", name, f.Path, err)
	}
	data, err := f.read()
	if errors.Is(err, fs.ErrNotExist) {
		return Secret{}, &NotFoundError{Name: name, Tried: []string{"file " + f.Path + " (missing)"}}
	}
	if err != nil {
		return Secret{}, err
	}
	var v string
	var found bool
	if isYAML(f.Path) {
		v, found, err = yamlEntry(data, name)
	} else {
		v, found, err = jsonEntry(data, name)
	}
	if err != nil {
		return Secret{}, fmt.Errorf("secrets file %s: %w", f.Path, err)
	}
	if !found || v == "" {
		return Secret{}, &NotFoundError{Name: name, Tried: []string{"file " + f.Path}}
	}
	return New(v), nil
}

// read checks the mode of the open file, not of the path, so the file cannot be swapped
// between the check and the read.
func (f File) read() ([]byte, error) {
	fh, err := os.Open(f.Path)
	if err != nil {
		return nil, fmt.Errorf("open secrets file: %w", err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat secrets file: %w", err)
	}
	// Windows reports made-up permission bits; there the file's ACL is the operator's job.
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, &InsecureFileError{Path: f.Path, Mode: info.Mode()}
	}
	data, err := io.ReadAll(fh)
	if err != nil {
		return nil, fmt.Errorf("read secrets file %s: %w", f.Path, err)
	}
	return data, nil
}

func isYAML(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}

// jsonEntry returns the value of name. Its errors say where, never what: a parser's own
// message can quote the text around the fault, which may be a credential.
func jsonEntry(data []byte, name string) (string, bool, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return "", false, fmt.Errorf("not valid JSON (line %d)", line)
		}
		return "", false, errors.New("want a JSON object that maps secret names to values")
	}
	raw, ok := all[name]
	if !ok {
		return "", false, nil
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, fmt.Errorf("%q: not a valid JSON string", name)
		}
		return s, true, nil
	case len(raw) > 0 && raw[0] == '{':
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return "", false, fmt.Errorf("%q: not a valid JSON object", name)
		}
		return b.String(), true, nil
	case string(raw) == "null":
		return "", false, nil
	}
	return "", false, fmt.Errorf("%q: want a string or an object", name)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlEntry is jsonEntry for YAML files. A scalar is taken as written (0123 stays "0123"),
// because nobody quotes a token that happens to look like a number.
func yamlEntry(data []byte, name string) (string, bool, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return "", false, fmt.Errorf("not valid YAML (line %s)", m[1])
		}
		return "", false, errors.New("not valid YAML")
	}
	if len(doc.Content) == 0 {
		return "", false, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return "", false, errors.New("want a mapping of secret names to values")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != name {
			continue
		}
		v := root.Content[i+1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
			return "", false, nil
		case v.Kind == yaml.ScalarNode:
			return v.Value, true, nil
		case v.Kind == yaml.MappingNode:
			var obj map[string]any
			if err := v.Decode(&obj); err != nil {
				return "", false, fmt.Errorf("%q (line %d): want an object with string keys", name, v.Line)
			}
			b, err := json.Marshal(obj)
			if err != nil {
				return "", false, fmt.Errorf("%q (line %d): want an object of strings", name, v.Line)
			}
			return string(b), true, nil
		}
		return "", false, fmt.Errorf("%q (line %d): want a string or an object", name, v.Line)
	}
	return "", false, nil
}

var _ Source = File{}
