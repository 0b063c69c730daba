package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonKind is the type of a JSON value.
type jsonKind int

const (
	jsonObject jsonKind = iota
	jsonArray
	jsonString
	jsonNumber
	jsonBool
	jsonNull
)

// jsonValue is a decoded JSON value that keeps the order of object keys and
// the literal text of numbers, which encoding/json's maps and floats lose.
type jsonValue struct {
	kind    jsonKind
	members []jsonMember // jsonObject
	elems   []*jsonValue // jsonArray
	text    string       // jsonString: the string; jsonNumber: the literal
	boolean bool         // jsonBool
}

// jsonMember is one key of a JSON object with its value.
type jsonMember struct {
	key   string
	value *jsonValue
}

// member returns the value of key, or nil.
func (v *jsonValue) member(key string) *jsonValue {
	for _, m := range v.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// isScalar reports whether v is neither an object nor an array.
func (v *jsonValue) isScalar() bool { return v.kind != jsonObject && v.kind != jsonArray }

// parseJSON decodes one JSON value. A key repeated within an object is an
// error, because an HCL object cannot repeat a key and IAM rejects such a
// document anyway.
func parseJSON(text string) (*jsonValue, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeJSONValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("text after the JSON value")
	}
	return v, nil
}

func decodeJSONValue(dec *json.Decoder) (*jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return decodeJSONObject(dec)
		}
		return decodeJSONArray(dec)
	case string:
		return &jsonValue{kind: jsonString, text: t}, nil
	case json.Number:
		return &jsonValue{kind: jsonNumber, text: t.String()}, nil
	case bool:
		return &jsonValue{kind: jsonBool, boolean: t}, nil
	case nil:
		return &jsonValue{kind: jsonNull}, nil
	}
	panic(fmt.Sprintf("importer: unexpected JSON token %T", tok))
}

func decodeJSONObject(dec *json.Decoder) (*jsonValue, error) {
	v := &jsonValue{kind: jsonObject}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // the decoder returns only string keys inside an object
		if seen[key] {
			return nil, fmt.Errorf("key %q repeated in one object", key)
		}
		seen[key] = true
		value, err := decodeJSONValue(dec)
		if err != nil {
			return nil, err
		}
		v.members = append(v.members, jsonMember{key: key, value: value})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return v, nil
}

func decodeJSONArray(dec *json.Decoder) (*jsonValue, error) {
	v := &jsonValue{kind: jsonArray, elems: []*jsonValue{}}
	for dec.More() {
		elem, err := decodeJSONValue(dec)
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, elem)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return v, nil
}
