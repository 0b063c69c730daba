# A reference that starts with something that is not a namespace.
user "alice" {
  path = users.bob.path
}
