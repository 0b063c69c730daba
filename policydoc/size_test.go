package policydoc

import "testing"

func TestSize(t *testing.T) {
	tests := map[string]struct {
		text string
		want int
	}{
		"compact":                               {`{"a":"b"}`, 9},
		"white space between tokens":            {"{\n\t\"a\" :\r\n \"b\"\n}", 9},
		"white space inside strings counts":     {`{"a":"b c"}`, 11},
		"escaped quote does not end the string": {`{"a":"\" x"}`, 12},
		"escaped backslash ends before quote":   {`{"a":"\\" }`, 10},
		"Latin-1 character counts once":         {"{\"a\":\"\u00e9\"}", 9},
		"escape sequences count as written":     {`{"a":"\u00e9"}`, 14},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := MustParse(tt.text).Size(); got != tt.want {
				t.Errorf("Size() = %d, want %d", got, tt.want)
			}
		})
	}
}
