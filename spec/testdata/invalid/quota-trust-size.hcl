# A trust policy over 2048 characters exceeds the default quota.
role "app" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for i in range(40) : {
      Sid       = "Trust${i}"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${format("%012d", i)}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}
