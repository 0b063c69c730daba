package policydoc

// PathValue is a string of a document and its location, as a JSON pointer
// such as /Statement/0/Principal/AWS/1.
type PathValue struct {
	Path  string
	Value string
}

// AWSPrincipals returns the strings of the AWS element of every
// statement's Principal, with their locations, in document order.
func (d *Document) AWSPrincipals() []PathValue {
	if d == nil {
		return nil
	}
	var out []PathValue
	add := func(stPath string, st *node) {
		aws := st.get("Principal").get("AWS")
		for _, ps := range pathStrings(pointerKey(pointerKey(stPath, "Principal"), "AWS"), aws) {
			out = append(out, PathValue{Path: ps.path, Value: ps.text})
		}
	}
	statements := d.root.get("Statement")
	switch {
	case statements == nil:
	case statements.kind == kindArray:
		for i, st := range statements.elems {
			add(pointerIndex(pointerKey("", "Statement"), i), st)
		}
	default:
		add(pointerKey("", "Statement"), statements)
	}
	return out
}
