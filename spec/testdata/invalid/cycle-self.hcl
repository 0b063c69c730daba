# A role whose path uses its own name, and a local that uses itself, are reported as referring to themselves.
role "a" {
  path               = "/${role.a.name}/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

locals {
  loop = "${local.loop}-x"
}
