# Locals that refer to each other cannot be evaluated.
locals {
  a = "${local.b}-x"
  b = "${local.a}-y"
}

user "alice" {
  name = local.a
}
