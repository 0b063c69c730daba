package sandbox

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
)

const (
	defaultMaxItems = 100
	maxMaxItems     = 1000
	markerPrefix    = "sandbox-marker:"
)

// pageInfo is the pagination part of a List result.
type pageInfo struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// pageRequest holds the Marker and MaxItems of a request.
type pageRequest struct {
	after    string // key of the next item to return; empty for the first page
	maxItems int
	bad      bool // the marker is not one the sandbox handed out
}

// pageRequest reads and checks Marker and MaxItems.
func (c *call) pageRequest() pageRequest {
	p := pageRequest{maxItems: defaultMaxItems}
	if n, ok := c.int32Param("MaxItems", 1, maxMaxItems); ok && n >= 1 && n <= maxMaxItems {
		p.maxItems = int(n)
	}
	marker := c.optional("Marker", markerRule)
	if marker == "" {
		return p
	}
	raw, err := base64.RawURLEncoding.DecodeString(marker)
	next, ok := strings.CutPrefix(string(raw), markerPrefix)
	if err != nil || !ok {
		p.bad = true
	}
	p.after = next
	return p
}

// paginate returns the page of items that p requests. Items must be sorted
// by the key that keyOf returns, ascending and unique; the marker holds the
// key of the first item of the next page, so a page stays correct when
// items before it are deleted between requests.
func paginate[T any](p pageRequest, items []T, keyOf func(i int, item T) string) ([]T, pageInfo, error) {
	if p.bad {
		return nil, pageInfo{}, errInvalidInput("The Marker is not valid. Pass the Marker of the previous response unchanged.")
	}
	start := 0
	if p.after != "" {
		start = sort.Search(len(items), func(i int) bool { return keyOf(i, items[i]) >= p.after })
	}
	end := min(start+p.maxItems, len(items))
	page := items[start:end]
	if end == len(items) {
		return page, pageInfo{}, nil
	}
	next := base64.RawURLEncoding.EncodeToString([]byte(markerPrefix + keyOf(end, items[end])))
	return page, pageInfo{IsTruncated: true, Marker: next}, nil
}

// positionKey is a key for lists that are not sorted by name, such as
// attached policies: the position, zero-padded so that keys sort.
func positionKey[T any](i int, _ T) string { return fmt.Sprintf("%010d", i) }
