# Grammar errors of a jsonencode document point at the element.
policy "bad_effect" {
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Permit"
      Action   = "s3:GetObject"
      Resource = "*"
    }]
  })
}

role "no_principal" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole" }]
  })
}
