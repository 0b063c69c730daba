# Paths must be "/" or start and end with a slash, without spaces.
user "no_trailing_slash" {
  path = "/people"
}

user "space" {
  path = "/my people/"
}

group "relative" {
  path = "people/"
}
