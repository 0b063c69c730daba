role "app" {
  name                 = "app"
  path                 = "/service/"
  description          = "Runs the application on EC2"
  max_session_duration = var.session_hours * 3600
  permissions_boundary = policy.boundary.arn
  tags                 = local.common_tags
  assume_role_policy   = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"
  }]
}
EOT

  managed_policy_arns = [for p in policy.bucket_read : p.arn]

  inline_policy "queue" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage"]
        Resource = "arn:aws:sqs:eu-west-1:${account.id}:app-*"
      }]
    })
    expires_at = "2027-12-31"
  }
}

role "breakglass" {
  name               = "BreakGlass"
  assume_role_policy = policy_document.breakglass_trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

role "auditor" {
  name = "Auditor"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.audit_account}:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "acme-audit" } }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/SecurityAudit"]
}

instance_profile "app" {
  name = role.app.name
  path = role.app.path
  role = role.app.name
  tags = { service = "app" }
}
