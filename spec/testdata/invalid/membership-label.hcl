# A membership string is an IAM name: a group's or a user's block label, when a name attribute sets another name, gets a reference to write instead.
group "devs" {
  name    = "developers"
  members = ["bob", "ops"]
}

group "team" {
  for_each = toset(["ops"])
  name     = "team-${each.key}"
}

user "alice" {
  groups = ["devs", "ops"]
}

user "bob" {
  name = "robert"
}
