# A complete member list contradicts a user that names the group, and unknown names get suggestions.
group "admins" {
  name    = "Admins"
  members = ["alice", "carol"]
}

user "alice" {}

user "bob" {
  groups = ["Admins", "Developerz"]
}

group "developers" {
  name = "Developers"
}
