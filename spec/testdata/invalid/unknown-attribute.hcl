# An attribute the block does not have, as Terraform users sometimes copy.
user "alice" {
  name          = "alice"
  force_destroy = true
}
