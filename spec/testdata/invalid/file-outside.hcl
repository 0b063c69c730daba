# file() may not read outside the configuration directory.
policy "escape" {
  document = file("../../etc/passwd")
}
