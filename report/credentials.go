package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// RootUser is the name the credential report gives the root user.
const RootUser = "<root_account>"

// Values that stand for "no date" in the report's date columns.
var noDate = map[string]bool{"N/A": true, "no_information": true, "not_supported": true, "": true}

// CredentialEntry is one row of the credential report. Dates that the
// report gives as N/A, no_information or not_supported are nil.
type CredentialEntry struct {
	User    string    `json:"user"`
	ARN     string    `json:"arn"`
	Root    bool      `json:"root"`
	Created time.Time `json:"user_creation_time"`

	// PasswordEnabled is false for the root user, whose password the
	// report does not describe.
	PasswordEnabled      bool       `json:"password_enabled"`
	PasswordLastUsed     *time.Time `json:"password_last_used,omitempty"`
	PasswordLastChanged  *time.Time `json:"password_last_changed,omitempty"`
	PasswordNextRotation *time.Time `json:"password_next_rotation,omitempty"`
	MFAActive            bool       `json:"mfa_active"`

	// AccessKeys holds the report's two key slots that hold a key.
	AccessKeys   []AccessKeyEntry   `json:"access_keys"`
	Certificates []CertificateEntry `json:"certificates"`
}

// AccessKeyEntry is one access key slot of a credential report row.
type AccessKeyEntry struct {
	// Slot is 1 or 2, as the report's columns number keys.
	Slot            int        `json:"slot"`
	Active          bool       `json:"active"`
	LastRotated     *time.Time `json:"last_rotated,omitempty"`
	LastUsed        *time.Time `json:"last_used,omitempty"`
	LastUsedRegion  string     `json:"last_used_region,omitempty"`
	LastUsedService string     `json:"last_used_service,omitempty"`
}

// CertificateEntry is one signing certificate slot of a row.
type CertificateEntry struct {
	Slot        int        `json:"slot"`
	Active      bool       `json:"active"`
	LastRotated *time.Time `json:"last_rotated,omitempty"`
}

// requiredColumns are the columns that ParseCredentialReport reads. Other
// columns, such as ones IAM may add, are ignored.
var requiredColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// ParseCredentialReport reads a credential report in IAM's CSV layout. It
// finds columns by their header, so their order does not matter.
func ParseCredentialReport(r io.Reader) ([]CredentialEntry, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse credential report: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("parse credential report: the report is empty")
	}
	columns := map[string]int{}
	for i, name := range rows[0] {
		columns[name] = i
	}
	for _, name := range requiredColumns {
		if _, ok := columns[name]; !ok {
			return nil, fmt.Errorf("parse credential report: no %s column", name)
		}
	}

	entries := make([]CredentialEntry, 0, len(rows)-1)
	for i, row := range rows[1:] {
		p := rowParser{row: row, columns: columns}
		entry := p.entry()
		if p.err != nil {
			return nil, fmt.Errorf("parse credential report: line %d: %w", i+2, p.err)
		}
		entries = append(entries, entry)
	}
	return entries, nil
}

// rowParser reads the fields of one row and keeps the first error.
type rowParser struct {
	row     []string
	columns map[string]int
	err     error
}

func (p *rowParser) text(column string) string { return p.row[p.columns[column]] }

func (p *rowParser) boolean(column string) bool {
	v := p.text(column)
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil && v != "not_supported" && p.err == nil {
		p.err = fmt.Errorf("%s is %q, not true or false", column, v)
	}
	return b
}

func (p *rowParser) date(column string) *time.Time {
	v := p.text(column)
	if noDate[v] {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if p.err == nil {
			p.err = fmt.Errorf("%s is %q, not a date", column, v)
		}
		return nil
	}
	t = t.UTC()
	return &t
}

// optional returns a column's text, empty for N/A.
func (p *rowParser) optional(column string) string {
	v := p.text(column)
	if noDate[v] {
		return ""
	}
	return v
}

func (p *rowParser) entry() CredentialEntry {
	e := CredentialEntry{
		User: p.text("user"), ARN: p.text("arn"),
		PasswordEnabled:      p.boolean("password_enabled"),
		PasswordLastUsed:     p.date("password_last_used"),
		PasswordLastChanged:  p.date("password_last_changed"),
		PasswordNextRotation: p.date("password_next_rotation"),
		MFAActive:            p.boolean("mfa_active"),
	}
	e.Root = e.User == RootUser
	if created := p.date("user_creation_time"); created != nil {
		e.Created = *created
	}
	for slot := 1; slot <= 2; slot++ {
		prefix := fmt.Sprintf("access_key_%d_", slot)
		key := AccessKeyEntry{
			Slot: slot, Active: p.boolean(prefix + "active"), LastRotated: p.date(prefix + "last_rotated"),
			LastUsed: p.date(prefix + "last_used_date"), LastUsedRegion: p.optional(prefix + "last_used_region"),
			LastUsedService: p.optional(prefix + "last_used_service"),
		}
		if key.Active || key.LastRotated != nil {
			e.AccessKeys = append(e.AccessKeys, key)
		}
		prefix = fmt.Sprintf("cert_%d_", slot)
		cert := CertificateEntry{Slot: slot, Active: p.boolean(prefix + "active"), LastRotated: p.date(prefix + "last_rotated")}
		if cert.Active || cert.LastRotated != nil {
			e.Certificates = append(e.Certificates, cert)
		}
	}
	return e
}
