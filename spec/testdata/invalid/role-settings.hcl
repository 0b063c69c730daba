# Role description limits and the max_session_duration range.
role "app" {
  description          = "Runs the app’s workers"
  max_session_duration = 100000
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
