# A reference to an undeclared group or user in a membership cannot become a string, because memberships name declared entities only.
user "alice" {
  groups = [group.admins.name]
}

group "devs" {
  members = [user.carol.name]
}
