# References to undeclared objects, with a suggestion for a near name.
user "alice" {}

role "app" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = user.alicia.arn }, Action = "sts:AssumeRole" }]
  })
  permissions_boundary = policy.boundary.arn
}

group "ops" {
  name = var.group_name
}

user "bob" {
  tags = local.tags
}
