# A syntax error in a quoted string points past the escapes.
policy "broken" {
  document = "{\"Version\": \"2012-10-17\", \"Statement\": [}"
}
