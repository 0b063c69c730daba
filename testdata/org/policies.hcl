# Customer-managed policies shared by groups, users and roles.

policy "deny_iam_writes" {
  name        = "DenyIAMWrites"
  description = "Keeps developers from changing IAM outside iamsync"
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "DenyIAMWrites"
      Effect = "Deny"
      Action = [
        "iam:Create*",
        "iam:Delete*",
        "iam:Put*",
        "iam:Update*",
        "iam:Attach*",
        "iam:Detach*",
      ]
      Resource = "*"
    }]
  })
}

policy "read_cloudtrail" {
  name     = "ReadCloudTrail"
  path     = "/security/"
  document = file("policies/read-cloudtrail.json")
  tags     = { owner = "security" }
}

policy "manage_own_credentials" {
  name        = "ManageOwnCredentials"
  description = "Lets people rotate their own keys and set up MFA"
  document    = file("policies/manage-own-credentials.json")
}

policy "read_reports_bucket" {
  name = "ReadReportsBucket"
  path = "/data/"
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = "arn:aws:s3:::acme-reports"
      },
      {
        Sid      = "ReadObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "arn:aws:s3:::acme-reports/*"
      },
    ]
  })
}

policy "service_boundary" {
  name        = "ServiceBoundary"
  path        = "/boundaries/"
  description = "The most any service identity may do"
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AllowDataPlane"
        Effect   = "Allow"
        Action   = ["s3:*", "dynamodb:*", "sqs:*", "logs:*", "cloudwatch:PutMetricData"]
        Resource = "*"
      },
      {
        Sid      = "DenyIAM"
        Effect   = "Deny"
        Action   = "iam:*"
        Resource = "*"
      },
    ]
  })
}

policy "app_runtime" {
  name = "AppRuntime"
  path = "/app/"
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadConfig"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParametersByPath"]
        Resource = "arn:aws:ssm:eu-west-1:${account.id}:parameter/app/*"
      },
      {
        Sid      = "Queue"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = "arn:aws:sqs:eu-west-1:${account.id}:app-*"
      },
    ]
  })
}
