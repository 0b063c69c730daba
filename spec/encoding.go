package spec

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// checkText reports a configuration file that is not UTF-8 text: one
// saved as UTF-16, one with a byte that is not UTF-8, or one holding a NUL
// character, which text files do not contain. The HCL parser reports such
// files with one diagnostic per stray byte, hundreds for a binary file
// read by mistake. This one diagnostic points at the first of them.
func checkText(src []byte, filename string) *hcl.Diagnostic {
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		return textDiagnostic(src, filename, 0, "The file starts with the byte order mark of UTF-16. "+
			"Save it as UTF-8, which is what iamsync reads.")
	}
	if utf8.Valid(src) && bytes.IndexByte(src, 0) < 0 {
		return nil
	}
	for offset := 0; offset < len(src); {
		r, size := utf8.DecodeRune(src[offset:])
		switch {
		case r == utf8.RuneError && size == 1:
			return textDiagnostic(src, filename, offset, fmt.Sprintf("The byte 0x%02x is not UTF-8. "+
				"Save the file as UTF-8, which is what iamsync reads, or remove the file if it is not configuration.", src[offset]))
		case r == 0:
			return textDiagnostic(src, filename, offset, "The file holds a NUL character, which text files do not contain: "+
				"it may be a binary file, or saved in an encoding other than UTF-8. Remove the character, "+
				"or the file if it is not configuration.")
		}
		offset += size
	}
	return nil
}

// textDiagnostic returns the diagnostic of checkText at a byte offset.
func textDiagnostic(src []byte, filename string, offset int, detail string) *hcl.Diagnostic {
	pos := posAt(src, offset)
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Configuration file is not UTF-8 text",
		Detail:   detail,
		Subject:  &hcl.Range{Filename: filename, Start: pos, End: pos},
	}
}
