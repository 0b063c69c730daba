# Declarations that the scope leaves out, by a path that no scope path covers or by an excluded name, are errors when the configuration loads, before any account is read.
scope {
  paths   = ["/team/"]
  exclude = ["legacy-*"]
}

user "alice" {
  path = "/team/"
}

user "mallory" {
  path = "/other/"
}

user "legacy_bot" {
  name = "legacy-bot"
  path = "/team/"
}

role "ops" {
  path = "/"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
