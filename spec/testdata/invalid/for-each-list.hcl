# for_each takes a map or a set of strings, not a list.
user "people" {
  for_each = ["alice", "bob"]
}
