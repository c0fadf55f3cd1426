package faq

import (
	"bytes"
	"fmt"
	"net/mail"
	"path"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Entry is one FAQ of the knowledge base: the question employees ask, the other ways they
// ask it, and the answer, in Japanese and, when the entry has one, in English.
type Entry struct {
	// ID names the entry in evaluations, logs and links; unique in a knowledge base.
	ID string `json:"id"`
	// Question is the entry's representative question, in Japanese.
	Question string `json:"question"`
	// Paraphrases are other ways people ask the same question.
	Paraphrases []string `json:"paraphrases,omitempty"`
	// QuestionEN and ParaphrasesEN are the English question and its paraphrases; empty
	// when the entry has no English version.
	QuestionEN    string   `json:"question_en,omitempty"`
	ParaphrasesEN []string `json:"paraphrases_en,omitempty"`
	// Tags are categories (給与, 勤怠, …); they count a little in matching.
	Tags []string `json:"tags,omitempty"`
	// Owner is the email address of whoever answers for the content.
	Owner string `json:"owner"`
	// Answer is the Japanese answer, in Markdown.
	Answer string `json:"answer"`
	// AnswerEN is the English answer, in Markdown; empty when the entry has none.
	AnswerEN string `json:"answer_en,omitempty"`
	// Path is the file the entry was read from, relative to the knowledge base's root.
	Path string `json:"path"`
	// URL is the file's page at its source (GitHub), to cite; empty for a local folder.
	URL string `json:"url,omitempty"`
}

// QuestionIn returns the entry's question in lang, or the Japanese one when the entry
// has no English version.
func (e Entry) QuestionIn(lang Lang) string {
	if lang == English && e.QuestionEN != "" {
		return e.QuestionEN
	}
	return e.Question
}

// AnswerIn returns the entry's answer in lang, or the Japanese one when the entry has no
// English version.
func (e Entry) AnswerIn(lang Lang) string {
	if lang == English && e.AnswerEN != "" {
		return e.AnswerEN
	}
	return e.Answer
}

// EntryError says what is wrong with one file of a knowledge base, and where.
type EntryError struct {
	// Path is the file, relative to the knowledge base's root.
	Path string `json:"path"`
	// Line is the 1-based line of the file; 0 when the error is about the file as a whole.
	Line int `json:"line,omitempty"`
	// Field is the front matter key the error is about, if any.
	Field string `json:"field,omitempty"`
	// Message says what is wrong and what is expected.
	Message string `json:"message"`
}

func (e *EntryError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// EntryErrors is every problem found in a knowledge base, in file order: a load reports
// them all at once, so that one pull request can fix them all.
type EntryErrors []*EntryError

func (es EntryErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *EntryError.
func (es EntryErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// englishMarker splits an answer into its Japanese part and its English part.
var englishMarker = regexp.MustCompile(`(?m)^[ \t]*<!--[ \t]*en[ \t]*-->[ \t]*$`)

// explicitID is what an id written in the front matter may look like: it goes into URLs,
// logs and evaluation files.
var explicitID = regexp.MustCompile(`^[a-z0-9]+(?:[-_.][a-z0-9]+)*$`)

// yamlLine finds the line yaml.v3 names in a syntax error.
var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// frontMatter is the YAML between the --- lines; every key is optional to the decoder,
// and Parse says which are required.
type frontMatter struct {
	ID            string   `yaml:"id"`
	Question      string   `yaml:"question"`
	Paraphrases   []string `yaml:"paraphrases"`
	QuestionEN    string   `yaml:"question_en"`
	ParaphrasesEN []string `yaml:"paraphrases_en"`
	Tags          []string `yaml:"tags"`
	Owner         string   `yaml:"owner"`
}

// Parse reads one FAQ file: YAML front matter between two --- lines, then the answer in
// Markdown, its English version after a line <!-- en -->. p is the file's path relative
// to the knowledge base's root; an entry without an id takes p without its extension.
// Every problem is reported, as EntryErrors, with the line it is on.
func Parse(p string, content []byte) (Entry, error) {
	text := strings.ReplaceAll(string(bytes.TrimPrefix(content, []byte("\ufeff"))), "\r\n", "\n")
	var errs EntryErrors
	fail := func(line int, field, format string, args ...any) {
		errs = append(errs, &EntryError{Path: p, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		fail(1, "", "no front matter: the file must start with a line --- and the YAML keys question, paraphrases, tags and owner, then a line ---")
		return Entry{}, errs
	}
	// The newline in front lets an empty front matter close on the next line.
	front, body, ok := strings.Cut("\n"+rest, "\n---\n")
	if !ok {
		if front, ok = strings.CutSuffix("\n"+rest, "\n---"); !ok {
			fail(1, "", "the front matter is not closed by a line ---")
			return Entry{}, errs
		}
	}
	front = strings.TrimPrefix(front, "\n")
	// Lines of the file are the front matter's plus one: the opening ---.
	const frontOffset = 1
	bodyLine := 3 // after an empty front matter
	if front != "" {
		bodyLine = frontOffset + strings.Count(front, "\n") + 3
	}

	var fm frontMatter
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		line, msg := 0, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = n+frontOffset, m[2]
		}
		fail(line, "", "front matter is not valid YAML: %s", msg)
		return Entry{}, errs
	}
	lines := map[string]int{}
	bad := map[string]bool{} // keys already reported, not to be called missing too
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			key, val := m.Content[i], m.Content[i+1]
			lines[key.Value] = key.Line + frontOffset
			if err := decodeField(&fm, key.Value, val); err != nil {
				fail(key.Line+frontOffset, key.Value, "%s", err)
				bad[key.Value] = true
			}
		}
	} else if len(doc.Content) > 0 {
		fail(2, "", "the front matter must be YAML keys and values (question: …, owner: …)")
	}
	line := func(field string) int {
		if l, ok := lines[field]; ok {
			return l
		}
		return 2
	}

	e := Entry{
		ID: fm.ID, Question: strings.TrimSpace(fm.Question), Paraphrases: trimAll(fm.Paraphrases),
		QuestionEN: strings.TrimSpace(fm.QuestionEN), ParaphrasesEN: trimAll(fm.ParaphrasesEN),
		Tags: trimAll(fm.Tags), Owner: strings.TrimSpace(fm.Owner), Path: p,
	}
	if e.ID == "" {
		e.ID = strings.TrimSuffix(p, path.Ext(p))
	} else if !explicitID.MatchString(e.ID) {
		fail(line("id"), "id", "%q: use lower-case letters, digits and - _ . (e.g. paid-leave-balance); leave it out to use the file's path", e.ID)
	}
	if e.Question == "" && !bad["question"] {
		fail(line("question"), "question", "missing: the question people ask, in Japanese")
	}
	if e.Owner == "" && !bad["owner"] {
		fail(line("owner"), "owner", "missing: the email address of whoever answers for this entry")
	} else if a, err := mail.ParseAddress(e.Owner); e.Owner != "" && (err != nil || a.Address != e.Owner) {
		// The value is not repeated: it is a person's address.
		fail(line("owner"), "owner", "not an email address (write only the address, e.g. soumu@example.co.jp)")
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"paraphrases", e.Paraphrases}, {"paraphrases_en", e.ParaphrasesEN}, {"tags", e.Tags}} {
		for _, s := range f.list {
			if s == "" {
				fail(line(f.name), f.name, "an item is empty")
				break
			}
		}
	}

	parts := englishMarker.FindAllStringIndex(body, -1)
	switch len(parts) {
	case 0:
		e.Answer = strings.TrimSpace(body)
	case 1:
		e.Answer = strings.TrimSpace(body[:parts[0][0]])
		e.AnswerEN = strings.TrimSpace(body[parts[0][1]:])
	default:
		e.Answer = strings.TrimSpace(body[:parts[0][0]])
		fail(bodyLine+strings.Count(body[:parts[1][0]], "\n"), "", "a second <!-- en --> line: an answer has one English part")
	}
	if e.Answer == "" {
		fail(bodyLine, "", "no answer: write the answer in Markdown after the front matter")
	}
	switch {
	case len(parts) == 1 && e.AnswerEN == "":
		fail(bodyLine+strings.Count(body[:parts[0][0]], "\n"), "", "nothing after <!-- en -->: write the English answer there, or remove the line")
	case e.AnswerEN != "" && e.QuestionEN == "":
		fail(line("question_en"), "question_en", "missing: the entry has an English answer, so it needs the English question")
	case e.QuestionEN != "" && e.AnswerEN == "" && len(parts) == 0:
		fail(line("question_en"), "question_en", "the entry has no English answer: add one after a line <!-- en --> below the Japanese answer")
	}
	if len(e.ParaphrasesEN) > 0 && e.QuestionEN == "" {
		fail(line("paraphrases_en"), "paraphrases_en", "English paraphrases without question_en")
	}
	if len(errs) > 0 {
		return Entry{}, errs
	}
	return e, nil
}

// decodeField decodes one front matter value into fm, naming what was expected when it
// does not fit. A list field also takes a single string, as people often write it.
func decodeField(fm *frontMatter, key string, val *yaml.Node) error {
	str := func(dst *string) error {
		if val.Kind != yaml.ScalarNode || val.Tag == "!!null" {
			return fmt.Errorf("want a string")
		}
		*dst = val.Value
		return nil
	}
	list := func(dst *[]string) error {
		switch {
		case val.Kind == yaml.ScalarNode && val.Tag != "!!null":
			*dst = []string{val.Value}
			return nil
		case val.Kind == yaml.SequenceNode:
			for i, item := range val.Content {
				if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
					return fmt.Errorf("want a list of strings; item %d is not a string", i+1)
				}
				*dst = append(*dst, item.Value)
			}
			return nil
		}
		return fmt.Errorf("want a list of strings")
	}
	switch key {
	case "id":
		return str(&fm.ID)
	case "question":
		return str(&fm.Question)
	case "question_en":
		return str(&fm.QuestionEN)
	case "owner":
		return str(&fm.Owner)
	case "paraphrases":
		return list(&fm.Paraphrases)
	case "paraphrases_en":
		return list(&fm.ParaphrasesEN)
	case "tags":
		return list(&fm.Tags)
	}
	return fmt.Errorf("unknown key; the keys are id, question, paraphrases, question_en, paraphrases_en, tags and owner")
}

func trimAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.TrimSpace(s)
	}
	return out
}
