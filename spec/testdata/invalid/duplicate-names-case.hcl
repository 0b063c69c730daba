# IAM names are unique regardless of case: Admins and admins collide.
group "admins" {
  name = "Admins"
}

group "admins_lower" {
  name = "admins"
}
