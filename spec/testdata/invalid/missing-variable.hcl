# A variable without default and without a value is reported at its block.
variable "team" {
  type = string
}

user "alice" {
  tags = { team = var.team }
}
