package sandbox

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// catalogue is a read-only list of AWS-managed policies, with the default
// version of each.
type catalogue struct {
	policies map[string]*cataloguePolicy // by ARN
	arns     []string                    // sorted
	retired  map[string]bool
}

type cataloguePolicy struct {
	name, path, arn string
	defaultVersion  string
	created         time.Time
	updated         time.Time

	// The document is decoded on first use: compacting all of them would
	// more than double the time to load the catalogue.
	rawDocument json.RawMessage
	decodeOnce  sync.Once
	document    string
}

// documentText returns the policy's default document.
func (p *cataloguePolicy) documentText() string {
	p.decodeOnce.Do(func() {
		p.document = documentText(p.rawDocument)
		p.rawDocument = nil
	})
	return p.document
}

// catalogueFile is the catalogue's JSON shape.
type catalogueFile struct {
	Source struct {
		ExcludedRetired []string `json:"excluded_retired"`
	} `json:"source"`
	Policies []struct {
		PolicyName       string          `json:"PolicyName"`
		Arn              string          `json:"Arn"`
		Path             string          `json:"Path"`
		DefaultVersionID string          `json:"DefaultVersionId"`
		Document         json.RawMessage `json:"Document"`
		CreateDate       flexTime        `json:"CreateDate"`
		UpdateDate       flexTime        `json:"UpdateDate"`
	} `json:"policies"`
}

// catalogueCache keeps parsed catalogues by path, size and modification
// time, so that a program that starts many servers parses a file once.
var catalogueCache sync.Map // catalogueCacheKey -> *catalogue

type catalogueCacheKey struct {
	path    string
	size    int64
	modTime time.Time
}

// loadCatalogue reads the catalogue at path.
func loadCatalogue(path string) (*catalogue, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	cacheKey := catalogueCacheKey{path: path, size: info.Size(), modTime: info.ModTime()}
	if c, ok := catalogueCache.Load(cacheKey); ok {
		return c.(*catalogue), nil
	}

	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	c, err := parseCatalogue(data)
	if err != nil {
		return nil, fmt.Errorf("load catalogue %s: %w", path, err)
	}
	catalogueCache.Store(cacheKey, c)
	return c, nil
}

func parseCatalogue(data []byte) (*catalogue, error) {
	var f catalogueFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	c := &catalogue{policies: make(map[string]*cataloguePolicy, len(f.Policies)), retired: map[string]bool{}}
	for _, arn := range f.Source.ExcludedRetired {
		c.retired[arn] = true
	}
	for i, p := range f.Policies {
		if !isAWSManagedARN(p.Arn) || p.PolicyName == "" || p.DefaultVersionID == "" || len(p.Document) == 0 {
			return nil, fmt.Errorf("policy %d (%q) lacks an AWS-managed Arn, PolicyName, DefaultVersionId or Document", i, p.Arn)
		}
		c.policies[p.Arn] = &cataloguePolicy{
			name: p.PolicyName, path: defaultPath(p.Path), arn: p.Arn,
			defaultVersion: p.DefaultVersionID, rawDocument: p.Document,
			created: p.CreateDate.Time, updated: p.UpdateDate.Time,
		}
		c.arns = append(c.arns, p.Arn)
	}
	sort.Strings(c.arns)
	return c, nil
}

// documentText returns a document given in JSON as an object, compacted, or
// as a string, decoded. Strings that start with "{" are plain JSON text;
// others are URL-encoded, as IAM's wire format has them.
func documentText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return compactJSON(raw)
	}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	return decodeDocument(s)
}

// isAWSManagedARN reports whether arn names an AWS-managed policy:
// arn:aws:iam::aws:policy followed by a path and a name.
func isAWSManagedARN(arn string) bool {
	_, _, ok := splitAWSManagedARN(arn)
	return ok
}

// splitAWSManagedARN returns the path and the name of a well-formed
// AWS-managed policy ARN.
func splitAWSManagedARN(arn string) (path, name string, ok bool) {
	rest, found := strings.CutPrefix(arn, "arn:aws:iam::aws:policy/")
	if !found {
		return "", "", false
	}
	i := strings.LastIndex(rest, "/")
	path, name = "/"+rest[:i+1], rest[i+1:]
	if len(name) > policyNameRule.max || !policyNameRule.pattern.MatchString(name) || !pathRule.pattern.MatchString(path) {
		return "", "", false
	}
	return path, name, true
}

// stableID returns a unique id derived from seed, for entities that have an
// id in IAM that the sandbox does not know, such as the catalogue's
// policies. The same seed gives the same id on every run.
func stableID(prefix, seed string) string {
	sum := sha256.Sum256([]byte(seed))
	enc := base32.StdEncoding.EncodeToString(sum[:])
	return prefix + enc[:21-len(prefix)]
}
