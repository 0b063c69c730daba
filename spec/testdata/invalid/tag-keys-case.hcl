# Tag keys of users and roles are compared without case, so Team and team are one tag there; on policies they are two.
user "alice" {
  tags = { Team = "platform", team = "search" }
}

role "app" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = { Owner = "ops", OWNER = "dev", owner = "sec" }
}

policy "read" {
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
  tags = { Team = "platform", team = "search" }
}
