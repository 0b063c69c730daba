# A scope block with an invalid path prefix is reported once, without an error for every declaration that the prefix fails to cover.
scope {
  paths = ["people/"]
}

user "alice" {
  path = "/people/"
}

group "devs" {}
