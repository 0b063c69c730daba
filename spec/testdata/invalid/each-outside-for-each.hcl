# each.key exists only in blocks with for_each.
user "alice" {
  name = each.key
}
