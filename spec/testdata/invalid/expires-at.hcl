# expires_at takes an RFC 3339 date or time.
user "alice" {
  expires_at = "next tuesday"
}
