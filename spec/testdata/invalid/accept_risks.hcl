# accept_risks silences the named broad grants of a block's document; unknown names are errors, and names no document raises are warnings.
policy "admin" {
  accept_risks = ["admin-access"]
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

policy "deployer" {
  accept_risks = ["admin-access"]
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "ec2:RunInstances"], Resource = "*" }]
  })
}

policy "unaccepted" {
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", NotAction = "iam:*", Resource = "*" }]
  })
}

role "public" {
  accept_risks = ["trust-anyone", "pass-any-rol"]
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "sts:AssumeRole", Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } } }]
  })

  inline_policy "everything-but-iam" {
    accept_risks = ["allow-not-action"]
    document = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", NotAction = "iam:*", Resource = "*" }]
    })
  }
}

policy "per-team" {
  for_each     = { ops = "*", dev = "s3:GetObject" }
  accept_risks = ["admin-access"]
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }]
  })
}

role "ci" {
  accept_risks = ["admin-access"]
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "codebuild.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

policy "misplaced" {
  accept_risks = ["trust-anyone"]
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}
